/// One model file a built-in pipeline read: what `metrics.json`'s `run.models`, a shard's `shard.json` and the
/// report's settings list.
public struct ModelFile: Sendable, Hashable, Codable {
    /// What it is: `detector`, `classifier`.
    public var role: String
    /// Where it was read.
    public var path: String
    /// Its SHA-256, lowercase hex.
    public var sha256: String

    public init(role: String, path: String, sha256: String) {
        self.role = role
        self.path = path
        self.sha256 = sha256
    }
}

/// A claims file that cannot be read: not YAML, a missing field, an unknown name, a malformed percentage.
///
/// `maskbench claims check` exits 2 on these.
public struct ClaimsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The claims file, as the user named it.
    public var file: String
    /// The line of the claims file (1-based), when the problem has one.
    public var line: Int?
    /// What is wrong and what was expected.
    public var message: String

    /// Creates an error at `line` of `file`.
    public init(file: String, line: Int?, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`.
    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

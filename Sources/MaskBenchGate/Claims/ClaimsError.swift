public import MaskBenchCore

/// A claims file that cannot be read: not YAML, a missing field, an unknown name, a malformed percentage.
///
/// `maskbench claims check` exits 2 on these.
public struct ClaimsError: InputProblem, Sendable, Hashable {
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

    /// ``file`` and ``line``.
    public var location: FileLocation? { FileLocation(file: file, line: line) }
}

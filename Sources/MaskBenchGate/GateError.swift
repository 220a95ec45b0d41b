public import MaskBenchCore

/// A gate input that cannot be used: a baseline of another schema or dataset, a malformed rules file.
///
/// The gate exits 2 on these, writing nothing.
public struct GateError: InputProblem, Sendable, Hashable {
    /// The file, as the user named it.
    public var file: String
    /// The 1-based line in ``file`` the problem is on, when it is on one.
    public var line: Int?
    /// The 1-based column in ``file``, when known.
    public var column: Int?
    /// What is wrong, and when it helps, what was expected.
    public var message: String

    /// An error about the whole of `file`.
    public init(file: String, _ message: String) {
        self.file = file
        self.message = message
    }

    /// An error at a place in `file`.
    public init(file: String, line: Int?, column: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.column = line == nil ? nil : column
        self.message = message
    }

    /// ``file``, ``line`` and ``column``.
    public var location: FileLocation? { FileLocation(file: file, line: line, column: column) }
}

public import MaskBenchCore

/// A file that could not be read as the format it claims to be.
///
/// The description names the file and the place (`file:line:column: message`), as a compiler does, so an
/// editor or CI log links to it.
public struct FormatError: InputProblem, Sendable, Hashable {
    /// The file, as the user named it.
    public var file: String
    /// 1-based line, when the format has lines.
    public var line: Int?
    /// 1-based column (or CSV field), when it helps.
    public var column: Int?
    /// What was wrong and what was expected.
    public var message: String

    /// An error at `file:line:column`, leaving out what is not known.
    public init(file: String, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// ``file``, ``line`` and ``column``.
    public var location: FileLocation? { FileLocation(file: file, line: line, column: column) }
}

/// Something a reader noticed and handled without failing (a clamped box, a skipped empty line).
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        case warning
        case note
    }

    public var severity: Severity
    public var file: String
    public var line: Int?
    public var message: String

    public init(_ severity: Severity, file: String, line: Int? = nil, _ message: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(severity.rawValue): \(message)"
    }
}

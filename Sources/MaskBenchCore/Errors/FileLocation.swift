/// Where in a file something is: the file as the user named it, and the 1-based line and column when they
/// are known.
///
/// Printed `file:line:column`, as compilers print places, so that editors and CI logs link to them; a column
/// is only printed with its line.
public struct FileLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file (or folder), as the user named it.
    public var file: String
    /// The 1-based line, when the problem is on one.
    public var line: Int?
    /// The 1-based column (or CSV field), when known; only meaningful with a ``line``.
    public var column: Int?

    /// Creates a location.
    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`, leaving out what is not known.
    public var description: String {
        guard let line else { return file }
        guard let column else { return "\(file):\(line)" }
        return "\(file):\(line):\(column)"
    }
}

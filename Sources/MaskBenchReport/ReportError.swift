public import MaskBenchCore

/// A part of the report that could not be drawn from its inputs, such as a thumbnail of a face that lies
/// outside its image; the report shows a placeholder with this message instead.
public struct ReportError: InputProblem, Sendable, Hashable {
    /// The file concerned (an image), as the report names it.
    public var path: String
    /// What could not be drawn, and why.
    public var message: String

    /// An error about `path`.
    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    /// ``path``.
    public var location: FileLocation? { FileLocation(file: path) }
}

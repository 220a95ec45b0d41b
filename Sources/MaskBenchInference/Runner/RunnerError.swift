public import MaskBenchCore

/// A problem of the runner or its cache: a worker that cannot start, an image or cache file that cannot be
/// read or written. Names the file when there is one.
public struct RunnerError: InputProblem, Sendable, Hashable {
    /// The file concerned, if any.
    public var file: String?
    /// What went wrong.
    public var message: String

    /// Creates an error about `file`.
    public init(file: String? = nil, _ message: String) {
        self.file = file
        self.message = message
    }

    /// ``file``, when there is one.
    public var location: FileLocation? { file.map { FileLocation(file: $0) } }
}

/// A problem of the runner or its cache: a worker that cannot start, an image or cache file that cannot be
/// read or written. Names the file when there is one.
public struct RunnerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file concerned, if any.
    public var file: String?
    /// What went wrong.
    public var message: String

    /// Creates an error about `file`.
    public init(file: String? = nil, _ message: String) {
        self.file = file
        self.message = message
    }

    public var description: String {
        file.map { "\($0): \(message)" } ?? message
    }
}

package import MaskBenchCore

/// A problem of the runner or its cache: a worker that cannot start, an image or cache file that cannot be
/// read or written. Names the file when there is one.
package struct RunnerError: InputProblem, Sendable, Hashable {
    /// The file concerned, if any.
    package var file: String?
    /// What went wrong.
    package var message: String

    /// Creates an error about `file`.
    package init(file: String? = nil, _ message: String) {
        self.file = file
        self.message = message
    }

    /// ``file``, when there is one.
    package var location: FileLocation? { file.map { FileLocation(file: $0) } }
}

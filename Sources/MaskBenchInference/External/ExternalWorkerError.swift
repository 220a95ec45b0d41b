package import MaskBenchCore

/// Why an external worker could not start or could not answer for an image.
///
/// The description names the worker (number and process id) and, for a bad line, shows the start of the line.
/// ``restartsWorker`` says whether the worker's state is suspect (it crashed, hung, or its output no longer
/// lines up with the requests): then the runner's worker is restarted and the image retried.
package struct ExternalWorkerError: InputProblem, Sendable, Hashable {
    /// What kind of failure this is.
    package enum Kind: String, Sendable, Hashable {
        /// The command could not be started (not found, not executable).
        case cannotStart
        /// The first line was not a valid handshake, or the worker did not send it in time.
        case badHandshake
        /// The worker answered `{"id", "error"}`: it could not process this image.
        case imageFailed
        /// The answer was valid JSON for this request but its content is invalid (a box with three numbers).
        case invalidAnswer
        /// A line that is not a JSON object.
        case malformedLine
        /// A line longer than the cap.
        case oversizedLine
        /// An answer carrying another request's id, or answering a request twice.
        case wrongID
        /// No answer within the timeout.
        case timedOut
        /// The worker exited or closed its standard output.
        case crashed
        /// Writing the request failed.
        case cannotWrite
    }

    /// The kind of failure.
    package var kind: Kind
    /// A readable explanation naming the worker.
    package var message: String
    /// For ``Kind/imageFailed``, the worker's own words, as it answered `{"id", "error"}`.
    package var workerText: String?

    /// Creates an error.
    package init(_ kind: Kind, _ message: String, workerText: String? = nil) {
        self.kind = kind
        self.message = message
        self.workerText = workerText
    }

    /// Whether the worker must be restarted before it is asked again.
    package var restartsWorker: Bool {
        switch kind {
        case .imageFailed, .invalidAnswer: false
        default: true
        }
    }

    /// Not in a file: the message names the worker.
    package var location: FileLocation? { nil }

    /// Whether the worker command is the cause before any image was sent: it cannot start, or its first line
    /// is not the handshake. A failure on an image is not thrown; the image is listed as failed.
    package var isInputProblem: Bool { kind == .cannotStart || kind == .badHandshake }
}

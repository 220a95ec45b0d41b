public import MaskBenchCore

/// An image file that could not be read, decoded or encoded.
///
/// The description names the file, the C function that failed (when one did) and the library's own
/// message, for example
/// `photos/a.png: png_image_begin_read_from_file: Not a PNG file`.
public struct ImagingError: InputProblem, Sendable, Hashable {
    /// What went wrong, in broad strokes.
    public enum Kind: String, Sendable, Hashable {
        /// The file could not be opened or read.
        case unreadableFile
        /// The first bytes are neither a PNG nor a JPEG signature.
        case unsupportedFormat
        /// The decoding library rejected the file.
        case decodingFailed
        /// The header announces more pixels than the decoder's pixel budget allows (a decompression bomb, or
        /// simply a photo too large for the run); nothing was allocated for it.
        case overPixelBudget
        /// The encoding library failed to write an image.
        case encodingFailed
        /// An image name from an annotation leads outside the images folder (``ImageRoot``).
        case outsideRoot
    }

    /// What went wrong, in broad strokes.
    public var kind: Kind
    /// The file, as the caller named it.
    public var file: String
    /// The C function that reported the failure (`tjDecompressHeader3`, ...), when one did.
    public var function: String?
    /// The library's message, or ours when no library was involved.
    public var message: String

    /// Creates an error about `file`.
    ///
    /// - Parameters:
    ///   - kind: What went wrong.
    ///   - file: The file, as the caller named it.
    ///   - function: The C function that failed, if any.
    ///   - message: The library's message.
    public init(_ kind: Kind, file: String, function: String? = nil, message: String) {
        self.kind = kind
        self.file = file
        self.function = function
        self.message = message
    }

    /// ``file``.
    public var location: FileLocation? { FileLocation(file: file) }

    /// Whether the user's file is the cause: every kind but ``Kind/encodingFailed`` (MaskBench's own
    /// thumbnail encoding).
    public var isInputProblem: Bool { kind != .encodingFailed }

    /// `file: function: message`, or `file: message` when no C function was involved.
    public var description: String {
        if let function { return "\(file): \(function): \(message)" }
        return "\(file): \(message)"
    }
}

import MaskBenchFiles
/// Something wrong or worth knowing in a ground truth, with where it is and what MaskBench does about it.
///
/// Readers record findings as they go (a clamped box becomes a warning ``Diagnostic``);
/// ``GroundTruthValidator`` returns them all, plus the checks that need the images.
public struct ValidationFinding: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The kinds of finding.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// The annotation names an image that is not in the images folder.
        case missingImage
        /// The image file exists but its header cannot be read as PNG or JPEG.
        case unreadableImage
        /// The size the annotation states differs from the image's real size.
        case sizeMismatch
        /// A box extends past the image.
        case boxOutsideImage
        /// A box has zero width or height.
        case zeroAreaBox
        /// The same box appears twice in one image.
        case duplicateBox
        /// A label the label map does not know.
        case unknownLabel
        /// An annotated image with no faces.
        case imageWithoutFaces
        /// An image in the images folder that no annotation names.
        case unannotatedImage
        /// Something a reader of another format reported (its diagnostic, passed on).
        case other

        /// How serious the kind is: notes for situations that are often intended, warnings otherwise.
        public var severity: Diagnostic.Severity {
            switch self {
            case .imageWithoutFaces, .unannotatedImage: .note
            default: .warning
            }
        }
    }

    /// The kind of finding.
    public var kind: Kind
    /// The file the finding is about: the annotation file, or the image file for image findings.
    public var file: String
    /// The 1-based line in ``file``, when it has one.
    public var line: Int?
    /// The image's name in the dataset, when the finding is about one image.
    public var image: String?
    /// What is wrong, in a sentence.
    public var message: String
    /// What MaskBench does about it ("clamped to the image", "skipped", ...).
    public var action: String

    /// Creates a finding.
    public init(_ kind: Kind, file: String, line: Int? = nil, image: String? = nil, message: String, action: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.image = image
        self.message = message
        self.action = action
    }

    /// `file:line`, or `file` when there is no line.
    public var place: String { file + (line.map { ":\($0)" } ?? "") }

    /// The finding's severity; see ``Kind/severity``.
    public var severity: Diagnostic.Severity { kind.severity }

    /// `place: severity: message; action`, as a compiler prints a diagnostic.
    public var description: String { "\(place): \(severity.rawValue): \(message); \(action)" }

    /// The finding as a reader's ``Diagnostic``.
    public var diagnostic: Diagnostic {
        Diagnostic(severity, file: file, line: line, "\(message); \(action)")
    }
}

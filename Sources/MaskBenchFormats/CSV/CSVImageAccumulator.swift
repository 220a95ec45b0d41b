import MaskBenchCore
import MaskBenchFiles
import MaskBenchImaging

/// Gathers the rows of a one-face-per-row CSV into images, in the order images are first seen.
///
/// Each image name is checked when first seen (``MaskBenchImaging/ImageRoot/problem(withName:)``) and each
/// image's face count against ``ReadLimits/maxFacesPerImage``, so both errors name the row.
struct CSVImageAccumulator {
    /// Whether image names may lead out of the images folder.
    let allowOutsideRoot: Bool
    /// The faces-per-image cap.
    let limits: ReadLimits
    private var order: [String] = []
    private var images: [String: AnnotatedImage] = [:]
    private var lines: [String: [Int?]] = [:]
    private var sizeLines: [String: Int] = [:]

    /// An empty accumulator.
    init(allowOutsideRoot: Bool = false, limits: ReadLimits = .defaults) {
        self.allowOutsideRoot = allowOutsideRoot
        self.limits = limits
    }

    /// Whether image `name` has been seen.
    func contains(_ name: String) -> Bool { images[name] != nil }

    /// The stated size of image `name`, if it was given one.
    func size(of name: String) -> (width: Int, height: Int)? {
        guard let image = images[name], let width = image.width, let height = image.height else { return nil }
        return (width, height)
    }

    /// Makes sure image `name` exists, with the size `width` × `height` when given.
    ///
    /// - Throws: ``FormatError`` at `file:line` when an earlier row gave the image another size, or when a new
    ///   name leads out of the images folder.
    mutating func touch(_ name: String, width: Int? = nil, height: Int? = nil, file: String, line: Int) throws {
        if var image = images[name] {
            guard let width, let height else { return }
            if let oldWidth = image.width, let oldHeight = image.height {
                guard oldWidth == width, oldHeight == height else {
                    let earlier = sizeLines[name].map { " on line \($0)" } ?? ""
                    throw FormatError(
                        file: file, line: line,
                        "image '\(name)' is \(width)×\(height) here but \(oldWidth)×\(oldHeight)\(earlier)")
                }
            } else {
                image.width = width
                image.height = height
                images[name] = image
                sizeLines[name] = line
            }
        } else {
            if !allowOutsideRoot, let problem = ImageRoot.problem(withName: name) {
                throw FormatError(file: file, line: line, ImageRoot.refusal(name: name, problem: problem))
            }
            order.append(name)
            images[name] = AnnotatedImage(name: name, width: width, height: height, faces: [])
            lines[name] = []
            if width != nil { sizeLines[name] = line }
        }
    }

    /// Sets the size of image `name` (read from the image file).
    mutating func setSize(of name: String, width: Int, height: Int) {
        images[name]?.width = width
        images[name]?.height = height
    }

    /// Appends `face`, annotated on `line` of `file`, to image `name`, which must have been touched.
    ///
    /// - Throws: ``FormatError`` at `file:line` when the image would hold more faces than the limit.
    mutating func append(_ face: GroundTruthFace, line: Int, to name: String, file: String) throws {
        try limits.checkFaces((images[name]?.faces.count ?? 0) + 1, image: name, file: file, line: line)
        images[name]?.faces.append(face)
        lines[name]?.append(line)
    }

    /// The images in first-seen order with, for each, the line of each face.
    var result: [(image: AnnotatedImage, lines: [Int?])] {
        order.compactMap { name in images[name].map { ($0, lines[name] ?? []) } }
    }

    /// The names in first-seen order.
    var names: [String] { order }
}

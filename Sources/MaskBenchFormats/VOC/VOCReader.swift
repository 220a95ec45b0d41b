import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchImaging

/// Reads Pascal VOC XML annotations: a folder of `.xml` files (one per image) or a single file.
///
/// Files are read in the byte order of their names (`a10.xml` before `a2.xml`; no numeric sorting), and that
/// is the images' order; faces keep the order of their `<object>`s. From each file: `<filename>` (the
/// image's name), `<size><width>`/`<height>`, and each `<object>`'s `<name>` and `<bndbox>`
/// (`xmin ymin xmax ymax`, decimals allowed), read as `Box(minX: xmin, minY: ymin, maxX: xmax, maxY: ymax)`.
/// An object with `<difficult>1</difficult>` is an ignore region (``MaskBenchCore/IgnoreRegion/difficult``), as
/// the VOC devkit treats it; `<truncated>` and `<part>` are ignored. A box extending past the image (the Kaggle set's
/// `xmax = 401` on 400-pixel-wide images) is clamped with a warning. A missing or zero `<size>` leaves the
/// size unknown, unless ``GroundTruthOptions/imagesDirectory`` gives the image to read it from.
public enum VOCReader {
    /// Reads the file or folder at `path`.
    ///
    /// - Parameters:
    ///   - path: A `.xml` file, or a folder of them.
    ///   - options: The label map, whether unknown labels are errors and, optionally, the images folder.
    /// - Returns: The dataset and what the reader noticed.
    /// - Throws: ``FormatError`` naming the file and line: malformed XML (with the parser's column), a document
    ///   type declaration (DTDs and entities are refused), a root other than `<annotation>` or elements nested
    ///   more than ``VOCDocument/maxDepth`` deep (refused where they start, before the rest is parsed), a missing
    ///   `<filename>` or coordinate, a non-numeric value, `xmax < xmin`, an unknown label, or two files
    ///   naming the same image. Nothing is returned on error.
    public static func read(path: String, options: GroundTruthOptions = .init()) throws -> LoadedGroundTruth {
        var log = GroundTruthLog()
        let dataset = try read(path: path, options: options, log: &log)
        return LoadedGroundTruth(dataset: dataset, format: .voc, diagnostics: log.diagnostics)
    }

    /// The `.xml` files in `directory`, as paths, sorted by the bytes of their names.
    static func annotationFiles(in directory: String) throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw FormatError(file: directory, "cannot list: \(FileErrorReason.describe(error))")
        }
        let separator = directory.hasSuffix("/") ? "" : "/"
        return names.filter { $0.lowercased().hasSuffix(".xml") && !$0.hasPrefix(".") }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .map { directory + separator + $0 }
    }

    static func read(path: String, options: GroundTruthOptions, log: inout GroundTruthLog) throws -> Dataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FormatError(file: path, "cannot read: \(FileErrorReason.describe(errno: ENOENT))")
        }
        let files = isDirectory.boolValue ? try annotationFiles(in: path) : [path]
        guard !files.isEmpty else { throw FormatError(file: path, "no .xml files in the folder") }
        let images = try options.imagesDirectory.map {
            try ImageDirectory(path: $0, allowsOutside: options.allowOutsideRoot, source: path)
        }

        var dataset: [AnnotatedImage] = []
        var annotatedBy: [String: String] = [:]
        for file in files {
            let image = try readFile(file, options: options, images: images, log: &log)
            if let other = annotatedBy[image.name] {
                throw FormatError(file: file, "image '\(image.name)' is already annotated by \(other)")
            }
            annotatedBy[image.name] = file
            dataset.append(image)
        }
        return Dataset(images: dataset)
    }

    // MARK: - One file

    private static func readFile(
        _ file: String, options: GroundTruthOptions, images: ImageDirectory?, log: inout GroundTruthLog
    ) throws -> AnnotatedImage {
        let data: Data
        try options.limits.checkFileSize(file)
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw FormatError(file: file, "cannot read: \(FileErrorReason.describe(error))")
        }
        let document = try VOCDocument.parse(data, file: file)
        guard document.root == "annotation" else {
            throw FormatError(
                file: file, line: 1,
                "expected a Pascal VOC <annotation> document, found <\(document.root ?? "nothing")>")
        }
        guard let filename = document.filename, !filename.value.isEmpty else {
            throw FormatError(file: file, line: document.filename?.line, "missing <filename>: the image's name")
        }
        let name = filename.value
        if !options.allowOutsideRoot, let problem = ImageRoot.problem(withName: name) {
            throw FormatError(file: file, line: filename.line, ImageRoot.refusal(name: name, problem: problem))
        }
        try options.limits.checkFaces(document.objects.count, image: name, file: file)
        var width = try pixels(document.width, element: "width", file: file)
        var height = try pixels(document.height, element: "height", file: file)
        if width == nil || height == nil, let images {
            (width, height) = try size(of: name, in: images, file: file, log: &log)
        }

        var faces: [GroundTruthFace] = []
        var lines: [Int?] = []
        for object in document.objects {
            guard let rawName = object.name, !rawName.value.isEmpty else {
                throw FormatError(file: file, line: object.line, "<object> without a <name>")
            }
            let box = try box(of: object, label: rawName.value, file: file)
            guard
                let label = try log.label(
                    rawName.value, options: options, file: file, line: rawName.line, image: name)
            else { continue }
            let placed = log.place(box, imageWidth: width, height: height, file: file, line: object.line, image: name)
            let difficult = try isDifficult(object, label: rawName.value, file: file)
            faces.append(GroundTruthFace(box: placed, label: label, ignoreRegion: difficult ? .difficult : nil))
            lines.append(object.line)
        }
        if document.objects.isEmpty { log.imageWithoutFaces(file: file, image: name) }
        log.checkDuplicates(faces, lines: lines, file: file, image: name)
        return AnnotatedImage(name: name, width: width, height: height, faces: faces)
    }

    private static func box(of object: VOCDocument.Object, label: String, file: String) throws -> Box {
        var value: [String: Double] = [:]
        for corner in ["xmin", "ymin", "xmax", "ymax"] {
            guard let text = object.corners[corner] else {
                throw FormatError(file: file, line: object.line, "<object> '\(label)' has no <bndbox><\(corner)>")
            }
            guard let number = Double(text.value), number.isFinite else {
                throw FormatError(
                    file: file, line: text.line, "expected a finite number in <\(corner)>, found '\(text.value)'")
            }
            value[corner] = number
        }
        let (xmin, ymin, xmax, ymax) = (
            value["xmin", default: 0], value["ymin", default: 0],
            value["xmax", default: 0], value["ymax", default: 0]
        )
        for (low, high, axis) in [(xmin, xmax, "x"), (ymin, ymax, "y")] where high < low {
            let line = object.corners["\(axis)max"]?.line ?? object.line
            throw FormatError(
                file: file, line: line,
                "<\(axis)max> \(GroundTruthLog.number(high)) is less than <\(axis)min> \(GroundTruthLog.number(low)): "
                    + "the box of '\(label)' has negative \(axis == "x" ? "width" : "height")")
        }
        return Box(minX: xmin, minY: ymin, maxX: xmax, maxY: ymax)
    }

    /// Whether `<difficult>` is 1 (absent or empty is 0, as the devkit's annotations mean it).
    private static func isDifficult(_ object: VOCDocument.Object, label: String, file: String) throws -> Bool {
        guard let text = object.difficult, !text.value.isEmpty else { return false }
        switch text.value {
        case "0": return false
        case "1": return true
        default:
            throw FormatError(
                file: file, line: text.line, "expected 0 or 1 in <difficult> of '\(label)', found '\(text.value)'")
        }
    }

    /// A `<size>` value: `nil` when absent or 0 (some tools write 0 for unknown).
    private static func pixels(_ text: VOCDocument.Text?, element: String, file: String) throws -> Int? {
        guard let text, !text.value.isEmpty else { return nil }
        guard let value = Double(text.value), value.isFinite, value >= 0, value.rounded() == value,
            value <= Double(Int32.max)
        else {
            throw FormatError(
                file: file, line: text.line, "expected a whole number of pixels in <\(element)>, found '\(text.value)'")
        }
        return value == 0 ? nil : Int(value)
    }

    /// The size read from the image file, or `(nil, nil)` with a finding when it cannot be.
    private static func size(
        of name: String, in images: ImageDirectory, file: String, log: inout GroundTruthLog
    ) throws -> (Int?, Int?) {
        guard images.contains(name) else {
            log.add(
                ValidationFinding(
                    .missingImage, file: file, image: name, message: "image '\(name)' is not in \(images.root)",
                    action: "size unknown, boxes not checked against it"))
            return (nil, nil)
        }
        do {
            let size = try images.size(ofImage: name)
            return (size.width, size.height)
        } catch let error as ImagingError where error.kind == .outsideRoot {
            throw error
        } catch {
            log.add(
                ValidationFinding(
                    .unreadableImage, file: images.path(ofImage: name) ?? name, image: name, message: "\(error)",
                    action: "size unknown, boxes not checked against it"))
            return (nil, nil)
        }
    }
}

import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchImaging

/// Reads YOLO txt labels: a folder of `<stem>.txt` files (or one file), each line `class cx cy w h`.
///
/// Values are normalised to the image size, so every label file needs its image: `<stem>.png`, `.jpg` or
/// `.jpeg` in ``GroundTruthOptions/imagesDirectory``, whose header gives the size. The box is
/// `x = (cx − w/2)·W`, `y = (cy − h/2)·H`, `width = w·W`, `height = h·H`. Fields are separated by any run of
/// spaces or tabs; blank lines are skipped. Class ids index ``GroundTruthOptions/yoloClassNames`` (default
/// ``defaultClassNames``, the Kaggle set's order), and the names go through the label map.
///
/// Files are read in the byte order of their names; faces keep line order. A `classes.txt` in the folder is
/// not a label file and is skipped with a note (pass the names as an option instead). A box extending past
/// the image is clamped with a warning.
public enum YOLOReader {
    /// The class names of the Kaggle face-mask set's YOLO labels: 0 without_mask, 1 with_mask,
    /// 2 mask_weared_incorrect.
    public static let defaultClassNames = ["without_mask", "with_mask", "mask_weared_incorrect"]

    /// File names in a labels folder that hold class names rather than labels.
    static let classListNames: Set<String> = ["classes.txt"]

    /// Reads the labels at `path`.
    ///
    /// - Parameters:
    ///   - path: A folder of `.txt` label files, or one such file.
    ///   - options: The images folder (required), class names, label map.
    /// - Returns: The dataset (image names are the image files' names, sizes from their headers) and what
    ///   the reader noticed.
    /// - Throws: ``FormatError`` at `file:line:column` for a line without 5 fields, a non-numeric or negative
    ///   value, a class id without a name, or an unknown label; ``FormatError`` naming the label file when its
    ///   image is missing; ``ImagingError`` when an image's header cannot be read. Nothing is returned on error.
    public static func read(path: String, options: GroundTruthOptions = .init()) throws -> LoadedGroundTruth {
        var log = GroundTruthLog()
        let dataset = try read(path: path, options: options, log: &log, missingImagesAreFindings: false)
        return LoadedGroundTruth(dataset: dataset, format: .yolo, diagnostics: log.diagnostics)
    }

    /// The label files in `directory`, as paths sorted by the bytes of their names, and the class lists skipped.
    static func labelFiles(in directory: String) throws -> (labels: [String], classLists: [String]) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw FormatError(file: directory, "cannot list: \(FileErrorReason.describe(error))")
        }
        let separator = directory.hasSuffix("/") ? "" : "/"
        let texts = names.filter { $0.lowercased().hasSuffix(".txt") && !$0.hasPrefix(".") }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return (
            texts.filter { !classListNames.contains($0.lowercased()) }.map { directory + separator + $0 },
            texts.filter { classListNames.contains($0.lowercased()) }.map { directory + separator + $0 }
        )
    }

    /// Reads the labels; with `missingImagesAreFindings` (for validation) a label file whose image is missing
    /// or unreadable is skipped with a finding instead of failing the read.
    static func read(
        path: String, options: GroundTruthOptions, log: inout GroundTruthLog, missingImagesAreFindings: Bool
    ) throws -> Dataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FormatError(file: path, "cannot read: \(FileErrorReason.describe(errno: ENOENT))")
        }
        var files = [path]
        if isDirectory.boolValue {
            let listing = try labelFiles(in: path)
            files = listing.labels
            for list in listing.classLists {
                log.note(
                    file: list,
                    "not read as labels; pass class names with --yolo-classes if they differ "
                        + "from \(defaultClassNames.joined(separator: ","))")
            }
        }
        guard !files.isEmpty else { throw FormatError(file: path, "no .txt label files in the folder") }
        guard let imagesPath = options.imagesDirectory else {
            throw FormatError(
                file: path, "YOLO labels are normalised to the image size: pass the images folder (--images)")
        }
        let images = try ImageDirectory(path: imagesPath, allowsOutside: options.allowOutsideRoot, source: path)
        let byStem = images.imagesByStem()
        let classNames = options.yoloClassNames ?? defaultClassNames

        var dataset: [AnnotatedImage] = []
        for file in files {
            let stem = ImageDirectory.stem(of: String(file.split(separator: "/").last ?? Substring(file)))
            guard let name = byStem[stem] else {
                let message =
                    "no image '\(stem).png', '\(stem).jpg' or '\(stem).jpeg' in \(imagesPath) "
                    + "for the labels in this file"
                guard missingImagesAreFindings else { throw FormatError(file: file, message) }
                log.add(
                    ValidationFinding(
                        .missingImage, file: file, image: stem, message: message,
                        action: "skipped: its boxes cannot be placed without the image size"))
                continue
            }
            let size: ImageSize
            do {
                size = try images.size(ofImage: name)
            } catch let error as ImagingError where error.kind == .outsideRoot {
                throw error
            } catch {
                guard missingImagesAreFindings else { throw error }
                log.add(
                    ValidationFinding(
                        .unreadableImage, file: images.path(ofImage: name) ?? name, image: name, message: "\(error)",
                        action: "skipped: its boxes cannot be placed without the image size"))
                continue
            }
            dataset.append(
                try readFile(file, image: name, size: size, classNames: classNames, options: options, log: &log))
        }
        return Dataset(images: dataset)
    }

    // MARK: - One file

    private static func readFile(
        _ file: String, image name: String, size: ImageSize, classNames: [String], options: GroundTruthOptions,
        log: inout GroundTruthLog
    ) throws -> AnnotatedImage {
        let data: Data
        try options.limits.checkFileSize(file)
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw FormatError(file: file, "cannot read: \(FileErrorReason.describe(error))")
        }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }

        var faces: [GroundTruthFace] = []
        var lines: [Int?] = []
        var labelLines = 0
        // `\r\n` is one `Character`, so splitting on `isNewline` counts it as one line break.
        for (index, content) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = index + 1
            let fields = content.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.isEmpty { continue }
            labelLines += 1
            guard fields.count == 5 else {
                throw FormatError(file: file, line: line, "expected 5 fields (class cx cy w h), found \(fields.count)")
            }
            guard let id = Int(fields[0]), id >= 0 else {
                throw FormatError(
                    file: file, line: line, column: 1, "expected a class id (0, 1, 2, ...), found '\(fields[0])'")
            }
            guard id < classNames.count else {
                throw FormatError(
                    file: file, line: line, column: 1,
                    "class id \(id) has no name; the class names are \(classNames.joined(separator: ",")) "
                        + "(pass others with --yolo-classes)")
            }
            var values: [Double] = []
            for (offset, field) in fields.dropFirst().enumerated() {
                let names = ["cx", "cy", "w", "h"]
                guard let value = Double(field), value.isFinite else {
                    throw FormatError(
                        file: file, line: line, column: offset + 2,
                        "expected a finite number for \(names[offset]), found '\(field)'")
                }
                guard offset < 2 || value >= 0 else {
                    throw FormatError(
                        file: file, line: line, column: offset + 2, "expected \(names[offset]) >= 0, found \(field)")
                }
                values.append(value)
            }
            guard
                let label = try log.label(
                    classNames[id], options: options, file: file, line: line, column: 1, image: name)
            else { continue }
            let (width, height) = (Double(size.width), Double(size.height))
            let box = Box(
                x: (values[0] - values[2] / 2) * width, y: (values[1] - values[3] / 2) * height,
                width: values[2] * width, height: values[3] * height)
            let placed = log.place(
                box, imageWidth: size.width, height: size.height, file: file, line: line, image: name)
            try options.limits.checkFaces(faces.count + 1, image: name, file: file, line: line)
            faces.append(GroundTruthFace(box: placed, label: label))
            lines.append(line)
        }
        if labelLines == 0 { log.imageWithoutFaces(file: file, image: name) }
        log.checkDuplicates(faces, lines: lines, file: file, image: name)
        return AnnotatedImage(name: name, width: size.width, height: size.height, faces: faces)
    }
}

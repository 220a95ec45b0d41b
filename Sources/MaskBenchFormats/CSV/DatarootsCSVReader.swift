import MaskBenchCore
import MaskBenchFiles
import MaskBenchImaging

/// Reads seed 001's `test_validation_metadata.csv` (dataroots face-mask-detection):
/// header `class,x,y,w,h,image_urls,raw_img_dir,cropped_img_dir`, one face per row.
///
/// - The image is the last path component of `raw_img_dir` (`data/raw_images/14.jpg` → `14.jpg`): images
///   are named relative to the images folder everywhere in MaskBench, so the folder part is dropped and
///   `--images data/raw_images` finds them. Two different folders holding the same file name is an error
///   rather than a silent merge.
/// - The split is the component of `cropped_img_dir` that is `test`, `validation` or `train`
///   (`data/test/masked/1.jpg` → `test`). Splits are per face: one image can hold test and validation faces.
///   With ``GroundTruthOptions/split`` only that split's faces are kept, and an image is kept when it holds
///   at least one of them; the other split's faces in such an image are left out (a note says how many).
/// - Boxes are pixels, top-left corner and size; decimals are allowed. The file states no image sizes: with
///   ``GroundTruthOptions/imagesDirectory`` they are read from the images and boxes are clamped to them.
///
/// Columns are found by name, so their order does not matter; `image_urls` is not needed.
public enum DatarootsCSVReader {
    /// The header of the file as seed 001 ships it.
    public static let columns = ["class", "x", "y", "w", "h", "image_urls", "raw_img_dir", "cropped_img_dir"]
    /// The columns that must be present.
    static let requiredColumns = ["class", "x", "y", "w", "h", "raw_img_dir", "cropped_img_dir"]
    /// The folder names recognised as splits in `cropped_img_dir`.
    public static let splits = ["test", "validation", "train"]

    /// Reads the metadata file at `path`.
    ///
    /// - Parameters:
    ///   - path: The CSV file.
    ///   - options: The label map, the split to keep and, optionally, the images folder for sizes.
    /// - Returns: The dataset and what the reader noticed.
    /// - Throws: ``FormatError`` at `file:line:column` for a missing column, a wrong field count, a bad number,
    ///   an unknown label, a row whose split cannot be told while a split is asked for, or an empty result.
    public static func read(path: String, options: GroundTruthOptions = .init()) throws -> LoadedGroundTruth {
        var log = GroundTruthLog()
        let dataset = try read(path: path, options: options, log: &log)
        return LoadedGroundTruth(dataset: dataset, format: .dataroots, diagnostics: log.diagnostics)
    }

    /// Whether `record` is this format's header: it names every required column.
    static func isHeader(_ record: CSVRecord) -> Bool {
        let names = Set(record.normalizedFields)
        return requiredColumns.allSatisfy(names.contains)
    }

    /// The split named in a `cropped_img_dir` path, if any.
    static func split(ofCroppedPath path: String) -> String? {
        path.split(whereSeparator: { $0 == "/" || $0 == "\\" }).map(String.init).first(where: splits.contains)
    }

    static func read(path: String, options: GroundTruthOptions, log: inout GroundTruthLog) throws -> Dataset {
        var images = CSVImageAccumulator(allowOutsideRoot: options.allowOutsideRoot, limits: options.limits)
        var column: [String: Int] = [:]
        var header: CSVRecord?
        var rawPaths: [String: (path: String, line: Int)] = [:]
        var splitsSeen: Set<String> = []
        var skippedByImage: [String: Int] = [:]

        try CSVReader.forEachRecord(inFile: path, limits: options.limits) { record in
            guard let header else {
                column = try columnIndices(record, file: path)
                header = record
                return
            }
            try record.requireFieldCount(header.fields, file: path)
            let cropped = record.field(column["cropped_img_dir", default: 0])
            let split = split(ofCroppedPath: cropped)
            if let split { splitsSeen.insert(split) }
            let rawPath = try record.text(at: column["raw_img_dir", default: 0], named: "raw_img_dir", file: path)
            let name = String(rawPath.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? Substring(rawPath))
            if let seen = rawPaths[name], seen.path != rawPath {
                throw FormatError(
                    file: path, line: record.line, column: column["raw_img_dir", default: 0] + 1,
                    "'\(rawPath)' and '\(seen.path)' (line \(seen.line)) share the file name '\(name)'; "
                        + "MaskBench names images by file name, so they cannot be told apart")
            }
            rawPaths[name] = (rawPath, record.line)
            let box = Box(
                x: try record.number(at: column["x", default: 0], named: "x", file: path),
                y: try record.number(at: column["y", default: 0], named: "y", file: path),
                width: try record.size(at: column["w", default: 0], named: "w", file: path),
                height: try record.size(at: column["h", default: 0], named: "h", file: path))
            let classColumn = column["class", default: 0]
            let raw = try record.text(at: classColumn, named: "class", file: path)
            if let wanted = options.split {
                guard let split else {
                    throw FormatError(
                        file: path, line: record.line, column: column["cropped_img_dir", default: 0] + 1,
                        "cannot tell the split of '\(cropped)': expected a folder named "
                            + "\(splits.joined(separator: ", ")) in cropped_img_dir")
                }
                guard split == wanted else {
                    skippedByImage[name, default: 0] += 1
                    return
                }
            }
            guard
                let label = try log.label(
                    raw, options: options, file: path, line: record.line, column: classColumn + 1, image: name)
            else { return }
            try images.touch(name, file: path, line: record.line)
            try images.append(GroundTruthFace(box: box, label: label), line: record.line, to: name, file: path)
        }

        guard header != nil else {
            throw FormatError(file: path, "empty file; expected the header \(columns.joined(separator: ","))")
        }
        if let wanted = options.split {
            guard !images.names.isEmpty else {
                let found = splitsSeen.sorted().joined(separator: ", ")
                throw FormatError(
                    file: path,
                    "no faces in split '\(wanted)'; the file has \(found.isEmpty ? "no recognisable splits" : found)")
            }
            let mixed = images.names.filter { skippedByImage[$0] != nil }
            if !mixed.isEmpty {
                let faces = mixed.reduce(0) { $0 + skippedByImage[$1, default: 0] }
                log.note(
                    file: path,
                    "kept split '\(wanted)': \(mixed.count) of its images also hold \(faces) faces of another split; "
                        + "those faces are left out, so a detection of one counts as an extra detection")
            }
        }
        guard !images.names.isEmpty else { throw FormatError(file: path, "no annotation rows after the header") }

        if let folder = options.imagesDirectory {
            try readSizes(
                into: &images, folder: folder, file: path, allowOutsideRoot: options.allowOutsideRoot, log: &log)
        }
        var dataset: [AnnotatedImage] = []
        for (image, lines) in images.result {
            var placedImage = image
            placedImage.faces = zip(image.faces, lines).map { face, line in
                GroundTruthFace(
                    box: log.place(
                        face.box, imageWidth: image.width, height: image.height, file: path, line: line,
                        image: image.name),
                    label: face.label)
            }
            log.checkDuplicates(placedImage.faces, lines: lines, file: path, image: image.name)
            dataset.append(placedImage)
        }
        return Dataset(images: dataset)
    }

    /// Maps column names to indices from the header row.
    private static func columnIndices(_ record: CSVRecord, file: String) throws -> [String: Int] {
        var indices: [String: Int] = [:]
        for (index, name) in record.normalizedFields.enumerated() where indices[name] == nil {
            indices[name] = index
        }
        for name in requiredColumns where indices[name] == nil {
            throw FormatError(
                file: file, line: record.line,
                "missing column '\(name)'; expected the header \(columns.joined(separator: ","))")
        }
        return indices
    }

    /// Reads each image's size from the images folder; a missing or unreadable image is a warning.
    private static func readSizes(
        into images: inout CSVImageAccumulator, folder: String, file: String, allowOutsideRoot: Bool,
        log: inout GroundTruthLog
    ) throws {
        let directory = try ImageDirectory(path: folder, allowsOutside: allowOutsideRoot, source: file)
        for name in images.names {
            guard let imagePath = directory.path(ofImage: name), directory.contains(name) else {
                log.add(
                    ValidationFinding(
                        .missingImage, file: file, image: name,
                        message: "image '\(name)' is not in \(folder)",
                        action: "size unknown, boxes not checked against it"))
                continue
            }
            do {
                let size = try directory.size(ofImage: name)
                images.setSize(of: name, width: size.width, height: size.height)
            } catch let error as ImagingError where error.kind == .outsideRoot {
                throw error
            } catch {
                log.add(
                    ValidationFinding(
                        .unreadableImage, file: imagePath, image: name, message: "\(error)",
                        action: "size unknown, boxes not checked against it"))
            }
        }
    }
}

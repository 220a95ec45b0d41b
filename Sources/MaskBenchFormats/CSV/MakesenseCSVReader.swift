import MaskBenchCore
import MaskBenchFiles

/// Reads a makesense.ai CSV export: one face per row,
/// `label_name,bbox_x,bbox_y,bbox_width,bbox_height,image_name,image_width,image_height`.
///
/// makesense writes no header; a header row with exactly these names is accepted too. Boxes are pixels
/// (`bbox_x`, `bbox_y` the top-left corner); decimals are allowed. Images come out in the order they are
/// first named, faces in row order. A box extending past its image is clamped with a warning.
public enum MakesenseCSVReader {
    /// The column names, in order.
    public static let columns = [
        "label_name", "bbox_x", "bbox_y", "bbox_width", "bbox_height", "image_name", "image_width", "image_height",
    ]

    /// Reads the export at `path`.
    ///
    /// - Parameters:
    ///   - path: The CSV file.
    ///   - options: The label map and whether unknown labels are errors.
    /// - Returns: The dataset and what the reader noticed.
    /// - Throws: ``FormatError`` at `file:line:column` for a wrong field count, a non-numeric or negative
    ///   size, an unknown label, or an image given two sizes. Nothing is returned on error.
    public static func read(path: String, options: GroundTruthOptions = .init()) throws -> LoadedGroundTruth {
        var log = GroundTruthLog()
        let dataset = try read(path: path, options: options, log: &log)
        return LoadedGroundTruth(dataset: dataset, format: .makesense, diagnostics: log.diagnostics)
    }

    /// Whether `record` is the optional header row.
    static func isHeader(_ record: CSVRecord) -> Bool {
        record.normalizedFields == columns
    }

    /// Whether `record` looks like a makesense data row: 8 fields, numbers where makesense writes numbers.
    static func looksLikeRow(_ record: CSVRecord) -> Bool {
        guard record.count == columns.count else { return false }
        return [1, 2, 3, 4, 6, 7].allSatisfy { Double(record.field($0))?.isFinite == true }
            && !record.field(0).isEmpty && !record.field(5).isEmpty
    }

    static func read(path: String, options: GroundTruthOptions, log: inout GroundTruthLog) throws -> Dataset {
        var images = CSVImageAccumulator(allowOutsideRoot: options.allowOutsideRoot, limits: options.limits)
        var isFirst = true
        try CSVReader.forEachRecord(inFile: path, limits: options.limits) { record in
            defer { isFirst = false }
            if isFirst, isHeader(record) { return }
            if isFirst, let error = HeaderCheck.misspelled(record, columns: columns, format: "makesense.ai", file: path)
            {
                throw error
            }
            try record.requireFieldCount(columns, file: path)
            let name = try record.text(at: 5, named: "image_name", file: path)
            let width = try record.pixelCount(at: 6, named: "image_width", file: path)
            let height = try record.pixelCount(at: 7, named: "image_height", file: path)
            try images.touch(name, width: width, height: height, file: path, line: record.line)
            let box = Box(
                x: try record.number(at: 1, named: "bbox_x", file: path),
                y: try record.number(at: 2, named: "bbox_y", file: path),
                width: try record.size(at: 3, named: "bbox_width", file: path),
                height: try record.size(at: 4, named: "bbox_height", file: path))
            let raw = try record.text(at: 0, named: "label_name", file: path)
            guard
                let label = try log.label(
                    raw, options: options, file: path, line: record.line, column: 1, image: name)
            else { return }
            let placed = log.place(box, imageWidth: width, height: height, file: path, line: record.line, image: name)
            try images.append(GroundTruthFace(box: placed, label: label), line: record.line, to: name, file: path)
        }
        let result = images.result
        guard !result.isEmpty else {
            throw FormatError(file: path, "no annotation rows; expected \(columns.joined(separator: ","))")
        }
        for (image, lines) in result {
            log.checkDuplicates(image.faces, lines: lines, file: path, image: image.name)
        }
        return Dataset(images: result.map(\.image))
    }
}

import MaskBenchCore
import MaskBenchFiles

/// Reads and writes predictions as CSV: header `image,x,y,width,height,faceScore,maskScore[,label]`.
///
/// One predicted face per row; `x`, `y` are the box's top-left corner in pixels, `faceScore` the detector's
/// confidence and `maskScore` = P(masked) in `[0, 1]`. `label`, when present and not empty, is a class
/// predicted outright (any spelling the label map knows). Columns are found by name (any case, any order);
/// an unknown column is an error, so that a typo does not silently drop data. Rows of an image keep their
/// file order.
///
/// Writing is deterministic: images sorted by name (or in a given order), faces in their order, numbers in
/// Swift's shortest round-tripping form (`0.1`, `12.0`, `1e-05`), so reading back gives the same values.
public enum PredictionCSV {
    /// The required columns, in the order written.
    public static let columns = ["image", "x", "y", "width", "height", "faceScore", "maskScore"]
    /// The optional column.
    public static let labelColumn = "label"

    /// Reads the predictions file at `path`.
    ///
    /// - Parameters:
    ///   - path: The CSV file.
    ///   - labelMap: Spellings accepted in the `label` column.
    ///   - limits: The largest file and the longest record accepted.
    /// - Returns: The predictions, keyed by image name.
    /// - Throws: ``FormatError`` at `file:line:column` for a missing or unknown column, a wrong field count,
    ///   a non-numeric or non-finite value, a negative width or height, `maskScore` outside `[0, 1]`, or an
    ///   unknown label. Nothing is returned on error.
    public static func read(
        path: String, labelMap: LabelMap = .defaults, limits: ReadLimits = .defaults
    ) throws -> LoadedPredictions {
        var column: [String: Int] = [:]
        var header: CSVRecord?
        var byImage: [String: [Prediction]] = [:]
        try CSVReader.forEachRecord(inFile: path, limits: limits) { record in
            guard let header else {
                column = try columnIndices(record, file: path)
                header = record
                return
            }
            try record.requireFieldCount(header.fields, file: path)
            let image = try record.text(at: column["image", default: 0], named: "image", file: path)
            let box = Box(
                x: try record.number(at: column["x", default: 0], named: "x", file: path),
                y: try record.number(at: column["y", default: 0], named: "y", file: path),
                width: try record.size(at: column["width", default: 0], named: "width", file: path),
                height: try record.size(at: column["height", default: 0], named: "height", file: path))
            let faceScore = try record.number(at: column["facescore", default: 0], named: "faceScore", file: path)
            let maskIndex = column["maskscore", default: 0]
            let maskScore = try record.number(at: maskIndex, named: "maskScore", file: path)
            guard (0...1).contains(maskScore) else {
                throw FormatError(
                    file: path, line: record.line, column: maskIndex + 1,
                    "expected maskScore = P(masked) in [0, 1], found \(record.field(maskIndex))")
            }
            var label: FaceClass?
            if let labelIndex = column[labelColumn], !record.field(labelIndex).isEmpty {
                let raw = record.field(labelIndex)
                guard let known = labelMap.label(for: raw) else {
                    throw FormatError(
                        file: path, line: record.line, column: labelIndex + 1,
                        "unknown label '\(raw)'; map it with --label '\(raw)=masked' (or =unmasked, =incorrect)")
                }
                label = known
            }
            byImage[image, default: []].append(
                Prediction(box: box, faceScore: faceScore, maskScore: maskScore, label: label))
        }
        guard header != nil else {
            throw FormatError(file: path, "empty file; expected the header \(columns.joined(separator: ","))")
        }
        return LoadedPredictions(predictions: PredictionSet(byImage: byImage), format: .csv)
    }

    /// The CSV text of `predictions`.
    ///
    /// - Parameters:
    ///   - predictions: What to write. Non-finite numbers are written as Swift prints them (`nan`, `inf`)
    ///     and would not read back.
    ///   - imageOrder: The order of the images; images not listed follow, sorted by name. `nil` sorts all.
    /// - Returns: The CSV, header first; the `label` column only when some prediction has a label.
    public static func encode(_ predictions: PredictionSet, imageOrder: [String]? = nil) -> CSVWriter {
        var writer = CSVWriter()
        let withLabel = predictions.byImage.values.contains { $0.contains { $0.label != nil } }
        writer.appendRow(withLabel ? columns + [labelColumn] : columns)
        for image in order(of: predictions, first: imageOrder ?? []) {
            for prediction in predictions[image] {
                var row =
                    [image]
                    + [
                        prediction.box.x, prediction.box.y, prediction.box.width, prediction.box.height,
                        prediction.faceScore, prediction.maskScore,
                    ].map { "\($0)" }
                if withLabel { row.append(prediction.label?.rawValue ?? "") }
                writer.appendRow(row)
            }
        }
        return writer
    }

    /// Writes `predictions` to `path` atomically; see ``encode(_:imageOrder:)``.
    ///
    /// - Throws: ``FormatError`` naming the file when it cannot be written.
    public static func write(_ predictions: PredictionSet, imageOrder: [String]? = nil, toFile path: String) throws {
        try encode(predictions, imageOrder: imageOrder).write(toFile: path)
    }

    // MARK: - Helpers

    private static func order(of predictions: PredictionSet, first: [String]) -> [String] {
        var seen: Set<String> = []
        var names: [String] = []
        for name in first where predictions.byImage[name] != nil && seen.insert(name).inserted {
            names.append(name)
        }
        let rest = predictions.byImage.keys.filter { !seen.contains($0) }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return names + rest
    }

    /// Column name (lowercased) → index, checking the header names every required column and nothing else.
    private static func columnIndices(_ record: CSVRecord, file: String) throws -> [String: Int] {
        let expected = "expected the header \(columns.joined(separator: ","))[,\(labelColumn)]"
        let known = Set((columns + [labelColumn]).map { $0.lowercased() })
        var indices: [String: Int] = [:]
        for (index, name) in record.normalizedFields.enumerated() {
            guard known.contains(name) else {
                throw FormatError(
                    file: file, line: record.line, column: index + 1,
                    "unknown column '\(record.field(index))'; \(expected)")
            }
            guard indices[name] == nil else {
                throw FormatError(
                    file: file, line: record.line, column: index + 1, "column '\(record.field(index))' appears twice")
            }
            indices[name] = index
        }
        for name in columns where indices[name.lowercased()] == nil {
            throw FormatError(file: file, line: record.line, "missing column '\(name)'; \(expected)")
        }
        return indices
    }
}

public import MaskBenchCore
import MaskBenchFiles

/// A predictions file as read, before it is checked against its ground truth.
public struct ParsedPredictions: Sendable {
    enum Content: Sendable {
        case predictions(LoadedPredictions)
        case cocoResults(ParsedCOCODetections)
    }

    var content: Content
    /// The file, as named in messages.
    var path: String
    /// The bounds it was read with; the faces-per-image cap is checked once the images are known.
    var limits: ReadLimits = .defaults
}

/// Reads a predictions file of any supported format and checks it against the ground truth.
public enum PredictionReader {
    /// The format a file name suggests: `.csv`, `.jsonl`/`.ndjson`, `.json` (COCO results).
    public static func detectFormat(path: String) throws -> PredictionFormat {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonl }
        if lower.hasSuffix(".json") { return .cocoResults }
        throw FormatError(
            file: path,
            "cannot tell the predictions format from the file name; pass --predictions-format csv, jsonl or cocoResults"
        )
    }

    /// Reads predictions.
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - format: the format, or `nil` to go by the file name.
    ///   - groundTruth: the ground truth the predictions are for (COCO results need it read from COCO JSON:
    ///     they name images by id).
    ///   - labelMap: for predicted labels and COCO categories.
    ///   - allowUnknownImages: skip predictions for images the ground truth does not have, with a warning,
    ///     instead of failing.
    /// - Throws: ``FormatError`` naming the file and place.
    public static func read(
        path: String,
        format: PredictionFormat? = nil,
        groundTruth: LoadedGroundTruth,
        labelMap: LabelMap = .defaults,
        allowUnknownImages: Bool = false
    ) throws -> LoadedPredictions {
        try resolve(
            parse(path: path, format: format, labelMap: labelMap),
            groundTruth: groundTruth,
            labelMap: labelMap,
            allowUnknownImages: allowUnknownImages
        )
    }

    /// Reads the file without its ground truth, so that the two can be read at the same time; then
    /// ``resolve(_:groundTruth:labelMap:allowUnknownImages:)``.
    ///
    /// - Throws: ``FormatError`` naming the file and place, also when the file is over a ``ReadLimits``
    ///   bound (size, line length, faces per image).
    public static func parse(
        path: String,
        format: PredictionFormat? = nil,
        labelMap: LabelMap = .defaults,
        limits: ReadLimits = .defaults
    ) throws -> ParsedPredictions {
        try limits.checkFileSize(path)
        let format = try format ?? detectFormat(path: path)
        let content: ParsedPredictions.Content
        switch format {
        case .csv: content = .predictions(try PredictionCSV.read(path: path, labelMap: labelMap, limits: limits))
        case .jsonl: content = .predictions(try PredictionJSONL.read(path: path, labelMap: labelMap, limits: limits))
        case .cocoResults: content = .cocoResults(try COCOResultsReader.parseDetections(path: path))
        }
        if case .predictions(let loaded) = content { try checkFaces(loaded.predictions, file: path, limits: limits) }
        return ParsedPredictions(content: content, path: path, limits: limits)
    }

    /// Checks every image's prediction count against the faces-per-image cap.
    private static func checkFaces(_ predictions: PredictionSet, file: String, limits: ReadLimits) throws {
        for (image, faces) in predictions.byImage where faces.count > limits.maxFacesPerImage {
            try limits.checkFaces(faces.count, image: image, file: file)
        }
    }

    /// Checks parsed predictions against the ground truth: every image must be in it (or, with
    /// `allowUnknownImages`, is skipped with a warning); COCO results get their file names from it.
    public static func resolve(
        _ parsed: ParsedPredictions,
        groundTruth loadedTruth: LoadedGroundTruth,
        labelMap: LabelMap = .defaults,
        allowUnknownImages: Bool = false
    ) throws -> LoadedPredictions {
        let groundTruth = loadedTruth.dataset
        var loaded: LoadedPredictions
        switch parsed.content {
        case .predictions(let predictions):
            loaded = predictions
        case .cocoResults(let detections):
            guard let coco = loadedTruth.coco else {
                throw FormatError(
                    file: detections.path,
                    "COCO results name images by COCO image id, but the ground truth is \(loadedTruth.format.rawValue), "
                        + "not COCO JSON; convert the predictions to CSV or JSON Lines with image file names"
                )
            }
            let checked = try COCOResultsReader.resolve(
                detections,
                groundTruth: coco,
                allowUnknownImages: allowUnknownImages
            )
            // Keyed by the ground truth's own file names: only the faces-per-image cap left to check.
            let loaded = try COCOResultsReader.predictions(
                from: checked,
                groundTruth: coco,
                labelMap: labelMap,
                file: detections.path
            )
            try checkFaces(loaded.predictions, file: detections.path, limits: parsed.limits)
            return loaded
        }
        let path = parsed.path
        let known = Set(groundTruth.images.map(\.name))
        let unknown = loaded.predictions.byImage.keys.filter { !known.contains($0) }.sorted()
        guard !unknown.isEmpty else { return loaded }
        guard allowUnknownImages else {
            throw FormatError(file: path, unknownImagesMessage(unknown, groundTruth: groundTruth.images.map(\.name)))
        }
        for name in unknown {
            let count = loaded.predictions.byImage[name]?.count ?? 0
            loaded.predictions.byImage[name] = nil
            loaded.diagnostics.append(
                Diagnostic(
                    .warning, file: path, "skipped \(count) prediction(s) for \(name), which is not in the ground truth"
                )
            )
        }
        return loaded
    }

    /// The error for prediction image names the ground truth lacks: a few of them, each with the ground-truth
    /// name it most likely means, and how many have such a name.
    static func unknownImagesMessage(_ unknown: [String], groundTruth names: [String]) -> String {
        let hints = ImageNameHints(names)
        var meant = 0
        var listed: [String] = []
        for name in unknown {
            let closest = hints.closest(to: name)
            if closest != nil { meant += 1 }
            if listed.count < 5 { listed.append(closest.map { "\(name) (the ground truth has \($0))" } ?? name) }
        }
        var text = "\(unknown.count) image\(unknown.count == 1 ? " is" : "s are") not in the ground truth: "
        text += listed.joined(separator: ", ") + (unknown.count > listed.count ? ", …" : "")
        if meant > 0, unknown.count > 1 {
            text +=
                "; \(meant) of \(unknown.count) match a ground-truth image by file name but for the extension or folder"
        }
        let example = names.first.map { " (the ground truth's names look like \($0))" } ?? ""
        return text + "; check the image names\(meant == 0 ? example : "") or pass --allow-unknown-images to skip them"
    }
}

public import MaskBenchCore
import MaskBenchFiles

/// COCO detections as read, with what the reader noticed (skipped unknown images).
public struct LoadedCOCODetections: Sendable {
    /// In file order.
    public var detections: [COCODetection]
    public var diagnostics: [Diagnostic]

    public init(detections: [COCODetection], diagnostics: [Diagnostic] = []) {
        self.detections = detections
        self.diagnostics = diagnostics
    }
}

/// COCO results parsed before their ground truth is known, so that both files can be read at once;
/// ``COCOResultsReader/resolve(_:groundTruth:allowUnknownImages:)`` checks them against it.
public struct ParsedCOCODetections: Sendable {
    /// The file, as named in messages.
    public var path: String
    /// In file order.
    var detections: [COCODetection]
    /// The record each detection came from (its index in the results list), for messages.
    var records: [Int32]
    /// `annotations` when the results were a dataset object's annotations; `nil` for a plain list.
    var section: String?

    /// How many results the file holds.
    public var count: Int { detections.count }
}

/// Reads COCO detection results: a JSON list of `{image_id, category_id, bbox, score}` (what detectors and
/// pycocotools' `loadRes` exchange), or a COCO dataset object whose `annotations` carry a `score`.
///
/// An empty list is valid and gives no detections. Each result needs `image_id` and `category_id`
/// (integers), `bbox` (`[x, y, width, height]`, non-negative sizes) and `score` (a number); other fields
/// (`id`, `area`, `segmentation`) are ignored, as `loadRes` recomputes them. An `image_id` the ground truth
/// does not have is an error (pycocotools asserts the same), or with `allowUnknownImages` a warning and the
/// result is skipped. Errors name the file, the record (`[17]` or `annotations[17]`) and its line and column.
public enum COCOResultsReader {
    /// Reads the detections for ``COCOEvaluator``.
    ///
    /// Categories are not checked here: a detection of a category the ground truth lacks takes no part in
    /// the evaluation, as in pycocotools.
    ///
    /// - Parameters:
    ///   - path: the results file.
    ///   - groundTruth: the ground truth the results refer to (its image ids are checked).
    ///   - allowUnknownImages: skip results of images not in the ground truth, with a warning.
    /// - Throws: ``FormatError`` naming the file, record, line and column.
    public static func readDetections(
        path: String,
        groundTruth: COCODataset,
        allowUnknownImages: Bool = false
    ) throws -> LoadedCOCODetections {
        try resolve(parseDetections(path: path), groundTruth: groundTruth, allowUnknownImages: allowUnknownImages)
    }

    /// Parses the results without a ground truth (the first half of ``readDetections(path:groundTruth:allowUnknownImages:)``).
    ///
    /// - Throws: ``FormatError`` naming the file, record, line and column.
    public static func parseDetections(path: String) throws -> ParsedCOCODetections {
        let document = try JSONDocument(contentsOfFile: path)
        if let plain = try parsePlain(document) { return plain }
        return try document.withRoot { root in try parse(root, document: document) }
    }

    /// Checks parsed results against the ground truth's image ids (the second half of
    /// ``readDetections(path:groundTruth:allowUnknownImages:)``).
    ///
    /// - Throws: ``FormatError`` for a result of an image the ground truth lacks, unless `allowUnknownImages`;
    ///   the file is read again only then, to say where the result is.
    public static func resolve(
        _ parsed: ParsedCOCODetections,
        groundTruth: COCODataset,
        allowUnknownImages: Bool
    ) throws -> LoadedCOCODetections {
        // Duplicate ids were rejected when the ground truth was read; keep the first of any here.
        let knownImages = COCOIDTable(ids: groundTruth.images.map(\.id)) { _, _ in }
        guard let firstUnknown = parsed.detections.firstIndex(where: { knownImages.position(of: $0.imageID) == nil })
        else { return LoadedCOCODetections(detections: parsed.detections) }
        guard allowUnknownImages else {
            let detection = parsed.detections[firstUnknown]
            let record = Int(parsed.records[firstUnknown])
            var base: [JSONPathComponent] = parsed.section.map { [.key($0)] } ?? []
            base.append(.index(record))
            let place = (try? JSONDocument(contentsOfFile: parsed.path))?.location(of: base + [.key("image_id")])
            throw FormatError(
                file: parsed.path,
                line: place?.line,
                column: place?.column,
                "\(parsed.section ?? "")[\(record)]: image_id \(detection.imageID) is not in the ground truth "
                    + "(allow with --allow-unknown-images)"
            )
        }
        var unknown: [Int: Int] = [:]
        var kept: [COCODetection] = []
        kept.reserveCapacity(parsed.detections.count)
        for detection in parsed.detections {
            if knownImages.position(of: detection.imageID) == nil {
                unknown[detection.imageID, default: 0] += 1
            } else {
                kept.append(detection)
            }
        }
        let skipped = parsed.detections.count - kept.count
        let ids = unknown.keys.sorted()
        let shown = ids.prefix(10).map(String.init).joined(separator: ", ") + (ids.count > 10 ? ", …" : "")
        let diagnostic = Diagnostic(
            .warning,
            file: parsed.path,
            "skipped \(skipped) result\(skipped == 1 ? "" : "s") of \(ids.count) image id\(ids.count == 1 ? "" : "s") "
                + "not in the ground truth: \(shown)"
        )
        return LoadedCOCODetections(detections: kept, diagnostics: [diagnostic])
    }

    /// Reads the results as MaskBench predictions (format ``PredictionFormat/cocoResults``), keyed by the
    /// ground truth's `file_name`.
    ///
    /// `score` becomes ``Prediction/faceScore``; the category, mapped by name through `labelMap`, becomes
    /// ``Prediction/label``, with ``Prediction/maskScore`` 1 for `masked` and 0 otherwise. Every image of
    /// the ground truth gets an entry, empty when it has no detection.
    ///
    /// - Parameters:
    ///   - path: the results file.
    ///   - groundTruth: the ground truth the results refer to: image ids → file names, category ids → names.
    ///   - labelMap: category names → ``FaceClass``.
    ///   - allowUnknownImages: skip results of images not in the ground truth, with a warning.
    /// - Throws: ``FormatError``: malformed results, an unknown image (unless allowed), a category id the
    ///   ground truth lacks, or a category name the label map does not know (with how to map it).
    public static func read(
        path: String,
        groundTruth: COCODataset,
        labelMap: LabelMap = .defaults,
        allowUnknownImages: Bool = false
    ) throws -> LoadedPredictions {
        let loaded = try readDetections(path: path, groundTruth: groundTruth, allowUnknownImages: allowUnknownImages)
        return try predictions(from: loaded, groundTruth: groundTruth, labelMap: labelMap, file: path)
    }

    /// Turns detections into MaskBench predictions, as ``read(path:groundTruth:labelMap:allowUnknownImages:)``
    /// describes.
    ///
    /// - Throws: ``FormatError`` naming `file` for a category id the ground truth lacks or a category name
    ///   the label map does not know.
    public static func predictions(
        from loaded: LoadedCOCODetections,
        groundTruth: COCODataset,
        labelMap: LabelMap,
        file: String
    ) throws -> LoadedPredictions {
        let images = COCOIDTable(ids: groundTruth.images.map(\.id)) { _, _ in }
        var categoryNames: [Int: String] = [:]
        for category in groundTruth.categories { categoryNames[category.id] = category.name }
        // Each category is looked up once; categories are few, so a linear search beats hashing.
        var labels: [(id: Int, label: FaceClass)] = []
        func label(of categoryID: Int) throws -> FaceClass {
            if let hit = labels.first(where: { $0.id == categoryID }) { return hit.label }
            guard let name = categoryNames[categoryID] else {
                let known = groundTruth.categories.map { "\($0.id) \($0.name)" }.joined(separator: ", ")
                throw FormatError(
                    file: file,
                    "category_id \(categoryID) is not among the ground truth's categories (\(known))"
                )
            }
            guard let label = labelMap.label(for: name) else {
                throw FormatError(
                    file: file,
                    "category '\(name)' (id \(categoryID)) is not a known label; "
                        + "map it with --label '\(name)=masked' (or =unmasked, =incorrect)"
                )
            }
            labels.append((categoryID, label))
            return label
        }
        // Group by image position, without string hashing per detection: a counting sort of the detections
        // by image (file order kept within an image), then one array per image, keyed by file name.
        let detections = loaded.detections
        var positions = [Int32](repeating: -1, count: detections.count)
        var labelOf = [FaceClass](repeating: .unmasked, count: detections.count)
        var starts = [Int](repeating: 0, count: groundTruth.images.count + 1)
        var last: (id: Int, label: FaceClass)?
        for (k, detection) in detections.enumerated() {
            guard let position = images.position(of: detection.imageID) else { continue }
            positions[k] = Int32(truncatingIfNeeded: position)
            starts[position + 1] += 1
            // Detections of one category come in runs: look the category up again only when it changes.
            if let last, last.id == detection.categoryID {
                labelOf[k] = last.label
            } else {
                let label = try label(of: detection.categoryID)
                labelOf[k] = label
                last = (detection.categoryID, label)
            }
        }
        for position in groundTruth.images.indices { starts[position + 1] += starts[position] }
        var next = starts
        var order = [Int32](repeating: 0, count: starts[groundTruth.images.count])
        for k in detections.indices where positions[k] >= 0 {
            let position = Int(positions[k])
            order[next[position]] = Int32(truncatingIfNeeded: k)
            next[position] += 1
        }
        var byImage: [String: [Prediction]] = [:]
        byImage.reserveCapacity(groundTruth.images.count)
        for (position, image) in groundTruth.images.enumerated() {
            let range = starts[position]..<starts[position + 1]
            let predictions = [Prediction](unsafeUninitializedCapacity: range.count) { buffer, count in
                for j in range {
                    let k = Int(order[j])
                    let detection = detections[k]
                    let label = labelOf[k]
                    buffer.initializeElement(
                        at: count,
                        to: Prediction(
                            box: detection.bbox, faceScore: detection.score, maskScore: label == .masked ? 1 : 0,
                            label: label)
                    )
                    count += 1
                }
            }
            // File names are unique in a ground truth read from a file; a hand-made one may repeat them.
            if let earlier = byImage.updateValue(predictions, forKey: image.fileName) {
                byImage[image.fileName] = earlier + predictions
            }
        }
        return LoadedPredictions(
            predictions: PredictionSet(byImage: byImage),
            format: .cocoResults,
            diagnostics: loaded.diagnostics
        )
    }

    // MARK: - Parsing

    /// The plain case read in one C++ loop (``JSONDocument/plainCOCOResults()``), to the same values as
    /// ``parse(_:document:)``; `nil` when the input is not plain, `document` then being ready for that reader.
    static func parsePlain(_ document: JSONDocument) throws -> ParsedCOCODetections? {
        guard let plain = try document.plainCOCOResults() else { return nil }
        return ParsedCOCODetections(
            path: document.source, detections: plain.detections, records: plain.records, section: plain.section)
    }

    /// The general reader: any input, every error named with its record, line and column.
    static func parse(_ root: JSONValue, document: JSONDocument) throws -> ParsedCOCODetections {
        var detections: [COCODetection] = []
        var records: [Int32] = []
        var listSection: String?
        // At least 48 bytes a result ({"image_id":1,"category_id":1,"bbox":[0,0,1,1],"score":1} is 56):
        // capacity never written costs address space only.
        detections.reserveCapacity(document.byteCount / 48)
        records.reserveCapacity(document.byteCount / 48)
        var found = false
        // Reads the results array (the root, or a dataset's `annotations`) as the cursor reaches it.
        func readList(_ list: JSONValue, section: String?) throws {
            found = true
            listSection = section
            var elements = try list.elements()
            var index = -1
            while let value = try elements.next() {
                index += 1
                do {
                    var imageID: Int?
                    var categoryID: Int?
                    var box: Box?
                    var score: Double?
                    var members = try value.members()
                    while let (key, member) = try members.next() {
                        if key.spells("bbox") {
                            box = try member.field("bbox", COCODatasetReader.readBox)
                        } else if key.spells("image_id") {
                            imageID = try member.field("image_id") { try $0.int() }
                        } else if key.spells("category_id") {
                            categoryID = try member.field("category_id") { try $0.int() }
                        } else if key.spells("score") {
                            score = try member.field("score") { try $0.double() }
                        }
                    }
                    guard let imageID else { throw JSONValueError("missing field 'image_id'") }
                    guard let categoryID else { throw JSONValueError("missing field 'category_id'") }
                    guard let box else { throw JSONValueError("missing field 'bbox'") }
                    guard let score else { throw JSONValueError("missing field 'score'") }
                    detections.append(COCODetection(imageID: imageID, categoryID: categoryID, bbox: box, score: score))
                    records.append(Int32(truncatingIfNeeded: index))
                } catch let error as JSONValueError {
                    let record = (section ?? "") + "[\(index)]"
                    var base: [JSONPathComponent] = section.map { [.key($0)] } ?? []
                    base.append(.index(index))
                    let place = document.location(of: base + error.path) ?? document.location(of: base)
                    throw FormatError(
                        file: document.source, line: place?.line, column: place?.column, "\(record): \(error.message)")
                }
            }
        }
        if root.isArray {
            try readList(root, section: nil)
        } else if root.isObject {
            var members = try root.members()
            while let (key, value) = try members.next() {
                guard key.spells("annotations") else { continue }
                guard value.isArray else {
                    throw document.error(
                        at: [.key("annotations")], "'annotations' must be an array, found \(value.kind.rawValue)")
                }
                try readList(value, section: "annotations")
            }
        }
        guard found else {
            throw document.error(
                at: [],
                "expected a list of COCO results [{image_id, category_id, bbox, score}] or a COCO object with 'annotations', "
                    + "found \(root.kind.rawValue)"
            )
        }
        return ParsedCOCODetections(
            path: document.source,
            detections: detections,
            records: records,
            section: listSection
        )
    }
}

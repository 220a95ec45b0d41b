public import MaskBenchCore

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
        // Duplicate ids were rejected when the ground truth was read; keep the first of any here.
        let knownImages = COCOIDTable(ids: groundTruth.images.map(\.id)) { _, _ in }
        let document = try JSONDocument(contentsOfFile: path)
        return try document.withRoot { root in
            try parse(root, document: document, knownImages: knownImages, allowUnknownImages: allowUnknownImages)
        }
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
        var labels: [Int: FaceClass] = [:]
        for detection in loaded.detections where labels[detection.categoryID] == nil {
            guard let name = categoryNames[detection.categoryID] else {
                let known = groundTruth.categories.map { "\($0.id) \($0.name)" }.joined(separator: ", ")
                throw FormatError(
                    file: file,
                    "category_id \(detection.categoryID) is not among the ground truth's categories (\(known))"
                )
            }
            guard let label = labelMap.label(for: name) else {
                throw FormatError(
                    file: file,
                    "category '\(name)' (id \(detection.categoryID)) is not a known label; "
                        + "map it with --label '\(name)=masked' (or =unmasked, =incorrect)"
                )
            }
            labels[detection.categoryID] = label
        }
        // Group by image position first (no string hashing per detection), then key by file name.
        var grouped = [[Prediction]](repeating: [], count: groundTruth.images.count)
        for detection in loaded.detections {
            guard let position = images.position(of: detection.imageID), let label = labels[detection.categoryID] else {
                continue
            }
            grouped[position].append(
                Prediction(
                    box: detection.bbox, faceScore: detection.score, maskScore: label == .masked ? 1 : 0, label: label)
            )
        }
        var byImage: [String: [Prediction]] = [:]
        byImage.reserveCapacity(groundTruth.images.count)
        for (position, image) in groundTruth.images.enumerated() {
            byImage[image.fileName, default: []].append(contentsOf: grouped[position])
        }
        return LoadedPredictions(
            predictions: PredictionSet(byImage: byImage),
            format: .cocoResults,
            diagnostics: loaded.diagnostics
        )
    }

    // MARK: - Parsing

    static func parse(
        _ root: JSONValue,
        document: JSONDocument,
        knownImages: COCOIDTable,
        allowUnknownImages: Bool
    ) throws -> LoadedCOCODetections {
        var detections: [COCODetection] = []
        // At least 48 bytes a result ({"image_id":1,"category_id":1,"bbox":[0,0,1,1],"score":1} is 56):
        // capacity never written costs address space only.
        detections.reserveCapacity(document.byteCount / 48)
        var unknown: [Int: Int] = [:]
        var skipped = 0
        var found = false
        // Reads the results array (the root, or a dataset's `annotations`) as the cursor reaches it.
        func readList(_ list: JSONValue, section: String?) throws {
            found = true
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
                    guard knownImages.position(of: imageID) != nil else {
                        guard allowUnknownImages else {
                            throw JSONValueError(
                                path: [.key("image_id")],
                                "image_id \(imageID) is not in the ground truth (allow with --allow-unknown-images)"
                            )
                        }
                        unknown[imageID, default: 0] += 1
                        skipped += 1
                        continue
                    }
                    detections.append(COCODetection(imageID: imageID, categoryID: categoryID, bbox: box, score: score))
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
        var diagnostics: [Diagnostic] = []
        if skipped > 0 {
            let ids = unknown.keys.sorted()
            let shown = ids.prefix(10).map(String.init).joined(separator: ", ") + (ids.count > 10 ? ", …" : "")
            diagnostics.append(
                Diagnostic(
                    .warning,
                    file: document.source,
                    "skipped \(skipped) result\(skipped == 1 ? "" : "s") of \(ids.count) image id\(ids.count == 1 ? "" : "s") "
                        + "not in the ground truth: \(shown)"
                )
            )
        }
        return LoadedCOCODetections(detections: detections, diagnostics: diagnostics)
    }
}

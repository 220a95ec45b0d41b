public import MaskBenchCore
import MaskBenchFiles
import MaskBenchImaging

/// Reads a COCO ground-truth JSON file (`images`, `annotations`, `categories`).
///
/// Parsing uses simdjson (a 39 MB, 50,000-image file loads in a fraction of a second). Two results:
/// - ``readDataset(path:)``: the raw ``COCODataset`` (ids, category ids, `area`, `iscrowd`) for a faithful
///   COCO evaluation with ``COCOEvaluator``;
/// - ``read(path:options:)``: a MaskBench ``Dataset``, images sorted by id (pycocotools' order), each with
///   its annotations in file order, categories mapped to ``FaceClass`` by name through the label map.
///
/// Checked, each failure a ``FormatError`` naming the file, the record (`annotations[17] (id 42)`) and,
/// found by re-scanning only on the error path, its line and column: the top level is an object;
/// `images` is an array (required); `annotations` and `categories` are arrays when present; every record
/// is an object with its required fields of the right type (`images`: `id`, `file_name`, optional
/// `width`/`height`; `annotations`: `id`, `image_id`, `category_id`, `bbox` of 4 numbers with
/// non-negative width and height, optional `area` (default `width * height`) and `iscrowd` (default 0);
/// `categories`: `id`, `name`); ids are unique per section; file names are unique; every annotation's
/// `image_id` and `category_id` exist.
public enum COCODatasetReader {
    /// Reads the raw COCO structures.
    ///
    /// - Parameter path: the JSON file, as named in error messages.
    /// - Returns: images, annotations and categories in file order.
    /// - Throws: ``FormatError`` naming the file, record and (when found) line and column.
    public static func readDataset(path: String) throws -> COCODataset {
        let document = try JSONDocument(contentsOfFile: path)
        return try withDataset(in: document) { $0 }
    }

    /// Reads the file as a MaskBench ground truth (format ``GroundTruthFormat/coco``).
    ///
    /// - Parameters:
    ///   - path: the JSON file, as named in error messages.
    ///   - options: the label map (category names → ``FaceClass``) and whether unknown labels are errors.
    /// - Returns: the dataset and notes (crowd regions, unknown labels when collected).
    /// - Throws: ``FormatError``; an unknown category name says how to map it (`--label 'NAME=masked'`).
    public static func read(
        path: String, options: GroundTruthOptions = GroundTruthOptions()
    ) throws -> LoadedGroundTruth {
        try options.limits.checkFileSize(path)
        let document = try JSONDocument(contentsOfFile: path)
        return try withDataset(in: document) { coco in
            if !options.allowOutsideRoot {
                for (index, image) in coco.images.enumerated() {
                    guard let problem = ImageRoot.problem(withName: image.fileName) else { continue }
                    let place = document.location(of: [.key("images"), .index(index), .key("file_name")])
                    throw FormatError(
                        file: path, line: place?.line, column: place?.column,
                        "images[\(index)] (id \(image.id)): "
                            + ImageRoot.refusal(name: image.fileName, problem: problem))
                }
            }
            return try groundTruth(from: coco, file: path, options: options) { index in
                document.location(of: [.key("categories"), .index(index)])
            }
        }
    }

    /// Converts raw COCO structures into a MaskBench ground truth.
    ///
    /// Images are sorted by id; each image's faces are its annotations in file order. Crowd annotations
    /// (`iscrowd: 1`) mark regions of many faces, not one face: they become ignore regions
    /// (``MaskBenchCore/IgnoreRegion/crowd``), with a note. A category used by no annotation is never looked up.
    ///
    /// - Parameters:
    ///   - coco: the structures, e.g. from ``readDataset(path:)``.
    ///   - file: the file they came from, for messages.
    ///   - options: label map and unknown-label policy.
    /// - Throws: ``FormatError`` for an unknown category name (unless ``GroundTruthOptions/collectUnknownLabels``).
    public static func groundTruth(
        from coco: COCODataset,
        file: String,
        options: GroundTruthOptions
    ) throws -> LoadedGroundTruth {
        try groundTruth(from: coco, file: file, options: options, locateCategory: { _ in nil })
    }

    // MARK: - Conversion

    static func groundTruth(
        from coco: COCODataset,
        file: String,
        options: GroundTruthOptions,
        locateCategory: (Int) -> (line: Int, column: Int)?
    ) throws -> LoadedGroundTruth {
        var diagnostics: [Diagnostic] = []
        // Category id → position (the last of a repeated id), each annotation's category position, how many
        // faces each category has, and each used category's label (nil: unknown and skipped).
        let categoryIndex = COCOIDTable(ids: coco.categories.map(\.id)) { _, _ in }
        let annotations = coco.annotations
        var annotationCategories = [Int32](repeating: -1, count: annotations.count)
        var usage = [Int](repeating: 0, count: coco.categories.count)
        var last: (id: Int, index: Int?)?
        for (k, annotation) in annotations.enumerated() {
            // Annotations of one category come in runs: look the id up again only when it changes.
            let index: Int?
            if let last, last.id == annotation.categoryID {
                index = last.index
            } else {
                index = categoryIndex.position(of: annotation.categoryID)
                last = (annotation.categoryID, index)
            }
            guard let index else { continue }  // checked while parsing
            annotationCategories[k] = Int32(truncatingIfNeeded: index)
            usage[index] += 1
        }
        var labels = [FaceClass?](repeating: nil, count: coco.categories.count)
        let used = coco.categories.indices.filter { usage[$0] > 0 }.sorted {
            coco.categories[$0].id < coco.categories[$1].id
        }
        for index in used {
            let category = coco.categories[index]
            let count = usage[index]
            if let label = options.labelMap.label(for: category.name) {
                labels[index] = label
                continue
            }
            let message =
                "category '\(category.name)' (id \(category.id), \(count) annotation\(count == 1 ? "" : "s")) "
                + "is not a known label; map it with --label '\(category.name)=masked' (or =unmasked, =incorrect)"
            if options.collectUnknownLabels {
                diagnostics.append(
                    Diagnostic(
                        .warning, file: file, line: locateCategory(index)?.line, message + "; its faces are skipped"))
            } else {
                let place = locateCategory(index)
                throw FormatError(file: file, line: place?.line, column: place?.column, message)
            }
        }

        let ids = coco.images.map(\.id)
        let order = ids.indices.sorted { ids[$0] < ids[$1] }
        // Original index → position in the sorted list; ids → original index.
        var sortedPosition = [Int](repeating: 0, count: ids.count)
        for (position, index) in order.enumerated() { sortedPosition[index] = position }
        let imageIndex = COCOIDTable(ids: ids) { _, _ in }
        // Each face's image position and label, and the faces per image, in file order (so the
        // faces-per-image cap fails on the same annotation as it would appending one face at a time).
        var facePositions = [Int32](repeating: -1, count: annotations.count)
        var faceLabels = [FaceClass](repeating: .unmasked, count: annotations.count)
        var starts = [Int](repeating: 0, count: ids.count + 1)
        var crowd = 0
        for (k, annotation) in annotations.enumerated() {
            let category = Int(annotationCategories[k])
            guard category >= 0, let label = labels[category], let index = imageIndex.position(of: annotation.imageID)
            else { continue }
            let position = sortedPosition[index]
            starts[position + 1] += 1
            if starts[position + 1] > options.limits.maxFacesPerImage {
                try options.limits.checkFaces(
                    starts[position + 1], image: coco.images[index].fileName, file: file)
            }
            facePositions[k] = Int32(truncatingIfNeeded: position)
            faceLabels[k] = label
            if annotation.isCrowd { crowd += 1 }
        }
        for position in ids.indices { starts[position + 1] += starts[position] }
        // A counting sort of the faces by image, then one array per image.
        var next = starts
        var faceOrder = [Int32](repeating: 0, count: starts[ids.count])
        for k in annotations.indices where facePositions[k] >= 0 {
            let position = Int(facePositions[k])
            faceOrder[next[position]] = Int32(truncatingIfNeeded: k)
            next[position] += 1
        }
        var images: [AnnotatedImage] = []
        images.reserveCapacity(order.count)
        for (position, index) in order.enumerated() {
            let image = coco.images[index]
            let range = starts[position]..<starts[position + 1]
            let faces = [GroundTruthFace](unsafeUninitializedCapacity: range.count) { buffer, count in
                for j in range {
                    let k = Int(faceOrder[j])
                    buffer.initializeElement(
                        at: count,
                        to: GroundTruthFace(
                            box: annotations[k].bbox, label: faceLabels[k],
                            ignoreRegion: annotations[k].isCrowd ? .crowd : nil))
                    count += 1
                }
            }
            images.append(AnnotatedImage(name: image.fileName, width: image.width, height: image.height, faces: faces))
        }
        if crowd > 0 {
            diagnostics.append(
                Diagnostic(
                    .note, file: file,
                    "\(crowd) crowd annotation\(crowd == 1 ? " is an ignore region" : "s are ignore regions") "
                        + "(iscrowd 1): not faces to find; a detection on one is neither right nor wrong")
            )
        }
        return LoadedGroundTruth(dataset: Dataset(images: images), format: .coco, diagnostics: diagnostics, coco: coco)
    }

    // MARK: - Parsing

    /// Reads and checks the dataset in `document`, then runs `body` on it.
    ///
    /// The plain case is read in one C++ loop (``JSONDocument/plainCOCODataset()``), anything else by
    /// ``parse(_:document:)`` inside ``JSONDocument/withRoot(_:)``, which reports every error; either way the
    /// errors of the checks and of `body` are reported as ``JSONDocument/withRoot(_:)`` reports them.
    static func withDataset<Result>(
        in document: JSONDocument, _ body: (COCODataset) throws -> Result
    ) throws -> Result {
        if let plain = try document.plainCOCODataset() {
            return try document.reportingSyntaxErrors {
                try check(plain, document: document)
                return try body(plain)
            }
        }
        return try document.withRoot { root in try body(parse(root, document: document)) }
    }

    /// The general reader: any input, every error named with its record, line and column.
    static func parse(_ root: JSONValue, document: JSONDocument) throws -> COCODataset {
        guard root.isObject else {
            throw document.error(
                at: [],
                "expected a COCO object with 'images', 'annotations' and 'categories', found \(root.kind.rawValue)")
        }
        var images: [COCODataset.Image]?
        var annotations: [COCODataset.Annotation] = []
        var categories: [COCODataset.Category] = []
        // The sections in file order, whatever that order is; other keys (info, licenses) are skipped.
        var members = try root.members()
        while let (key, value) = try members.next() {
            if key.spells("images") {
                images = try records(value, "images", document: document, readImage)
            } else if key.spells("annotations") {
                annotations = try records(value, "annotations", document: document, readAnnotation)
            } else if key.spells("categories") {
                categories = try records(value, "categories", document: document, readCategory)
            }
        }
        guard let images else {
            throw document.error(at: [], "missing 'images' array at the top level (not a COCO ground truth?)")
        }
        let coco = COCODataset(images: images, annotations: annotations, categories: categories)
        try check(coco, document: document)
        return coco
    }

    /// Reads every record of the array `value` (the section `key`) with `read`.
    private static func records<Record>(
        _ value: JSONValue,
        _ key: StaticString,
        document: JSONDocument,
        _ read: (JSONValue, inout Int?) throws -> Record
    ) throws -> [Record] {
        if try value.isNull() { return [] }
        guard value.isArray else {
            throw document.error(at: [.key("\(key)")], "'\(key)' must be an array, found \(value.kind.rawValue)")
        }
        var list: [Record] = []
        list.reserveCapacity(document.byteCount / 48)
        var elements = try value.elements()
        var index = -1
        while let record = try elements.next() {
            index += 1
            var id: Int?
            do {
                list.append(try read(record, &id))
            } catch let error as JSONValueError {
                throw recordError(error, section: "\(key)", index: index, id: id, document: document)
            }
        }
        return list
    }

    private static func readImage(_ record: JSONValue, id: inout Int?) throws -> COCODataset.Image {
        var fileName: String?
        var width: Int?
        var height: Int?
        var members = try record.members()
        while let (key, value) = try members.next() {
            if key.spells("id") {
                id = try value.field("id") { try $0.int() }
            } else if key.spells("file_name") {
                fileName = try value.field("file_name") { try $0.string() }
            } else if key.spells("width") {
                width = try value.optionalField("width") { try $0.int() }
            } else if key.spells("height") {
                height = try value.optionalField("height") { try $0.int() }
            }
        }
        guard let imageID = id else { throw JSONValueError("missing field 'id'") }
        guard let fileName else { throw JSONValueError("missing field 'file_name'") }
        if let width, width < 0 { throw JSONValueError(path: [.key("width")], "negative width \(width)") }
        if let height, height < 0 { throw JSONValueError(path: [.key("height")], "negative height \(height)") }
        return COCODataset.Image(id: imageID, fileName: fileName, width: width, height: height)
    }

    private static func readAnnotation(_ record: JSONValue, id: inout Int?) throws -> COCODataset.Annotation {
        var imageID: Int?
        var categoryID: Int?
        var box: Box?
        var area: Double?
        var isCrowd = false
        var members = try record.members()
        while let (key, value) = try members.next() {
            if key.spells("bbox") {
                box = try value.field("bbox", readBox)
            } else if key.spells("id") {
                id = try value.field("id") { try $0.int() }
            } else if key.spells("image_id") {
                imageID = try value.field("image_id") { try $0.int() }
            } else if key.spells("category_id") {
                categoryID = try value.field("category_id") { try $0.int() }
            } else if key.spells("area") {
                area = try value.optionalField("area") { try $0.double() }
            } else if key.spells("iscrowd") {
                isCrowd = try value.optionalField("iscrowd") { try $0.bool(acceptingIntegers: true) } ?? false
            }
        }
        guard let annotationID = id else { throw JSONValueError("missing field 'id'") }
        guard let imageID else { throw JSONValueError("missing field 'image_id'") }
        guard let categoryID else { throw JSONValueError("missing field 'category_id'") }
        guard let box else { throw JSONValueError("missing field 'bbox'") }
        let resolvedArea = area ?? box.width * box.height
        if resolvedArea < 0 { throw JSONValueError(path: [.key("area")], "negative area \(resolvedArea)") }
        return COCODataset.Annotation(
            id: annotationID,
            imageID: imageID,
            categoryID: categoryID,
            bbox: box,
            area: resolvedArea,
            isCrowd: isCrowd
        )
    }

    private static func readCategory(_ record: JSONValue, id: inout Int?) throws -> COCODataset.Category {
        var name: String?
        var supercategory: String?
        var members = try record.members()
        while let (key, value) = try members.next() {
            if key.spells("id") {
                id = try value.field("id") { try $0.int() }
            } else if key.spells("name") {
                name = try value.field("name") { try $0.string() }
            } else if key.spells("supercategory") {
                supercategory = try value.optionalField("supercategory") { try $0.string() }
            }
        }
        guard let categoryID = id else { throw JSONValueError("missing field 'id'") }
        guard let name else { throw JSONValueError("missing field 'name'") }
        return COCODataset.Category(id: categoryID, name: name, supercategory: supercategory)
    }

    /// Unique ids and file names; every annotation's image and category exist.
    private static func check(_ coco: COCODataset, document: JSONDocument) throws {
        func fail(_ section: String, _ index: Int, _ id: Int, _ key: String, _ message: String) -> FormatError {
            recordError(
                JSONValueError(path: [.key(key)], message), section: section, index: index, id: id, document: document)
        }
        let images = try COCOIDTable(ids: coco.images.map(\.id)) { position, first in
            let id = coco.images[position].id
            throw fail("images", position, id, "id", "duplicate image id \(id) (also images[\(first)])")
        }
        var fileNames: [String: Int] = [:]
        fileNames.reserveCapacity(coco.images.count)
        for (position, image) in coco.images.enumerated() {
            if let first = fileNames.updateValue(position, forKey: image.fileName) {
                throw fail(
                    "images",
                    position,
                    image.id,
                    "file_name",
                    "duplicate file_name '\(image.fileName)' (also images[\(first)] (id \(coco.images[first].id)))"
                )
            }
        }
        let categories = try COCOIDTable(ids: coco.categories.map(\.id)) { position, first in
            let id = coco.categories[position].id
            throw fail("categories", position, id, "id", "duplicate category id \(id) (also categories[\(first)])")
        }
        _ = try COCOIDTable(ids: coco.annotations.map(\.id)) { position, first in
            let id = coco.annotations[position].id
            throw fail("annotations", position, id, "id", "duplicate annotation id \(id) (also annotations[\(first)])")
        }
        for (position, annotation) in coco.annotations.enumerated() {
            if images.position(of: annotation.imageID) == nil {
                throw fail(
                    "annotations", position, annotation.id, "image_id",
                    "image_id \(annotation.imageID) is not in 'images'")
            }
            if categories.position(of: annotation.categoryID) == nil {
                throw fail(
                    "annotations",
                    position,
                    annotation.id,
                    "category_id",
                    "category_id \(annotation.categoryID) is not in 'categories'"
                )
            }
        }
    }

    /// A `[x, y, width, height]` array with non-negative sizes.
    static func readBox(_ value: JSONValue) throws -> Box {
        let (x, y, width, height) = try value.fourNumbers()
        if width < 0 || height < 0 {
            throw JSONValueError("negative size in [\(x), \(y), \(width), \(height)]")
        }
        return Box(x: x, y: y, width: width, height: height)
    }

    /// `file:line:column: images[3] (id 7): message`, the line and column found by re-scanning the file.
    static func recordError(
        _ error: JSONValueError,
        section: String,
        index: Int,
        id: Int?,
        document: JSONDocument
    ) -> FormatError {
        let record = "\(section)[\(index)]" + (id.map { " (id \($0))" } ?? "")
        let base: [JSONPathComponent] = [.key(section), .index(index)]
        let place = document.location(of: base + error.path) ?? document.location(of: base)
        return FormatError(
            file: document.source, line: place?.line, column: place?.column, "\(record): \(error.message)")
    }
}

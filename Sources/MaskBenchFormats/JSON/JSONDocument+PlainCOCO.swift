internal import CMaskBenchJSON
import MaskBenchCore
import MaskBenchFiles

/// COCO records read in one C++ loop (CMaskBenchJSON's bulk readers) instead of one C call per field.
///
/// Only the plain, well-formed case is read this way; for anything else (a wrong type, a missing field, a
/// negative size, invalid JSON where the reader goes, input after the root) the bulk reader declines, the
/// document is reset, and the caller reads it with its general reader inside ``JSONDocument/withRoot(_:)``,
/// which reports the exact error. What the bulk reader accepts, it reads to the same values as the general
/// COCO readers: the same simdjson getters, integral numbers such as `3.0` accepted as ids, a repeated key
/// overriding the earlier one, unknown keys skipped unread.
extension JSONDocument {
    /// COCO results as ``COCOResultsReader`` reads them (a root array, or a root object's `annotations`).
    ///
    /// Call it at most once, on a document nothing has been read from.
    ///
    /// - Returns: the detections in file order, each one's index in its list, and `annotations` when the
    ///   list was a root object's (else `nil`); `nil` when the input is not plain, the document then being
    ///   ready for ``withRoot(_:)``.
    /// - Throws: ``FormatError`` when the document cannot be reset (out of memory). The corresponding C
    ///   function is `mbjson_coco_read_results`.
    func plainCOCOResults() throws -> (detections: [COCODetection], records: [Int32], section: String?)? {
        // At least 48 bytes a result (as the general reader assumes): capacity never written costs address space.
        var output = DetectionOutput(capacity: byteCount / 48)
        var inAnnotations: Int32 = 0
        let status = withExtendedLifetime(self) {
            withUnsafeMutablePointer(to: &output) { context in
                mbjson_coco_read_results(handle, DetectionOutput.receive, context, &inAnnotations)
            }
        }
        guard try accepted(status) else { return nil }
        return (output.detections, output.records, inAnnotations != 0 ? "annotations" : nil)
    }

    /// A COCO ground truth's records as ``COCODatasetReader`` reads them, before its checks (unique ids and
    /// file names, existing image and category ids), which are left to the caller.
    ///
    /// Call it at most once, on a document nothing has been read from.
    ///
    /// - Returns: images, annotations and categories in file order; `nil` when the input is not plain, the
    ///   document then being ready for ``withRoot(_:)``.
    /// - Throws: ``FormatError`` when the document cannot be reset (out of memory). The corresponding C
    ///   function is `mbjson_coco_read_dataset`.
    func plainCOCODataset() throws -> COCODataset? {
        try withExtendedLifetime(self) {
            var out = mbjson_coco_dataset()
            var output = AnnotationOutput(capacity: byteCount / 48)
            let status = withUnsafeMutablePointer(to: &output) { context in
                mbjson_coco_read_dataset(handle, AnnotationOutput.receive, context, &out)
            }
            guard try accepted(status) else { return nil }
            let strings = UnsafeRawBufferPointer(start: out.strings, count: out.strings_length)
            // As `JSONValue.string()` makes them (simdjson has validated the UTF-8).
            func string(_ offset: Int, _ length: Int) -> String {
                guard length > 0 else { return "" }
                return String(
                    decoding: UnsafeRawBufferPointer(rebasing: strings[offset..<offset + length]), as: UTF8.self)
            }
            let images = UnsafeBufferPointer(start: out.images, count: out.image_count).map { image in
                COCODataset.Image(
                    id: Int(image.id),
                    fileName: string(image.file_name_offset, image.file_name_length),
                    width: image.has_width != 0 ? Int(image.width) : nil,
                    height: image.has_height != 0 ? Int(image.height) : nil
                )
            }
            let categories = UnsafeBufferPointer(start: out.categories, count: out.category_count).map { category in
                COCODataset.Category(
                    id: Int(category.id),
                    name: string(category.name_offset, category.name_length),
                    supercategory: category.has_supercategory != 0
                        ? string(category.supercategory_offset, category.supercategory_length) : nil
                )
            }
            return COCODataset(images: images, annotations: output.annotations, categories: categories)
        }
    }

    /// Whether a bulk reader read the input (`true`) or declined it (`false`, the document reset).
    private func accepted(_ status: mbjson_status) throws -> Bool {
        switch status {
        case MBJSON_OK:
            return true
        case MBJSON_DECLINED:
            return false
        default:
            let name = String(cString: mbjson_status_message(status))
            throw FormatError(file: source, line: reportedLine, "cannot read COCO records (\(name))")
        }
    }
}

/// Collects the results `mbjson_coco_read_results` hands over in chunks.
private struct DetectionOutput {
    var detections: [COCODetection] = []
    var records: [Int32] = []

    init(capacity: Int) {
        detections.reserveCapacity(capacity)
        records.reserveCapacity(capacity)
    }

    /// The `mbjson_coco_detection_sink`: `context` is the `DetectionOutput` being filled.
    static let receive: mbjson_coco_detection_sink = { context, chunk, count in
        guard let context, let chunk else { return }
        let output = context.assumingMemoryBound(to: DetectionOutput.self)
        let records = UnsafeBufferPointer(start: chunk, count: count)
        output.pointee.detections.append(
            contentsOf: records.lazy.map { record in
                COCODetection(
                    imageID: Int(record.image_id),
                    categoryID: Int(record.category_id),
                    bbox: Box(x: record.bbox.0, y: record.bbox.1, width: record.bbox.2, height: record.bbox.3),
                    score: record.score
                )
            })
        output.pointee.records.append(contentsOf: records.lazy.map { Int32(truncatingIfNeeded: $0.record) })
    }
}

/// Collects the annotations `mbjson_coco_read_dataset` hands over in chunks.
private struct AnnotationOutput {
    var annotations: [COCODataset.Annotation] = []

    init(capacity: Int) {
        annotations.reserveCapacity(capacity)
    }

    /// The `mbjson_coco_annotation_sink`: `context` is the `AnnotationOutput` being filled.
    static let receive: mbjson_coco_annotation_sink = { context, chunk, count, restart in
        guard let context else { return }
        let output = context.assumingMemoryBound(to: AnnotationOutput.self)
        if restart != 0 { output.pointee.annotations.removeAll(keepingCapacity: true) }
        guard let chunk else { return }
        output.pointee.annotations.append(
            contentsOf: UnsafeBufferPointer(start: chunk, count: count).lazy.map { record in
                COCODataset.Annotation(
                    id: Int(record.id),
                    imageID: Int(record.image_id),
                    categoryID: Int(record.category_id),
                    bbox: Box(x: record.bbox.0, y: record.bbox.1, width: record.bbox.2, height: record.bbox.3),
                    area: record.area,
                    isCrowd: record.is_crowd != 0
                )
            })
    }
}

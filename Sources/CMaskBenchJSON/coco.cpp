// CMaskBenchJSON: the COCO bulk readers declared in include/CMaskBenchJSON.h.
//
// Each reader walks the records with simdjson On-Demand in one C++ loop, handing results and annotations to
// the caller's sink in chunks and keeping images and categories in the document's `CocoRecords`. It must
// accept exactly what MaskBenchFormats' general COCO readers accept, and read it to the same values: every
// value goes through the simdjson getter the general reader's C calls (json.cpp) use, in the same order (a
// getter that fails consumes nothing, so the next one sees the same value), and anything the general reader
// would reject, or might, makes the reader decline (`false` below, `MBJSON_DECLINED` to the caller) so that
// the general reader runs and reports it. No C++ exception leaves this file.

#include "CMaskBenchJSON.h"
#include "document.hpp"

#include <simdjson.h>

#include <cmath>
#include <cstdint>
#include <string_view>
#include <utility>

namespace {

using simdjson::SUCCESS;

/// A member's key as `mbjson_object_next` gives it: the raw bytes when the key has no escape, else unescaped.
inline bool keyOf(od::field &field, std::string_view *name) noexcept {
    const char *raw = field.key().raw();
    const char *end = raw;
    while (*end != '"' && *end != '\\') ++end;
    if (*end == '"') {
        *name = std::string_view(raw, static_cast<size_t>(end - raw));
        return true;
    }
    return field.unescaped_key().get(*name) == SUCCESS;
}

/// Calls `body(key, value)` on each member of `object` in order, the key as `keyOf` gives it; false when a member
/// cannot be read or `body` returns false.
template <typename Body> bool forEachMember(od::object &object, Body &&body) noexcept {
    for (auto member : object) {
        od::field field;
        std::string_view key;
        if (std::move(member).get(field) != SUCCESS || !keyOf(field, &key)) return false;
        if (!body(key, field.value())) return false;
    }
    return true;
}

/// `JSONValue.int()`: an integer within `int64_t`, or a number with a fraction that is integral and at most
/// 2^53 in magnitude (the classification `mbjson_get_int64` and `mbjson_type_of` make, then `get_double`).
inline bool readInt(od::value &value, int64_t *out) noexcept {
    if (value.get_int64().get(*out) == SUCCESS) return true;
    od::json_type kind;
    if (value.type().get(kind) != SUCCESS || kind != od::json_type::number) return false;
    od::number_type number;
    if (value.get_number_type().get(number) != SUCCESS || number != od::number_type::floating_point_number) {
        return false;
    }
    double real;
    if (value.get_double().get(real) != SUCCESS) return false;
    if (std::trunc(real) != real || !(std::fabs(real) <= 9007199254740992.0)) return false;
    *out = static_cast<int64_t>(real);
    return true;
}

/// `JSONValue.double()`.
inline bool readDouble(od::value &value, double *out) noexcept {
    return value.get_double().get(*out) == SUCCESS;
}

/// `JSONValue.bool(acceptingIntegers: true)`: `true`, `false`, or an integer (not a fraction) that is 0 or 1.
inline bool readFlag(od::value &value, int64_t *out) noexcept {
    bool flag;
    simdjson::error_code code = value.get_bool().get(flag);
    if (code == SUCCESS) {
        *out = flag ? 1 : 0;
        return true;
    }
    if (code != simdjson::INCORRECT_TYPE) return false;
    od::json_type kind;
    if (value.type().get(kind) != SUCCESS || kind != od::json_type::number) return false;
    od::number_type number;
    if (value.get_number_type().get(number) != SUCCESS || number == od::number_type::floating_point_number) {
        return false;
    }
    int64_t integer;
    if (value.get_int64().get(integer) != SUCCESS || (integer != 0 && integer != 1)) return false;
    *out = integer;
    return true;
}

/// `JSONValue.isNull()`, consuming a `null`.
inline bool readNull(od::value &value, bool *isNull) noexcept {
    return value.is_null().get(*isNull) == SUCCESS;
}

/// `JSONValue.string()`, appended to `strings`.
inline bool readString(od::value &value, std::string &strings, size_t *offset, size_t *length) {
    std::string_view text;
    if (value.get_string().get(text) != SUCCESS) return false;
    *offset = strings.size();
    *length = text.size();
    strings.append(text.data(), text.size());
    return true;
}

/// `COCODatasetReader.readBox`: an array of exactly four numbers (`mbjson_get_doubles`), width and height
/// not negative.
inline bool readBox(od::value &value, double box[4]) noexcept {
    od::array array;
    if (value.get_array().get(array) != SUCCESS) return false;
    size_t count = 0;
    for (auto element : array) {
        od::value item;
        if (element.get(item) != SUCCESS || count == 4) return false;
        if (item.get_double().get(box[count]) != SUCCESS) return false;
        ++count;
    }
    return count == 4 && !(box[2] < 0) && !(box[3] < 0);
}

/// Whether the cursor has consumed the whole input (`mbjson_document_at_end`).
inline bool atEnd(mbjson_document *doc) noexcept {
    return doc->document.current_location().error() == simdjson::OUT_OF_BOUNDS;
}

/// Records on their way to the caller's sink, a chunk at a time (a chunk stays in cache; a copy of the whole
/// section would cost a page fault every 4 KiB).
constexpr size_t chunkSize = 1024;

struct DetectionOutput {
    std::vector<mbjson_coco_detection> &chunk;
    mbjson_coco_detection_sink sink;
    void *context;

    void add(const mbjson_coco_detection &record) {
        chunk.push_back(record);
        if (chunk.size() == chunkSize) flush();
    }
    void flush() noexcept {
        if (!chunk.empty()) sink(context, chunk.data(), chunk.size());
        chunk.clear();
    }
};

struct AnnotationOutput {
    std::vector<mbjson_coco_annotation> &chunk;
    mbjson_coco_annotation_sink sink;
    void *context;

    void add(const mbjson_coco_annotation &record) {
        chunk.push_back(record);
        if (chunk.size() == chunkSize) flush();
    }
    void flush() noexcept {
        if (!chunk.empty()) sink(context, chunk.data(), chunk.size(), 0);
        chunk.clear();
    }
    /// A repeated `annotations` section begins: what was sent before is void.
    void restart() noexcept {
        chunk.clear();
        sink(context, nullptr, 0, 1);
    }
};

// MARK: - Results

/// One list of results (`COCOResultsReader.parse`'s `readList`), appended to `out`.
bool readResultList(od::value &list, DetectionOutput &out) {
    od::array array;
    if (list.get_array().get(array) != SUCCESS) return false;
    int64_t index = -1;
    for (auto element : array) {
        ++index;
        od::value record;
        od::object object;
        if (element.get(record) != SUCCESS || record.get_object().get(object) != SUCCESS) return false;
        mbjson_coco_detection detection{};
        bool hasImage = false, hasCategory = false, hasBox = false, hasScore = false;
        bool read = forEachMember(object, [&](std::string_view key, od::value &value) {
            if (key == "bbox") {
                if (!readBox(value, detection.bbox)) return false;
                hasBox = true;
            } else if (key == "image_id") {
                if (!readInt(value, &detection.image_id)) return false;
                hasImage = true;
            } else if (key == "category_id") {
                if (!readInt(value, &detection.category_id)) return false;
                hasCategory = true;
            } else if (key == "score") {
                if (!readDouble(value, &detection.score)) return false;
                hasScore = true;
            }
            return true;
        });
        if (!read) return false;
        if (!hasImage || !hasCategory || !hasBox || !hasScore) return false;
        detection.record = index;
        out.add(detection);
    }
    return true;
}

/// `COCOResultsReader.parse`: a root array, or every `annotations` array of a root object.
bool readResults(mbjson_document *doc, DetectionOutput &out, int *inAnnotations) {
    out.chunk.reserve(chunkSize);
    od::json_type kind;
    od::value root;
    if (doc->document.type().get(kind) != SUCCESS || doc->document.get_value().get(root) != SUCCESS) return false;
    if (kind == od::json_type::array) {
        *inAnnotations = 0;
        if (!readResultList(root, out)) return false;
    } else if (kind == od::json_type::object) {
        *inAnnotations = 1;
        od::object object;
        if (root.get_object().get(object) != SUCCESS) return false;
        bool found = false;
        bool read = forEachMember(object, [&](std::string_view key, od::value &value) {
            if (key != "annotations") return true;
            od::json_type type;
            if (value.type().get(type) != SUCCESS || type != od::json_type::array) return false;
            if (!readResultList(value, out)) return false;
            found = true;
            return true;
        });
        if (!read) return false;
        if (!found) return false;
    } else {
        return false;
    }
    if (!atEnd(doc)) return false;
    out.flush();
    return true;
}

// MARK: - Ground truth

bool readImage(od::object &object, CocoRecords &coco, AnnotationOutput &) {
    mbjson_coco_image image{};
    bool hasID = false, hasName = false;
    bool read = forEachMember(object, [&](std::string_view key, od::value &value) {
        if (key == "id") {
            if (!readInt(value, &image.id)) return false;
            hasID = true;
        } else if (key == "file_name") {
            if (!readString(value, coco.strings, &image.file_name_offset, &image.file_name_length)) return false;
            hasName = true;
        } else if (key == "width" || key == "height") {
            bool isNull;
            int64_t size = 0;
            if (!readNull(value, &isNull) || (!isNull && !readInt(value, &size))) return false;
            if (key == "width") {
                image.width = size;
                image.has_width = isNull ? 0 : 1;
            } else {
                image.height = size;
                image.has_height = isNull ? 0 : 1;
            }
        }
        return true;
    });
    if (!read) return false;
    if (!hasID || !hasName) return false;
    if ((image.has_width && image.width < 0) || (image.has_height && image.height < 0)) return false;
    coco.images.push_back(image);
    return true;
}

bool readAnnotation(od::object &object, CocoRecords &, AnnotationOutput &out) {
    mbjson_coco_annotation annotation{};
    bool hasID = false, hasImage = false, hasCategory = false, hasBox = false, hasArea = false;
    bool read = forEachMember(object, [&](std::string_view key, od::value &value) {
        if (key == "bbox") {
            if (!readBox(value, annotation.bbox)) return false;
            hasBox = true;
        } else if (key == "id") {
            if (!readInt(value, &annotation.id)) return false;
            hasID = true;
        } else if (key == "image_id") {
            if (!readInt(value, &annotation.image_id)) return false;
            hasImage = true;
        } else if (key == "category_id") {
            if (!readInt(value, &annotation.category_id)) return false;
            hasCategory = true;
        } else if (key == "area") {
            bool isNull;
            if (!readNull(value, &isNull) || (!isNull && !readDouble(value, &annotation.area))) return false;
            hasArea = !isNull;
        } else if (key == "iscrowd") {
            bool isNull;
            annotation.is_crowd = 0;
            if (!readNull(value, &isNull) || (!isNull && !readFlag(value, &annotation.is_crowd))) return false;
        }
        return true;
    });
    if (!read) return false;
    if (!hasID || !hasImage || !hasCategory || !hasBox) return false;
    if (!hasArea) annotation.area = annotation.bbox[2] * annotation.bbox[3];
    if (annotation.area < 0) return false;
    out.add(annotation);
    return true;
}

bool readCategory(od::object &object, CocoRecords &coco, AnnotationOutput &) {
    mbjson_coco_category category{};
    bool hasID = false, hasName = false;
    bool read = forEachMember(object, [&](std::string_view key, od::value &value) {
        if (key == "id") {
            if (!readInt(value, &category.id)) return false;
            hasID = true;
        } else if (key == "name") {
            if (!readString(value, coco.strings, &category.name_offset, &category.name_length)) return false;
            hasName = true;
        } else if (key == "supercategory") {
            bool isNull;
            if (!readNull(value, &isNull)) return false;
            category.has_supercategory = isNull ? 0 : 1;
            if (!isNull &&
                !readString(value, coco.strings, &category.supercategory_offset, &category.supercategory_length)) {
                return false;
            }
        }
        return true;
    });
    if (!read) return false;
    if (!hasID || !hasName) return false;
    coco.categories.push_back(category);
    return true;
}

/// `COCODatasetReader.records`: `null` (no records) or an array of objects, each read by `read`.
template <typename Read>
bool readSection(od::value &value, CocoRecords &coco, AnnotationOutput &out, Read read) {
    bool isNull;
    if (!readNull(value, &isNull)) return false;
    if (isNull) return true;
    od::json_type type;
    od::array array;
    if (value.type().get(type) != SUCCESS || type != od::json_type::array) return false;
    if (value.get_array().get(array) != SUCCESS) return false;
    for (auto element : array) {
        od::value record;
        od::object object;
        if (element.get(record) != SUCCESS || record.get_object().get(object) != SUCCESS) return false;
        if (!read(object, coco, out)) return false;
    }
    return true;
}

/// `COCODatasetReader.parse` without its final checks: a root object with `images`.
bool readDataset(mbjson_document *doc, AnnotationOutput &out) {
    CocoRecords &coco = doc->coco;
    out.chunk.reserve(chunkSize);
    od::json_type kind;
    od::value root;
    od::object object;
    if (doc->document.type().get(kind) != SUCCESS || kind != od::json_type::object) return false;
    if (doc->document.get_value().get(root) != SUCCESS || root.get_object().get(object) != SUCCESS) return false;
    bool hasImages = false;
    bool read = forEachMember(object, [&](std::string_view key, od::value &value) {
        // A repeated section replaces the earlier one.
        if (key == "images") {
            coco.images.clear();
            if (!readSection(value, coco, out, readImage)) return false;
            hasImages = true;
        } else if (key == "annotations") {
            out.restart();
            if (!readSection(value, coco, out, readAnnotation)) return false;
            out.flush();
        } else if (key == "categories") {
            coco.categories.clear();
            if (!readSection(value, coco, out, readCategory)) return false;
        }
        return true;
    });
    if (!read) return false;
    return hasImages && atEnd(doc);
}

/// Runs a bulk reader: `MBJSON_OK`, or the input re-indexed and `MBJSON_DECLINED`.
template <typename Read>
mbjson_status runBulk(mbjson_document *doc, Read read) noexcept {
    if (doc == nullptr || !doc->ready || doc->started) return MBJSON_ERR_INTERNAL;
    doc->started = true;
    bool plain = false;
    try {
        doc->coco.clear();
        plain = read();
    } catch (...) {
        plain = false;
    }
    if (plain) return MBJSON_OK;
    doc->coco.clear();
    mbjson_status reset = mbjson::reindex(doc);
    return reset == MBJSON_OK ? MBJSON_DECLINED : reset;
}

}  // namespace

extern "C" {

mbjson_status mbjson_coco_read_results(mbjson_document *doc, mbjson_coco_detection_sink sink, void *context, int *in_annotations) {
    if (doc == nullptr || sink == nullptr || in_annotations == nullptr) return MBJSON_ERR_INTERNAL;
    DetectionOutput out{doc->coco.detections, sink, context};
    return runBulk(doc, [&] { return readResults(doc, out, in_annotations); });
}

mbjson_status mbjson_coco_read_dataset(mbjson_document *doc, mbjson_coco_annotation_sink sink, void *context, mbjson_coco_dataset *out) {
    if (doc == nullptr || sink == nullptr || out == nullptr) return MBJSON_ERR_INTERNAL;
    AnnotationOutput annotations{doc->coco.annotations, sink, context};
    mbjson_status result = runBulk(doc, [&] { return readDataset(doc, annotations); });
    if (result != MBJSON_OK) return result;
    const CocoRecords &coco = doc->coco;
    out->images = coco.images.data();
    out->image_count = coco.images.size();
    out->categories = coco.categories.data();
    out->category_count = coco.categories.size();
    out->strings = coco.strings.data();
    out->strings_length = coco.strings.size();
    return MBJSON_OK;
}

}  // extern "C"

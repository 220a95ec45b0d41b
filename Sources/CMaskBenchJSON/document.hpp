// CMaskBenchJSON's internal C++ declarations, shared by json.cpp and coco.cpp (never seen by Swift).

#ifndef CMASKBENCHJSON_DOCUMENT_HPP
#define CMASKBENCHJSON_DOCUMENT_HPP

#include "CMaskBenchJSON.h"

#include <simdjson.h>

#include <cstddef>
#include <string>
#include <vector>

namespace od = simdjson::ondemand;

/// The input bytes, followed by at least SIMDJSON_PADDING zero bytes (simdjson reads up to that far past
/// the end): a heap buffer reused across parses.
struct Input {
    char *data = nullptr;
    /// Bytes usable before the padding.
    size_t capacity = 0;

    Input() = default;
    Input(const Input &) = delete;
    Input &operator=(const Input &) = delete;
    ~Input() { release(); }

    void release() noexcept {
        delete[] data;
        data = nullptr;
        capacity = 0;
    }
};

/// What the COCO bulk readers return, owned by the document and reused across parses (the large sections
/// only pass through a chunk each on their way to the caller's sink).
struct CocoRecords {
    std::vector<mbjson_coco_detection> detections;
    std::vector<mbjson_coco_image> images;
    std::vector<mbjson_coco_annotation> annotations;
    std::vector<mbjson_coco_category> categories;
    std::string strings;

    void clear() noexcept {
        detections.clear();
        images.clear();
        annotations.clear();
        categories.clear();
        strings.clear();
    }
};

struct mbjson_document {
    od::parser parser;
    od::document document;
    Input input;
    size_t length = 0;
    bool ready = false;
    /// Whether the root or a bulk reader has started reading since the last parse (a bulk reader must not
    /// start on a half-read document).
    bool started = false;
    CocoRecords coco;
};

namespace mbjson {

/// Indexes the input again (simdjson stage 1) so reading starts over from the root; used after a bulk reader
/// declined, when simdjson's iterator may be in an error state that `document::rewind` does not clear.
mbjson_status reindex(mbjson_document *doc) noexcept;

}  // namespace mbjson

#endif  // CMASKBENCHJSON_DOCUMENT_HPP

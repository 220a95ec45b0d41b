/*
 * CMaskBenchJSON: a small plain-C API over simdjson's On-Demand parser.
 *
 * Swift never sees C++: this header is valid C and C++, every C++ exception is caught inside json.cpp,
 * and every function that can fail returns an `mbjson_status` (plus a message buffer where one helps).
 * Only MaskBenchFormats/JSON imports this module.
 *
 * On-Demand, not DOM: simdjson indexes the input once (stage 1) and numbers and strings are parsed only
 * when asked for, without building a tape. On a 41 MB COCO results file this halves both the time and the
 * memory of the DOM parser. The price is a forward-only cursor:
 *
 *  - Values must be read in document order. Reading a value, or moving an iterator past it, consumes it;
 *    a value obtained earlier must not be used after the iterator that produced it has moved on.
 *  - Each scalar can be read once (a failed getter does not consume it, so another getter may follow).
 *  - Values a reader skips are not validated. Stage 1 validates UTF-8 and string termination; grammar is
 *    checked where the cursor goes. `mbjson_document_at_end` tells whether the whole input was consumed.
 *
 * Lifetime: an `mbjson_value` and the iterators are plain copyable bits pointing into the document that
 * produced them, valid until that document is destroyed or parses another input. Strings returned by
 * `mbjson_get_string` and `mbjson_object_next` live until the next parse (they are not NUL-terminated
 * and may contain NUL bytes: use the returned length).
 */
#ifndef CMASKBENCHJSON_H
#define CMASKBENCHJSON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Result of every call that can fail. */
typedef enum mbjson_status {
    /** Success. */
    MBJSON_OK = 0,
    /** The value has another JSON type than the getter asked for (nothing was consumed). */
    MBJSON_ERR_TYPE = 1,
    /** A number does not fit the requested C type (e.g. an integer above INT64_MAX for `mbjson_get_int64`). */
    MBJSON_ERR_RANGE = 3,
    /** The input is not valid JSON where the cursor went (see `mbjson_last_error_message`). */
    MBJSON_ERR_PARSE = 4,
    /** The file could not be opened or read (the message carries `strerror(errno)`). */
    MBJSON_ERR_IO = 5,
    /** An allocation failed. */
    MBJSON_ERR_MEMORY = 6,
    /** Any other failure, including an unexpected C++ exception or a value used out of order. */
    MBJSON_ERR_INTERNAL = 7,
    /**
     * A bulk reader (`mbjson_coco_read_results`, `mbjson_coco_read_dataset`) met something outside the plain
     * case it handles; the document has been reset so the general reader can read it from the start.
     */
    MBJSON_DECLINED = 8
} mbjson_status;

/** The JSON type of a value; numbers are split by how they are written. */
typedef enum mbjson_type {
    MBJSON_TYPE_NULL = 0,
    MBJSON_TYPE_BOOL = 1,
    /** An integer (no fraction, no exponent). */
    MBJSON_TYPE_INTEGER = 2,
    /** A number with a fraction or an exponent. */
    MBJSON_TYPE_DOUBLE = 4,
    MBJSON_TYPE_STRING = 5,
    MBJSON_TYPE_ARRAY = 6,
    MBJSON_TYPE_OBJECT = 7
} mbjson_type;

/** An input and its parser: owns the padded input bytes, simdjson's parser and document. */
typedef struct mbjson_document mbjson_document;

/** A value inside a document (a copy of simdjson's `ondemand::value`). */
typedef struct mbjson_value {
    uint64_t opaque[4];
} mbjson_value;

/** A position in an array (an `ondemand::array_iterator` and whether it has started). */
typedef struct mbjson_array_iter {
    uint64_t opaque[4];
} mbjson_array_iter;

/** A position in an object (an `ondemand::object_iterator` and whether it has started). */
typedef struct mbjson_object_iter {
    uint64_t opaque[4];
} mbjson_object_iter;

/** Creates a document holding no input yet. NULL when out of memory. */
mbjson_document *mbjson_document_create(void);

/** Frees a document and everything it owns. NULL is allowed. */
void mbjson_document_destroy(mbjson_document *doc);

/**
 * Reads the file at `path` into `doc` and indexes it (simdjson stage 1), reusing the document's buffers.
 *
 * Every value and iterator obtained from `doc` before is invalidated. On failure `err` (when not NULL)
 * holds a NUL-terminated message of at most `errlen - 1` bytes; after `MBJSON_ERR_PARSE` the bytes stay
 * available through `mbjson_document_source`, to locate the error.
 */
mbjson_status mbjson_document_parse_file(mbjson_document *doc, const char *path, char *err, size_t errlen);

/** Copies `len` bytes into `doc` and indexes them; otherwise as `mbjson_document_parse_file`. */
mbjson_status mbjson_document_parse_buffer(mbjson_document *doc, const char *bytes, size_t len, char *err, size_t errlen);

/** `mbjson_document_create` then `mbjson_document_parse_file`; `*out` is NULL on failure. */
mbjson_status mbjson_parse_file(const char *path, mbjson_document **out, char *err, size_t errlen);

/** `mbjson_document_create` then `mbjson_document_parse_buffer`; `*out` is NULL on failure. */
mbjson_status mbjson_parse_buffer(const char *bytes, size_t len, mbjson_document **out, char *err, size_t errlen);

/**
 * The root value, to be read once. The root must be an array or an object: for a scalar root this
 * returns `MBJSON_ERR_TYPE` and stores its type in `*type` (when not NULL).
 */
mbjson_status mbjson_document_root(mbjson_document *doc, mbjson_value *out, mbjson_type *type);

/** Whether the cursor has consumed the whole input (1) or not (0), e.g. after reading the root fully. */
int mbjson_document_at_end(mbjson_document *doc);

/** The input bytes of the last parse (without padding). `*len` is 0 when there is none. */
void mbjson_document_source(const mbjson_document *doc, const char **bytes, size_t *len);

/** The JSON type of `value` (does not consume it). */
mbjson_status mbjson_type_of(mbjson_value *value, mbjson_type *out);

/** A number as a double; integers are converted (`MBJSON_ERR_TYPE` for non-numbers). */
mbjson_status mbjson_get_double(mbjson_value *value, double *out);

/**
 * An integer as `int64_t`: `MBJSON_ERR_TYPE` for numbers with a fraction or exponent and for non-numbers,
 * `MBJSON_ERR_RANGE` for integers beyond `int64_t`.
 */
mbjson_status mbjson_get_int64(mbjson_value *value, int64_t *out);

/** A boolean as 0 or 1. */
mbjson_status mbjson_get_bool(mbjson_value *value, int *out);

/** A string's unescaped UTF-8 bytes (not NUL-terminated; valid until the next parse). */
mbjson_status mbjson_get_string(mbjson_value *value, const char **bytes, size_t *len);

/** Whether `value` is `null` (`*out` = 1, and the null is consumed) or not (0, nothing consumed). */
mbjson_status mbjson_is_null(mbjson_value *value, int *out);

/** Starts iterating an array (`MBJSON_ERR_TYPE` when `value` is not one). */
mbjson_status mbjson_array_begin(mbjson_value *value, mbjson_array_iter *iter);

/**
 * Moves to the next element (skipping what is left of the previous one): `*has` = 1 and `*out` set, or
 * `*has` = 0 past the last element.
 */
mbjson_status mbjson_array_next(mbjson_array_iter *iter, mbjson_value *out, int *has);

/**
 * Reads an array of numbers in one call (a box): up to `capacity` values into `out`, and the array's
 * length in `*count`. On `MBJSON_ERR_TYPE`, `*found` is the type of the offending value: the value itself
 * when it is not an array (`*count` is then `SIZE_MAX`), else element `*count` (the array is left partly
 * read).
 */
mbjson_status mbjson_get_doubles(mbjson_value *value, double *out, size_t capacity, size_t *count, mbjson_type *found);

/** Starts iterating an object (`MBJSON_ERR_TYPE` when `value` is not one). */
mbjson_status mbjson_object_begin(mbjson_value *value, mbjson_object_iter *iter);

/**
 * Moves to the next member (skipping what is left of the previous value): `*has` = 1 with the unescaped
 * key (bytes and length) and the value, or `*has` = 0 past the last member. Members come in file order;
 * a repeated key is reported each time.
 */
mbjson_status mbjson_object_next(mbjson_object_iter *iter, const char **key, size_t *keylen, mbjson_value *out, int *has);

/*
 * Bulk readers for COCO files.
 *
 * Reading a 40 MB COCO file value by value from Swift costs a call into C per field; these loop over the
 * records in C++ instead and return flat arrays. They handle only the plain, well-formed case and return
 * `MBJSON_DECLINED` for anything else (a wrong type, a missing field, a negative size, a number out of range,
 * invalid JSON where the cursor goes, input after the root...), having re-indexed the input so that the
 * general reader (MaskBenchFormats' COCO readers over `JSONValue`) starts over and reports the exact error.
 * What they accept they read exactly as that reader does: the same simdjson getters in the same order, an
 * integer accepted when written as an integral number below 2^53 in magnitude (`3.0`), a repeated key
 * overriding the earlier one, other keys skipped unread, `null` for an optional field meaning "absent".
 *
 * The large sections (results, annotations) go to a callback in chunks, so that no copy of them is built
 * here; the small ones (images, categories) are returned as arrays. Call one reader at most once per parse,
 * before `mbjson_document_root` (`MBJSON_ERR_INTERNAL` otherwise). On `MBJSON_OK` the whole input has been
 * consumed; the arrays and strings belong to the document and stay valid until it is destroyed, parses
 * another input or runs another bulk reader.
 */

/** One COCO result: `{image_id, category_id, bbox, score}`. */
typedef struct mbjson_coco_detection {
    int64_t image_id;
    int64_t category_id;
    /** `[x, y, width, height]`, width and height non-negative. */
    double bbox[4];
    double score;
    /** The record's index in its list (for messages). */
    int64_t record;
} mbjson_coco_detection;

/**
 * Receives COCO results in file order, in chunks, while `mbjson_coco_read_results` runs (the chunk is valid
 * only during the call). When the reader then declines, everything received is void.
 */
typedef void (*mbjson_coco_detection_sink)(void *context, const mbjson_coco_detection *records, size_t count);

/** One entry of a COCO ground truth's `images`; strings are byte ranges of `mbjson_coco_dataset.strings`. */
typedef struct mbjson_coco_image {
    int64_t id;
    int64_t width;
    int64_t height;
    size_t file_name_offset;
    size_t file_name_length;
    /** Whether `width` / `height` were present and not `null`. */
    int32_t has_width;
    int32_t has_height;
} mbjson_coco_image;

/** One entry of `annotations`; `area` is `width * height` of the box when absent or `null`. */
typedef struct mbjson_coco_annotation {
    int64_t id;
    int64_t image_id;
    int64_t category_id;
    double bbox[4];
    double area;
    /** `iscrowd` as 0 or 1 (`true`/`false` or `0`/`1`; absent or `null` is 0). */
    int64_t is_crowd;
} mbjson_coco_annotation;

/** One entry of `categories`. */
typedef struct mbjson_coco_category {
    int64_t id;
    size_t name_offset;
    size_t name_length;
    size_t supercategory_offset;
    size_t supercategory_length;
    /** Whether `supercategory` was present and not `null`. */
    int64_t has_supercategory;
} mbjson_coco_category;

/**
 * Receives a COCO ground truth's annotations in file order, in chunks, while `mbjson_coco_read_dataset` runs
 * (the chunk is valid only during the call). `restart` = 1 (with no records) says that a repeated
 * `annotations` section begins, which replaces what was received before. When the reader then declines,
 * everything received is void.
 */
typedef void (*mbjson_coco_annotation_sink)(void *context, const mbjson_coco_annotation *records, size_t count, int restart);

/** A COCO ground truth's images and categories in file order (a section absent or `null` is empty). */
typedef struct mbjson_coco_dataset {
    const mbjson_coco_image *images;
    size_t image_count;
    const mbjson_coco_category *categories;
    size_t category_count;
    /** The unescaped UTF-8 bytes of every string, concatenated (not NUL-terminated). */
    const char *strings;
    size_t strings_length;
} mbjson_coco_dataset;

/**
 * Reads COCO results (a root array of `{image_id, category_id, bbox, score}`, or a root object's
 * `annotations`, each of them when the key repeats), handing them to `sink`; `*in_annotations` is 1 when they
 * came from a root object, else 0. `MBJSON_DECLINED` outside the plain case.
 */
mbjson_status mbjson_coco_read_results(mbjson_document *doc, mbjson_coco_detection_sink sink, void *context, int *in_annotations);

/**
 * Reads a COCO ground truth (a root object with `images`, optional `annotations` and `categories`; a repeated
 * section replaces the earlier one): annotations to `sink`, images and categories into `*out`.
 * `MBJSON_DECLINED` outside the plain case. Only the records are read: uniqueness of ids and file names and the
 * references between sections are left to the caller.
 */
mbjson_status mbjson_coco_read_dataset(mbjson_document *doc, mbjson_coco_annotation_sink sink, void *context, mbjson_coco_dataset *out);

/** simdjson's description of the last error a getter or iterator on this thread returned. */
const char *mbjson_last_error_message(void);

/** A static, NUL-terminated description of a status code. */
const char *mbjson_status_message(mbjson_status status);

#ifdef __cplusplus
}
#endif

#endif /* CMASKBENCHJSON_H */

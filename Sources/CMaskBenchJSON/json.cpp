// CMaskBenchJSON: the C API declared in include/CMaskBenchJSON.h, over simdjson's On-Demand parser.
//
// Rules kept here: every entry point catches every C++ exception (simdjson reports errors by code, but an
// allocation can throw std::bad_alloc); values and iterators cross the C boundary as raw copies of
// simdjson's On-Demand objects, checked by static_assert to fit and be trivially copyable.

#include "CMaskBenchJSON.h"
#include "document.hpp"

#include <simdjson.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <type_traits>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

/// An iterator and whether `next` has been called (the first call must not advance past element 0).
template <typename Iterator>
struct Cursor {
    Iterator iterator;
    bool started;
};

static_assert(sizeof(od::value) <= sizeof(mbjson_value), "ondemand::value must fit in mbjson_value");
static_assert(std::is_trivially_copyable<od::value>::value, "ondemand::value must be trivially copyable");
static_assert(sizeof(Cursor<od::array_iterator>) <= sizeof(mbjson_array_iter), "array cursor must fit");
static_assert(std::is_trivially_copyable<Cursor<od::array_iterator>>::value, "array cursor must be trivially copyable");
static_assert(sizeof(Cursor<od::object_iterator>) <= sizeof(mbjson_object_iter), "object cursor must fit");
static_assert(std::is_trivially_copyable<Cursor<od::object_iterator>>::value, "object cursor must be trivially copyable");

thread_local simdjson::error_code lastError = simdjson::SUCCESS;

void writeMessage(char *err, size_t errlen, const std::string &message) noexcept {
    if (err == nullptr || errlen == 0) return;
    size_t n = message.size() < errlen - 1 ? message.size() : errlen - 1;
    std::memcpy(err, message.data(), n);
    err[n] = '\0';
}

template <typename T, typename Raw>
inline T load(const Raw *raw) noexcept {
    T value;
    std::memcpy(static_cast<void *>(&value), raw, sizeof value);
    return value;
}

template <typename T, typename Raw>
inline void store(Raw *raw, const T &value) noexcept {
    std::memset(raw, 0, sizeof *raw);
    std::memcpy(raw, static_cast<const void *>(&value), sizeof value);
}

/// Maps a simdjson error from a getter: a type mismatch consumes nothing; anything else is invalid JSON.
mbjson_status status(simdjson::error_code code) noexcept {
    switch (code) {
    case simdjson::SUCCESS: return MBJSON_OK;
    case simdjson::INCORRECT_TYPE: return MBJSON_ERR_TYPE;
    case simdjson::NUMBER_OUT_OF_RANGE: return MBJSON_ERR_RANGE;
    case simdjson::MEMALLOC: return MBJSON_ERR_MEMORY;
    case simdjson::OUT_OF_ORDER_ITERATION: lastError = code; return MBJSON_ERR_INTERNAL;
    default: lastError = code; return MBJSON_ERR_PARSE;
    }
}

/// Makes room for `length` bytes plus padding in a heap buffer, keeping it when it is large enough.
bool reserve(mbjson_document *doc, size_t length) {
    if (doc->input.data != nullptr && doc->input.capacity >= length) return true;
    size_t capacity = length < 4096 ? 4096 : length;
    char *data = new (std::nothrow) char[capacity + simdjson::SIMDJSON_PADDING];
    if (data == nullptr) return false;
    doc->input.release();
    doc->input.data = data;
    doc->input.capacity = capacity;
    return true;
}

/// The byte an array or object root must end with, or 0 when the root is neither.
char closerOfRoot(const char *bytes, size_t length, size_t *last) noexcept {
    size_t first = 0;
    while (first < length && (bytes[first] == ' ' || bytes[first] == '\t' || bytes[first] == '\n' || bytes[first] == '\r')) ++first;
    size_t end = length;
    while (end > first && (bytes[end - 1] == ' ' || bytes[end - 1] == '\t' || bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) --end;
    *last = end == 0 ? 0 : end - 1;
    if (first >= length) return 0;
    return bytes[first] == '[' ? ']' : bytes[first] == '{' ? '}' : 0;
}

/// Indexes the `doc->length` bytes already in `doc->input` (simdjson stage 1).
mbjson_status iterateLoaded(mbjson_document *doc, char *err, size_t errlen) {
    doc->ready = false;
    doc->started = false;
    std::memset(doc->input.data + doc->length, 0, simdjson::SIMDJSON_PADDING);
    // A UTF-8 byte-order mark (as some editors and Windows tools write) is skipped, as the CSV readers and
    // the error locator (JSONSyntaxScanner) skip it; this simdjson does not. Every JSON document, COCO
    // files and each JSON Lines line alike, is indexed here, so this is the one place JSON skips it.
    size_t skip = doc->length >= 3 && std::memcmp(doc->input.data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    const char *json = doc->input.data + skip;
    size_t length = doc->length - skip;
    // An array or object root must close at the end of the input; simdjson checks this only when the root
    // is opened as an array or object, and we open it as a value.
    size_t last = 0;
    char closer = closerOfRoot(json, length, &last);
    if (closer != 0 && json[last] != closer) {
        writeMessage(err, errlen, "the root array or object is not closed at the end of the input");
        return MBJSON_ERR_PARSE;
    }
    simdjson::error_code code =
        doc->parser.iterate(json, length, doc->input.capacity - skip + simdjson::SIMDJSON_PADDING).get(doc->document);
    if (code != simdjson::SUCCESS) {
        writeMessage(err, errlen, simdjson::error_message(code));
        return code == simdjson::MEMALLOC ? MBJSON_ERR_MEMORY : MBJSON_ERR_PARSE;
    }
    doc->ready = true;
    return MBJSON_OK;
}

/// `strerror`'s text with its first letter lower-cased, as MaskBench's Swift side words every file error
/// (`cannot read: no such file or directory`; Swift's `FileErrorReason`).
std::string lowerFirst(const char *text) {
    std::string out(text);
    if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z') out[0] = static_cast<char>(out[0] - 'A' + 'a');
    return out;
}

/// Reads the whole file (or pipe, until end of file) into `doc->input`.
mbjson_status loadFile(mbjson_document *doc, const char *path, char *err, size_t errlen) {
    doc->length = 0;
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        writeMessage(err, errlen, std::string("cannot read: ") + lowerFirst(std::strerror(errno)));
        return MBJSON_ERR_IO;
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat info;
    if (::fstat(fd, &info) != 0) {
        writeMessage(err, errlen, std::string("cannot read: ") + lowerFirst(std::strerror(errno)));
        return MBJSON_ERR_IO;
    }
    if (S_ISDIR(info.st_mode)) {
        writeMessage(err, errlen, "cannot read: is a directory");
        return MBJSON_ERR_IO;
    }
    size_t expected = S_ISREG(info.st_mode) ? static_cast<size_t>(info.st_size) : 0;
    // Read, not mapped: a mapped file truncated by someone else while we parse it would kill the process with
    // SIGBUS; a read one is merely shorter, and its JSON invalid. One byte more than the size, so the read
    // that finds the end needs no bigger buffer.
    if (!reserve(doc, expected + 1)) {
        writeMessage(err, errlen, "out of memory reading the file");
        return MBJSON_ERR_MEMORY;
    }
    size_t length = 0;
    for (;;) {
        if (length == doc->input.capacity) {
            // A pipe: double the buffer, keeping what was read.
            size_t capacity = doc->input.capacity * 2;
            char *bigger = new (std::nothrow) char[capacity + simdjson::SIMDJSON_PADDING];
            if (bigger == nullptr) {
                writeMessage(err, errlen, "out of memory reading the file");
                return MBJSON_ERR_MEMORY;
            }
            std::memcpy(bigger, doc->input.data, length);
            doc->input.release();
            doc->input.data = bigger;
            doc->input.capacity = capacity;
        }
        ssize_t n = ::read(fd, doc->input.data + length, doc->input.capacity - length);
        if (n < 0) {
            if (errno == EINTR) continue;
            writeMessage(err, errlen, std::string("cannot read: ") + lowerFirst(std::strerror(errno)));
            return MBJSON_ERR_IO;
        }
        if (n == 0) break;
        length += static_cast<size_t>(n);
    }
    doc->length = length;
    return MBJSON_OK;
}

mbjson_type typeOf(od::json_type type, od::value &value, simdjson::error_code *code) noexcept {
    switch (type) {
    case od::json_type::array: return MBJSON_TYPE_ARRAY;
    case od::json_type::object: return MBJSON_TYPE_OBJECT;
    case od::json_type::string: return MBJSON_TYPE_STRING;
    case od::json_type::boolean: return MBJSON_TYPE_BOOL;
    case od::json_type::null: return MBJSON_TYPE_NULL;
    case od::json_type::number: {
        od::number_type kind;
        *code = value.get_number_type().get(kind);
        return kind == od::number_type::floating_point_number ? MBJSON_TYPE_DOUBLE : MBJSON_TYPE_INTEGER;
    }
    }
    return MBJSON_TYPE_NULL;
}

}  // namespace

mbjson_status mbjson::reindex(mbjson_document *doc) noexcept {
    try {
        return iterateLoaded(doc, nullptr, 0);
    } catch (...) {
        doc->ready = false;
        return MBJSON_ERR_MEMORY;
    }
}

extern "C" {

mbjson_document *mbjson_document_create(void) {
    try {
        return new (std::nothrow) mbjson_document();
    } catch (...) {
        return nullptr;
    }
}

void mbjson_document_destroy(mbjson_document *doc) {
    try {
        delete doc;
    } catch (...) {
    }
}

mbjson_status mbjson_document_parse_file(mbjson_document *doc, const char *path, char *err, size_t errlen) {
    if (doc == nullptr || path == nullptr) return MBJSON_ERR_INTERNAL;
    try {
        doc->ready = false;
        mbjson_status result = loadFile(doc, path, err, errlen);
        if (result != MBJSON_OK) return result;
        return iterateLoaded(doc, err, errlen);
    } catch (const std::bad_alloc &) {
        writeMessage(err, errlen, "out of memory");
        return MBJSON_ERR_MEMORY;
    } catch (const std::exception &e) {
        writeMessage(err, errlen, e.what());
        return MBJSON_ERR_INTERNAL;
    } catch (...) {
        writeMessage(err, errlen, "unknown C++ exception");
        return MBJSON_ERR_INTERNAL;
    }
}

mbjson_status mbjson_document_parse_buffer(mbjson_document *doc, const char *bytes, size_t len, char *err, size_t errlen) {
    if (doc == nullptr || (bytes == nullptr && len > 0)) return MBJSON_ERR_INTERNAL;
    try {
        doc->ready = false;
        doc->length = 0;
        if (!reserve(doc, len)) {
            writeMessage(err, errlen, "out of memory copying the input");
            return MBJSON_ERR_MEMORY;
        }
        if (len > 0) std::memcpy(doc->input.data, bytes, len);
        doc->length = len;
        return iterateLoaded(doc, err, errlen);
    } catch (const std::bad_alloc &) {
        writeMessage(err, errlen, "out of memory");
        return MBJSON_ERR_MEMORY;
    } catch (const std::exception &e) {
        writeMessage(err, errlen, e.what());
        return MBJSON_ERR_INTERNAL;
    } catch (...) {
        writeMessage(err, errlen, "unknown C++ exception");
        return MBJSON_ERR_INTERNAL;
    }
}

mbjson_status mbjson_parse_file(const char *path, mbjson_document **out, char *err, size_t errlen) {
    if (out == nullptr) return MBJSON_ERR_INTERNAL;
    *out = nullptr;
    mbjson_document *doc = mbjson_document_create();
    if (doc == nullptr) return MBJSON_ERR_MEMORY;
    mbjson_status result = mbjson_document_parse_file(doc, path, err, errlen);
    if (result != MBJSON_OK) {
        mbjson_document_destroy(doc);
        return result;
    }
    *out = doc;
    return MBJSON_OK;
}

mbjson_status mbjson_parse_buffer(const char *bytes, size_t len, mbjson_document **out, char *err, size_t errlen) {
    if (out == nullptr) return MBJSON_ERR_INTERNAL;
    *out = nullptr;
    mbjson_document *doc = mbjson_document_create();
    if (doc == nullptr) return MBJSON_ERR_MEMORY;
    mbjson_status result = mbjson_document_parse_buffer(doc, bytes, len, err, errlen);
    if (result != MBJSON_OK) {
        mbjson_document_destroy(doc);
        return result;
    }
    *out = doc;
    return MBJSON_OK;
}

mbjson_status mbjson_document_root(mbjson_document *doc, mbjson_value *out, mbjson_type *type) {
    if (doc == nullptr || !doc->ready || out == nullptr) return MBJSON_ERR_INTERNAL;
    doc->started = true;
    od::json_type kind;
    simdjson::error_code code = doc->document.type().get(kind);
    if (code != simdjson::SUCCESS) return status(code);
    if (kind != od::json_type::array && kind != od::json_type::object) {
        if (type != nullptr) {
            switch (kind) {
            case od::json_type::number: *type = MBJSON_TYPE_DOUBLE; break;
            case od::json_type::string: *type = MBJSON_TYPE_STRING; break;
            case od::json_type::boolean: *type = MBJSON_TYPE_BOOL; break;
            default: *type = MBJSON_TYPE_NULL; break;
            }
        }
        return MBJSON_ERR_TYPE;
    }
    od::value value;
    code = doc->document.get_value().get(value);
    if (code != simdjson::SUCCESS) return status(code);
    store(out, value);
    if (type != nullptr) *type = kind == od::json_type::array ? MBJSON_TYPE_ARRAY : MBJSON_TYPE_OBJECT;
    return MBJSON_OK;
}

int mbjson_document_at_end(mbjson_document *doc) {
    if (doc == nullptr || !doc->ready) return 0;
    // simdjson 3.0 has no document::at_end(); past the last token, current_location() is out of bounds.
    return doc->document.current_location().error() == simdjson::OUT_OF_BOUNDS ? 1 : 0;
}

void mbjson_document_source(const mbjson_document *doc, const char **bytes, size_t *len) {
    if (doc == nullptr || doc->input.data == nullptr) {
        if (bytes) *bytes = nullptr;
        if (len) *len = 0;
        return;
    }
    if (bytes) *bytes = doc->input.data;
    if (len) *len = doc->length;
}

mbjson_status mbjson_type_of(mbjson_value *raw, mbjson_type *out) {
    od::value value = load<od::value>(raw);
    od::json_type kind;
    simdjson::error_code code = value.type().get(kind);
    if (code != simdjson::SUCCESS) return status(code);
    mbjson_type type = typeOf(kind, value, &code);
    if (code != simdjson::SUCCESS) return status(code);
    *out = type;
    return MBJSON_OK;
}

mbjson_status mbjson_get_double(mbjson_value *raw, double *out) {
    od::value value = load<od::value>(raw);
    double result;
    simdjson::error_code code = value.get_double().get(result);
    if (code != simdjson::SUCCESS) return status(code);
    store(raw, value);
    *out = result;
    return MBJSON_OK;
}

mbjson_status mbjson_get_int64(mbjson_value *raw, int64_t *out) {
    od::value value = load<od::value>(raw);
    int64_t result;
    simdjson::error_code code = value.get_int64().get(result);
    if (code == simdjson::SUCCESS) {
        store(raw, value);
        *out = result;
        return MBJSON_OK;
    }
    // Classify without consuming: another type, a fraction, or an integer too large.
    od::json_type kind;
    if (value.type().get(kind) != simdjson::SUCCESS || kind != od::json_type::number) return status(code);
    od::number_type number;
    simdjson::error_code numberCode = value.get_number_type().get(number);
    if (numberCode != simdjson::SUCCESS) return status(numberCode);
    if (number == od::number_type::floating_point_number) return MBJSON_ERR_TYPE;
    return MBJSON_ERR_RANGE;
}

mbjson_status mbjson_get_bool(mbjson_value *raw, int *out) {
    od::value value = load<od::value>(raw);
    bool result;
    simdjson::error_code code = value.get_bool().get(result);
    if (code != simdjson::SUCCESS) return status(code);
    store(raw, value);
    *out = result ? 1 : 0;
    return MBJSON_OK;
}

mbjson_status mbjson_get_string(mbjson_value *raw, const char **bytes, size_t *len) {
    try {
        od::value value = load<od::value>(raw);
        std::string_view result;
        simdjson::error_code code = value.get_string().get(result);
        if (code != simdjson::SUCCESS) return status(code);
        store(raw, value);
        *bytes = result.data();
        *len = result.size();
        return MBJSON_OK;
    } catch (...) {
        return MBJSON_ERR_INTERNAL;
    }
}

mbjson_status mbjson_is_null(mbjson_value *raw, int *out) {
    od::value value = load<od::value>(raw);
    bool result;
    simdjson::error_code code = value.is_null().get(result);
    if (code != simdjson::SUCCESS) return status(code);
    store(raw, value);
    *out = result ? 1 : 0;
    return MBJSON_OK;
}

mbjson_status mbjson_array_begin(mbjson_value *raw, mbjson_array_iter *iter) {
    od::value value = load<od::value>(raw);
    od::array array;
    simdjson::error_code code = value.get_array().get(array);
    if (code != simdjson::SUCCESS) return status(code);
    Cursor<od::array_iterator> cursor{};
    code = array.begin().get(cursor.iterator);
    if (code != simdjson::SUCCESS) return status(code);
    cursor.started = false;
    store(raw, value);
    store(iter, cursor);
    return MBJSON_OK;
}

mbjson_status mbjson_array_next(mbjson_array_iter *iter, mbjson_value *out, int *has) {
    auto cursor = load<Cursor<od::array_iterator>>(iter);
    *has = 0;
    if (cursor.started) ++cursor.iterator;
    cursor.started = true;
    // `!=` asks whether the array is still open; the operand is not used.
    if (!(cursor.iterator != cursor.iterator)) {
        store(iter, cursor);
        return MBJSON_OK;
    }
    od::value value;
    simdjson::error_code code = (*cursor.iterator).get(value);
    store(iter, cursor);
    if (code != simdjson::SUCCESS) return status(code);
    store(out, value);
    *has = 1;
    return MBJSON_OK;
}

mbjson_status mbjson_get_doubles(mbjson_value *raw, double *out, size_t capacity, size_t *count, mbjson_type *found) {
    od::value value = load<od::value>(raw);
    od::array array;
    simdjson::error_code code = value.get_array().get(array);
    if (code == simdjson::INCORRECT_TYPE) {
        *count = SIZE_MAX;
        od::json_type kind;
        if (value.type().get(kind) == simdjson::SUCCESS) *found = typeOf(kind, value, &code);
        return MBJSON_ERR_TYPE;
    }
    if (code != simdjson::SUCCESS) return status(code);
    size_t n = 0;
    for (auto element : array) {
        od::value item;
        code = element.get(item);
        if (code != simdjson::SUCCESS) return status(code);
        double number;
        code = item.get_double().get(number);
        if (code == simdjson::INCORRECT_TYPE) {
            // Not a number: say which element and what it is, leaving the rest unread.
            *count = n;
            od::json_type kind;
            if (item.type().get(kind) == simdjson::SUCCESS) *found = typeOf(kind, item, &code);
            return MBJSON_ERR_TYPE;
        }
        if (code != simdjson::SUCCESS) return status(code);
        if (n < capacity) out[n] = number;
        ++n;
    }
    store(raw, value);
    *count = n;
    return MBJSON_OK;
}

mbjson_status mbjson_object_begin(mbjson_value *raw, mbjson_object_iter *iter) {
    od::value value = load<od::value>(raw);
    od::object object;
    simdjson::error_code code = value.get_object().get(object);
    if (code != simdjson::SUCCESS) return status(code);
    Cursor<od::object_iterator> cursor{};
    code = object.begin().get(cursor.iterator);
    if (code != simdjson::SUCCESS) return status(code);
    cursor.started = false;
    store(raw, value);
    store(iter, cursor);
    return MBJSON_OK;
}

mbjson_status mbjson_object_next(mbjson_object_iter *iter, const char **key, size_t *keylen, mbjson_value *out, int *has) {
    try {
        auto cursor = load<Cursor<od::object_iterator>>(iter);
        *has = 0;
        if (cursor.started) ++cursor.iterator;
        cursor.started = true;
        if (!(cursor.iterator != cursor.iterator)) {
            store(iter, cursor);
            return MBJSON_OK;
        }
        od::field field;
        simdjson::error_code code = (*cursor.iterator).get(field);
        if (code != simdjson::SUCCESS) {
            store(iter, cursor);
            return status(code);
        }
        // Keys are compared, not kept: point into the input when the key has no escape (the usual case),
        // and unescape only keys with a backslash, sparing the string buffer.
        std::string_view name;
        const char *raw = field.key().raw();
        const char *end = raw;
        while (*end != '"' && *end != '\\') ++end;
        if (*end == '"') {
            name = std::string_view(raw, static_cast<size_t>(end - raw));
        } else {
            code = field.unescaped_key().get(name);
        }
        store(iter, cursor);
        if (code != simdjson::SUCCESS) return status(code);
        *key = name.data();
        *keylen = name.size();
        store(out, field.value());
        *has = 1;
        return MBJSON_OK;
    } catch (...) {
        return MBJSON_ERR_INTERNAL;
    }
}

const char *mbjson_last_error_message(void) {
    return simdjson::error_message(lastError);
}

const char *mbjson_status_message(mbjson_status value) {
    switch (value) {
    case MBJSON_OK: return "success";
    case MBJSON_ERR_TYPE: return "value has another JSON type";
    case MBJSON_ERR_RANGE: return "number out of range";
    case MBJSON_ERR_PARSE: return "invalid JSON";
    case MBJSON_ERR_IO: return "cannot read the file";
    case MBJSON_ERR_MEMORY: return "out of memory";
    case MBJSON_ERR_INTERNAL: return "internal error";
    case MBJSON_DECLINED: return "declined by the bulk reader";
    }
    return "unknown status";
}

}  // extern "C"

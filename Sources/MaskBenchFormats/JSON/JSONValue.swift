internal import CMaskBenchJSON
import MaskBenchFiles

/// One step of a path into a JSON document: an object key or an array index.
enum JSONPathComponent: Hashable, Sendable, CustomStringConvertible {
    case key(String)
    case index(Int)

    var description: String {
        switch self {
        case .key(let key): ".\(key)"
        case .index(let index): "[\(index)]"
        }
    }
}

/// A value that is not what the reader expected: a missing field or another type.
///
/// Readers catch it per record and turn it into a ``FormatError`` that names the file and the record;
/// ``path`` (relative to the value the failing getter was called on) lets them locate line and column.
struct JSONValueError: Error, Sendable {
    /// Where the bad value is, relative to the object or array the getter was called on.
    var path: [JSONPathComponent]
    /// What was wrong, e.g. `field 'score': expected a number, found a string`.
    var message: String

    init(path: [JSONPathComponent] = [], _ message: String) {
        self.path = path
        self.message = message
    }
}

/// The input is not valid JSON where the cursor went; ``JSONDocument`` turns it into a ``FormatError``
/// with the line and column the syntax scanner finds.
struct JSONSyntaxError: Error, Sendable {
    /// simdjson's description, used when the scanner cannot say more.
    var detail: String
}

/// A view of one value inside a ``JSONDocument``, read with simdjson On-Demand.
///
/// A `JSONValue` is a few bytes of cursor state and holds no reference to its document: it is valid only
/// while that document is alive (use it inside ``JSONDocument/withRoot(_:)``). It is forward-only: read
/// values in document order, each scalar once (a getter that throws ``JSONValueError`` for a type
/// mismatch consumes nothing, so another getter may follow), and do not use a value after the iterator
/// that produced it has moved on. Readers therefore walk each object once, member by member
/// (``members()``); a repeated key is seen each time, so the last one wins, as with Python's `json` (and
/// so pycocotools).
///
/// Getters throw ``JSONValueError`` for a wrong type and ``JSONSyntaxError`` for invalid JSON;
/// ``field(_:_:)`` adds the member's key to a ``JSONValueError``'s path and message.
struct JSONValue {
    let raw: mbjson_value

    /// The JSON type of a value, as named in error messages.
    enum Kind: String {
        case null = "null"
        case bool = "a boolean"
        case integer = "an integer"
        case double = "a number"
        case string = "a string"
        case array = "an array"
        case object = "an object"
        /// Not a value: the input is malformed here.
        case invalid = "invalid JSON"
    }

    /// The value's type, without consuming it.
    var kind: Kind {
        var raw = raw
        var type = MBJSON_TYPE_NULL
        guard mbjson_type_of(&raw, &type) == MBJSON_OK else { return .invalid }
        return Self.kind(of: type)
    }

    static func kind(of type: mbjson_type) -> Kind {
        switch type {
        case MBJSON_TYPE_BOOL: .bool
        case MBJSON_TYPE_INTEGER: .integer
        case MBJSON_TYPE_DOUBLE: .double
        case MBJSON_TYPE_STRING: .string
        case MBJSON_TYPE_ARRAY: .array
        case MBJSON_TYPE_OBJECT: .object
        default: .null
        }
    }

    var isObject: Bool { kind == .object }
    var isArray: Bool { kind == .array }

    /// Whether the value is `null`, consuming it if so.
    func isNull() throws -> Bool {
        var raw = raw
        var out: Int32 = 0
        let status = mbjson_is_null(&raw, &out)
        guard status == MBJSON_OK else { throw failure(status, expected: "null") }
        return out != 0
    }

    // MARK: - Scalars

    /// A number as a `Double`; integers are converted.
    func double() throws -> Double {
        var raw = raw
        var out = 0.0
        let status = mbjson_get_double(&raw, &out)
        guard status == MBJSON_OK else { throw failure(status, expected: "a number") }
        return out
    }

    /// An integer as an `Int`; a number with a fraction is accepted when it is integral (`3.0`) and
    /// exactly representable (below 2^53 in magnitude), as Python's `json` would load it for a dict key.
    func int() throws -> Int {
        var raw = raw
        var out: Int64 = 0
        let status = mbjson_get_int64(&raw, &out)
        switch status {
        case MBJSON_OK:
            return Int(out)
        case MBJSON_ERR_RANGE:
            throw JSONValueError("integer out of range")
        case MBJSON_ERR_TYPE where kind == .double:
            let number = try double()
            guard number.rounded(.towardZero) == number, abs(number) <= 9_007_199_254_740_992 else {
                throw JSONValueError("expected an integer, found a number with a fraction")
            }
            return Int(number)
        default:
            throw failure(status, expected: "an integer")
        }
    }

    /// A string (simdjson has validated its UTF-8).
    func string() throws -> String {
        var raw = raw
        var bytes: UnsafePointer<CChar>?
        var count = 0
        let status = mbjson_get_string(&raw, &bytes, &count)
        guard status == MBJSON_OK else { throw failure(status, expected: "a string") }
        guard let bytes, count > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: UnsafeRawPointer(bytes), count: count), as: UTF8.self)
    }

    /// A boolean; with `acceptingIntegers`, also 0 and 1 (COCO's `iscrowd` is written both ways).
    func bool(acceptingIntegers: Bool = false) throws -> Bool {
        var raw = raw
        var out: Int32 = 0
        let status = mbjson_get_bool(&raw, &out)
        if status == MBJSON_OK { return out != 0 }
        let expected = acceptingIntegers ? "true, false, 0 or 1" : "true or false"
        guard status == MBJSON_ERR_TYPE, acceptingIntegers, kind == .integer else {
            throw failure(status, expected: expected)
        }
        let value = try int()
        guard value == 0 || value == 1 else { throw JSONValueError("expected \(expected), found \(value)") }
        return value == 1
    }

    // MARK: - Containers

    /// The elements of an array, in order.
    func elements() throws -> JSONArrayElements {
        var raw = raw
        var iterator = mbjson_array_iter()
        let status = mbjson_array_begin(&raw, &iterator)
        guard status == MBJSON_OK else { throw failure(status, expected: "an array") }
        return JSONArrayElements(start: iterator)
    }

    /// The members of an object, in file order, keys as raw UTF-8 bytes.
    func members() throws -> JSONObjectMembers {
        var raw = raw
        var iterator = mbjson_object_iter()
        let status = mbjson_object_begin(&raw, &iterator)
        guard status == MBJSON_OK else { throw failure(status, expected: "an object") }
        return JSONObjectMembers(start: iterator)
    }

    /// An array of exactly four numbers (a COCO `bbox` or MaskBench `box`: `[x, y, width, height]`).
    func fourNumbers() throws -> (Double, Double, Double, Double) {
        var raw = raw
        var numbers = (0.0, 0.0, 0.0, 0.0)
        var count = 0
        var found = MBJSON_TYPE_NULL
        let status = withUnsafeMutableBytes(of: &numbers) { buffer in
            mbjson_get_doubles(&raw, buffer.baseAddress?.assumingMemoryBound(to: Double.self), 4, &count, &found)
        }
        switch status {
        case MBJSON_OK:
            guard count == 4 else { throw JSONValueError("expected 4 numbers [x, y, width, height], found \(count)") }
            return numbers
        case MBJSON_ERR_TYPE where count == Int.max || count < 0:
            throw JSONValueError("expected an array of 4 numbers, found \(Self.kind(of: found).rawValue)")
        case MBJSON_ERR_TYPE:
            throw JSONValueError(
                path: [.index(count)],
                "element \(count): expected a number, found \(Self.kind(of: found).rawValue)"
            )
        default:
            throw failure(status, expected: "an array of 4 numbers")
        }
    }

    /// Runs `read` on this value (the value of member `key`), naming `key` in any ``JSONValueError``'s
    /// message and path.
    func field<T>(_ key: StaticString, _ read: (JSONValue) throws -> T) throws -> T {
        do {
            return try read(self)
        } catch var error as JSONValueError {
            error.path.insert(.key("\(key)"), at: 0)
            error.message = "field '\(key)': \(error.message)"
            throw error
        }
    }

    /// Like ``field(_:_:)``, but `null` reads as `nil`.
    func optionalField<T>(_ key: StaticString, _ read: (JSONValue) throws -> T) throws -> T? {
        if try isNull() { return nil }
        return try field(key, read)
    }

    // MARK: - Helpers

    /// The error for a failed getter: a type mismatch names both types; anything else is invalid JSON.
    private func failure(_ status: mbjson_status, expected: String) -> any Error {
        switch status {
        case MBJSON_ERR_TYPE:
            return JSONValueError("expected \(expected), found \(kind.rawValue)")
        case MBJSON_ERR_RANGE:
            return JSONValueError("number out of range, expected \(expected)")
        case MBJSON_ERR_PARSE:
            return JSONSyntaxError(detail: String(cString: mbjson_last_error_message()))
        default:
            return JSONSyntaxError(detail: String(cString: mbjson_status_message(status)))
        }
    }
}

/// Iterates the elements of a JSON array (a forward-only view into the document, like ``JSONValue``).
struct JSONArrayElements {
    private var iterator: mbjson_array_iter

    init(start: mbjson_array_iter) {
        iterator = start
    }

    /// The next element, skipping what was left unread of the previous one; `nil` past the last.
    mutating func next() throws -> JSONValue? {
        var out = mbjson_value()
        var has: Int32 = 0
        let status = mbjson_array_next(&iterator, &out, &has)
        guard status == MBJSON_OK else { throw JSONSyntaxError(detail: String(cString: mbjson_last_error_message())) }
        return has != 0 ? JSONValue(raw: out) : nil
    }
}

/// Iterates the members of a JSON object in file order (a forward-only view, like ``JSONValue``).
struct JSONObjectMembers {
    private var iterator: mbjson_object_iter

    init(start: mbjson_object_iter) {
        iterator = start
    }

    /// The next key, as unescaped UTF-8 bytes valid until the next parse, and its value; `nil` past the last.
    mutating func next() throws -> (key: UnsafeRawBufferPointer, value: JSONValue)? {
        var key: UnsafePointer<CChar>?
        var length = 0
        var out = mbjson_value()
        var has: Int32 = 0
        let status = mbjson_object_next(&iterator, &key, &length, &out, &has)
        guard status == MBJSON_OK else { throw JSONSyntaxError(detail: String(cString: mbjson_last_error_message())) }
        guard has != 0 else { return nil }
        return (UnsafeRawBufferPointer(start: key.map { UnsafeRawPointer($0) }, count: length), JSONValue(raw: out))
    }
}

extension UnsafeRawBufferPointer {
    /// Whether these bytes are exactly the UTF-8 of `name` (for matching object keys without a `String`).
    func spells(_ name: StaticString) -> Bool {
        guard count == name.utf8CodeUnitCount else { return false }
        let expected = name.utf8Start
        for i in 0..<count where self[i] != expected[i] { return false }
        return true
    }
}

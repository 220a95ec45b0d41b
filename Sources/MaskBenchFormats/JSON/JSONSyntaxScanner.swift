/// A small JSON (RFC 8259) scanner for the error path: where is the first syntax error, where does a
/// value start, which line and column is a byte offset.
///
/// simdjson reports *that* a document is invalid but not *where*; this scanner walks the bytes once to
/// find the first offending byte, with a reason a person can act on. It is only run after simdjson has
/// failed (or to locate a record a reader rejected), so it favours clarity over speed, though it is still
/// linear and non-recursive (an explicit stack, so deeply nested input cannot overflow the call stack).
enum JSONSyntaxScanner {
    /// The first syntax error: its byte offset and what was wrong.
    struct Problem: Equatable {
        var offset: Int
        var reason: String
    }

    /// simdjson's default nesting limit; deeper input is rejected there, so it is reported here too.
    static let maximumDepth = 1024

    // MARK: - Validation

    /// The first syntax error in `bytes`, or `nil` when the scanner finds none.
    ///
    /// Checks structure, strings (escapes, control characters, UTF-8), numbers (grammar, integers beyond
    /// 64 bits, doubles beyond the finite range) and literals, as simdjson does. A UTF-8 byte-order mark
    /// at the start is skipped.
    static func firstError(in bytes: UnsafeRawBufferPointer) -> Problem? {
        var scanner = Cursor(bytes: bytes)
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { scanner.index = 3 }
        return scanner.validateDocument()
    }

    // MARK: - Locating a value

    /// The byte offset where the value at `path` starts, in a document already known to be valid JSON.
    ///
    /// When a key repeats, the first occurrence is used, as simdjson's lookup does.
    static func offset(of path: [JSONPathComponent], in bytes: UnsafeRawBufferPointer) -> Int? {
        var cursor = Cursor(bytes: bytes)
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { cursor.index = 3 }
        cursor.skipWhitespace()
        for component in path {
            switch component {
            case .key(let key):
                guard cursor.peek == UInt8(ascii: "{") else { return nil }
                cursor.index += 1
                let wanted = Array(key.utf8)
                var found = false
                while !found {
                    cursor.skipWhitespace()
                    guard cursor.peek == UInt8(ascii: "\"") else { return nil }
                    let keyStart = cursor.index + 1
                    guard cursor.skipString() else { return nil }
                    let keyBytes = UnsafeRawBufferPointer(rebasing: bytes[keyStart..<(cursor.index - 1)])
                    cursor.skipWhitespace()
                    guard cursor.peek == UInt8(ascii: ":") else { return nil }
                    cursor.index += 1
                    cursor.skipWhitespace()
                    if keyBytes.elementsEqual(wanted) {
                        found = true
                    } else {
                        guard cursor.skipValue() else { return nil }
                        cursor.skipWhitespace()
                        guard cursor.peek == UInt8(ascii: ",") else { return nil }
                        cursor.index += 1
                    }
                }
            case .index(let wanted):
                guard cursor.peek == UInt8(ascii: "[") else { return nil }
                cursor.index += 1
                cursor.skipWhitespace()
                guard cursor.peek != UInt8(ascii: "]") else { return nil }
                for _ in 0..<wanted {
                    guard cursor.skipValue() else { return nil }
                    cursor.skipWhitespace()
                    guard cursor.peek == UInt8(ascii: ",") else { return nil }
                    cursor.index += 1
                    cursor.skipWhitespace()
                }
            }
        }
        return cursor.index < bytes.count ? cursor.index : nil
    }

    /// The 1-based line and column of byte `offset`; the column counts characters (UTF-8 sequences), not
    /// bytes, and a tab counts as one.
    static func lineAndColumn(of offset: Int, in bytes: UnsafeRawBufferPointer) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        let end = min(offset, bytes.count)
        var i = 0
        while i < end {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return (line, column)
    }

    // MARK: - Cursor

    private struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        init(bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
        }

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        /// Skips a string starting at `index` (its opening quote); `false` when unterminated.
        mutating func skipString() -> Bool {
            index += 1
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    index += 1
                    return true
                case UInt8(ascii: "\\"):
                    index += 2
                default:
                    index += 1
                }
            }
            return false
        }

        /// Skips one value of a valid document.
        mutating func skipValue() -> Bool {
            guard let first = peek else { return false }
            switch first {
            case UInt8(ascii: "\""):
                return skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while index < bytes.count {
                    switch bytes[index] {
                    case UInt8(ascii: "\""):
                        guard skipString() else { return false }
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 {
                            index += 1
                            return true
                        }
                    default:
                        break
                    }
                    index += 1
                }
                return false
            default:
                while index < bytes.count {
                    switch bytes[index] {
                    case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), 0x20, 0x09, 0x0A, 0x0D:
                        return true
                    default:
                        index += 1
                    }
                }
                return true
            }
        }

        // MARK: Validation

        private enum Container {
            case object
            case array
        }

        mutating func validateDocument() -> Problem? {
            var stack: [Container] = []
            // Each turn of this loop reads one value, then closes containers and reads separators.
            while true {
                skipWhitespace()
                guard let byte = peek else {
                    return Problem(offset: index, reason: "unexpected end of input, expected a value")
                }
                switch byte {
                case UInt8(ascii: "{"):
                    index += 1
                    skipWhitespace()
                    if peek == UInt8(ascii: "}") {
                        index += 1
                    } else {
                        guard stack.count < JSONSyntaxScanner.maximumDepth else {
                            return Problem(
                                offset: index - 1,
                                reason: "nesting deeper than \(JSONSyntaxScanner.maximumDepth) levels")
                        }
                        stack.append(.object)
                        if let problem = validateKeyAndColon() { return problem }
                        continue
                    }
                case UInt8(ascii: "["):
                    index += 1
                    skipWhitespace()
                    if peek == UInt8(ascii: "]") {
                        index += 1
                    } else {
                        guard stack.count < JSONSyntaxScanner.maximumDepth else {
                            return Problem(
                                offset: index - 1,
                                reason: "nesting deeper than \(JSONSyntaxScanner.maximumDepth) levels")
                        }
                        stack.append(.array)
                        continue
                    }
                case UInt8(ascii: "\""):
                    if let problem = validateString() { return problem }
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    if let problem = validateNumber() { return problem }
                case UInt8(ascii: "t"):
                    if let problem = validateLiteral("true") { return problem }
                case UInt8(ascii: "f"):
                    if let problem = validateLiteral("false") { return problem }
                case UInt8(ascii: "n"):
                    if let problem = validateLiteral("null") { return problem }
                default:
                    return Problem(offset: index, reason: "unexpected \(describe(byte)), expected a value")
                }
                // After a value: close containers, or find the separator before the next value.
                while true {
                    skipWhitespace()
                    guard let container = stack.last else {
                        guard let extra = peek else { return nil }
                        return Problem(
                            offset: index, reason: "unexpected \(describe(extra)) after the end of the JSON value")
                    }
                    guard let next = peek else {
                        let closer = container == .object ? "'}'" : "']'"
                        return Problem(offset: index, reason: "unexpected end of input, expected ',' or \(closer)")
                    }
                    if next == UInt8(ascii: ",") {
                        index += 1
                        if container == .object, let problem = validateKeyAndColon() { return problem }
                        break
                    }
                    if (container == .object && next == UInt8(ascii: "}"))
                        || (container == .array && next == UInt8(ascii: "]"))
                    {
                        index += 1
                        stack.removeLast()
                        continue
                    }
                    let closer = container == .object ? "'}'" : "']'"
                    return Problem(offset: index, reason: "unexpected \(describe(next)), expected ',' or \(closer)")
                }
            }
        }

        private mutating func validateKeyAndColon() -> Problem? {
            skipWhitespace()
            guard let byte = peek else {
                return Problem(offset: index, reason: "unexpected end of input, expected a string key")
            }
            guard byte == UInt8(ascii: "\"") else {
                return Problem(
                    offset: index, reason: "unexpected \(describe(byte)), expected a string key in double quotes")
            }
            if let problem = validateString() { return problem }
            skipWhitespace()
            guard let colon = peek else {
                return Problem(offset: index, reason: "unexpected end of input, expected ':'")
            }
            guard colon == UInt8(ascii: ":") else {
                return Problem(offset: index, reason: "unexpected \(describe(colon)), expected ':' after the key")
            }
            index += 1
            return nil
        }

        private mutating func validateString() -> Problem? {
            let start = index
            index += 1
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    return nil
                case UInt8(ascii: "\\"):
                    guard index + 1 < bytes.count else {
                        return Problem(offset: start, reason: "unterminated string")
                    }
                    let escaped = bytes[index + 1]
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                        UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        index += 2
                    case UInt8(ascii: "u"):
                        for k in 2..<6 {
                            guard index + k < bytes.count, Self.isHexDigit(bytes[index + k]) else {
                                return Problem(
                                    offset: index, reason: "invalid \\u escape in a string (needs 4 hex digits)")
                            }
                        }
                        index += 6
                    default:
                        return Problem(offset: index, reason: "invalid escape '\\\(describeRaw(escaped))' in a string")
                    }
                case 0x00..<0x20:
                    return Problem(offset: index, reason: "control character \(describe(byte)) in a string (escape it)")
                case 0x80...:
                    guard let length = utf8SequenceLength(at: index) else {
                        return Problem(offset: index, reason: "invalid UTF-8 in a string")
                    }
                    index += length
                default:
                    index += 1
                }
            }
            return Problem(offset: start, reason: "unterminated string")
        }

        /// The length of the valid UTF-8 sequence at `at`, or `nil` (overlong forms and surrogates rejected).
        private func utf8SequenceLength(at start: Int) -> Int? {
            let lead = bytes[start]
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                upper = 0x9F
            case 0xF0:
                length = 4
                lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                upper = 0x8F
            default: return nil
            }
            guard start + length <= bytes.count else { return nil }
            let second = bytes[start + 1]
            guard second >= lower, second <= upper else { return nil }
            for k in 2..<length where bytes[start + k] & 0xC0 != 0x80 { return nil }
            return length
        }

        private mutating func validateNumber() -> Problem? {
            let start = index
            var isInteger = true
            if peek == UInt8(ascii: "-") { index += 1 }
            guard let first = peek, Self.isDigit(first) else {
                return Problem(offset: index, reason: "invalid number: expected a digit after '-'")
            }
            if first == UInt8(ascii: "0") {
                index += 1
                if let next = peek, Self.isDigit(next) {
                    return Problem(offset: start, reason: "invalid number: leading zeros are not allowed")
                }
            } else {
                while let digit = peek, Self.isDigit(digit) { index += 1 }
            }
            if peek == UInt8(ascii: ".") {
                isInteger = false
                index += 1
                guard let digit = peek, Self.isDigit(digit) else {
                    return Problem(offset: index, reason: "invalid number: expected a digit after '.'")
                }
                while let digit = peek, Self.isDigit(digit) { index += 1 }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                isInteger = false
                index += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
                guard let digit = peek, Self.isDigit(digit) else {
                    return Problem(offset: index, reason: "invalid number: expected a digit in the exponent")
                }
                while let digit = peek, Self.isDigit(digit) { index += 1 }
            }
            if let next = peek, !Self.endsValue(next) {
                return Problem(offset: index, reason: "unexpected \(describe(next)) in a number")
            }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            if isInteger {
                if Int64(text) == nil && UInt64(text) == nil {
                    return Problem(offset: start, reason: "integer \(text) does not fit in 64 bits")
                }
            } else if let value = Double(text), !value.isFinite {
                return Problem(offset: start, reason: "number \(text) is out of the range of a double")
            }
            return nil
        }

        private mutating func validateLiteral(_ word: StaticString) -> Problem? {
            let start = index
            var matched = true
            word.withUTF8Buffer { expected in
                for (k, byte) in expected.enumerated() {
                    guard start + k < bytes.count, bytes[start + k] == byte else {
                        matched = false
                        return
                    }
                }
            }
            guard matched else {
                return Problem(
                    offset: start, reason: "invalid literal, expected '\(word)' (strings need double quotes)")
            }
            index += word.utf8CodeUnitCount
            if let next = peek, !Self.endsValue(next) {
                return Problem(
                    offset: start, reason: "invalid literal, expected '\(word)' (strings need double quotes)")
            }
            return nil
        }

        private static func isDigit(_ byte: UInt8) -> Bool {
            byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        }

        private static func isHexDigit(_ byte: UInt8) -> Bool {
            isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
        }

        private static func endsValue(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), 0x20, 0x09, 0x0A, 0x0D: true
            default: false
            }
        }

        private func describe(_ byte: UInt8) -> String {
            switch byte {
            case 0x0A: "line break"
            case 0x0D: "carriage return"
            case 0x09: "tab"
            case 0x20..<0x7F: "'\(describeRaw(byte))'"
            default: "byte 0x\(String(byte, radix: 16, uppercase: true))"
            }
        }

        private func describeRaw(_ byte: UInt8) -> String {
            (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\x\(String(byte, radix: 16))"
        }
    }
}

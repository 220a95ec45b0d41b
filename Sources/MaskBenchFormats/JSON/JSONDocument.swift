internal import CMaskBenchJSON
import MaskBenchFiles

/// A JSON input read with simdjson On-Demand: owns the parser, its index and the input bytes.
///
/// Reading is fast (a 41 MB COCO results file in about 0.2 s, with half the memory of a DOM parse) and
/// values are forward-only views (``JSONValue``) that hold no reference to their document: read them
/// inside ``withRoot(_:)``, which keeps the document alive for the closure, and copy out what you keep.
///
/// Errors name the file, line and column. simdjson reports *that* the input is invalid but not *where*, so
/// on any failure the input is re-scanned by ``JSONSyntaxScanner`` (only on the error path): when it finds
/// a syntax error, that is the error reported, whatever the reader was doing when it tripped over it.
/// Values a reader never looks at are skipped without validation (On-Demand parses only what is read).
final class JSONDocument {
    /// The file as the user named it (or a label such as `<test>`), used in error messages.
    let source: String
    /// For one line of a JSON Lines file: the line number errors report (their column is the line's own).
    var reportedLine: Int?
    /// The C document; only the JSON layer's files use it.
    let handle: OpaquePointer

    /// A document holding no input yet, for ``parse(_:)``.
    ///
    /// - Throws: ``FormatError`` naming `source` when out of memory.
    init(source: String) throws {
        guard let handle = mbjson_document_create() else {
            throw FormatError(file: source, "out of memory creating a JSON parser")
        }
        self.source = source
        self.handle = handle
    }

    /// Reads the file at `path` and indexes it.
    ///
    /// - Parameter path: the file, also used in error messages.
    /// - Throws: ``FormatError`` when the file cannot be read or is not valid JSON (with line and column).
    ///   The corresponding C function is `mbjson_document_parse_file`.
    init(contentsOfFile path: String) throws {
        guard let handle = mbjson_document_create() else {
            throw FormatError(file: path, "out of memory creating a JSON parser")
        }
        self.source = path
        self.handle = handle
        var message = [CChar](repeating: 0, count: 512)
        let status = mbjson_document_parse_file(handle, path, &message, message.count)
        guard status == MBJSON_OK else { throw parseError(status: status, message: message, function: "read") }
    }

    /// Copies `bytes` and indexes them.
    ///
    /// - Parameters:
    ///   - bytes: the JSON text.
    ///   - source: what to call the input in error messages.
    /// - Throws: ``FormatError`` when the bytes are not valid JSON. The corresponding C function is
    ///   `mbjson_document_parse_buffer`.
    convenience init(bytes: UnsafeRawBufferPointer, source: String) throws {
        try self.init(source: source)
        try parse(bytes)
    }

    deinit {
        mbjson_document_destroy(handle)
    }

    /// Replaces the input with a copy of `bytes` (one document reused for many JSON Lines), invalidating
    /// every value read before.
    ///
    /// - Throws: ``FormatError`` when the bytes are not valid JSON. The corresponding C function is
    ///   `mbjson_document_parse_buffer`.
    func parse(_ bytes: UnsafeRawBufferPointer) throws {
        var message = [CChar](repeating: 0, count: 512)
        let status = mbjson_document_parse_buffer(
            handle,
            bytes.baseAddress?.assumingMemoryBound(to: CChar.self),
            bytes.count,
            &message,
            message.count
        )
        guard status == MBJSON_OK else { throw parseError(status: status, message: message, function: "parse") }
    }

    /// Calls `body` with the root value (an array or an object), keeping the document alive until it
    /// returns, then checks that nothing but whitespace follows the root.
    ///
    /// Values must not escape `body`. When `body` throws, or the root is followed by more input, and the
    /// input has a syntax error, the syntax error is thrown instead (a ``FormatError`` with line and
    /// column); ``JSONSyntaxError`` never leaves this method.
    func withRoot<Result>(_ body: (JSONValue) throws -> Result) throws -> Result {
        try withExtendedLifetime(self) {
            var raw = mbjson_value()
            var type = MBJSON_TYPE_NULL
            let status = mbjson_document_root(handle, &raw, &type)
            switch status {
            case MBJSON_OK:
                break
            case MBJSON_ERR_TYPE:
                throw syntaxErrorOrNil()
                    ?? error(at: [], "expected an object or an array, found \(JSONValue.kind(of: type).rawValue)")
            default:
                throw syntaxErrorOrNil()
                    ?? FormatError(
                        file: source, line: reportedLine,
                        "invalid JSON: \(String(cString: mbjson_last_error_message()))")
            }
            let result = try reportingSyntaxErrors { try body(JSONValue(raw: raw)) }
            if mbjson_document_at_end(handle) == 0, let syntax = syntaxErrorOrNil() { throw syntax }
            return result
        }
    }

    /// Runs `body`, reporting its errors as ``withRoot(_:)`` reports those of its closure: when the input has
    /// a syntax error, that error (a ``FormatError`` with line and column) replaces whatever `body` threw.
    ///
    /// For work on values a bulk reader (``plainCOCOResults()``, ``plainCOCODataset()``) copied out, so that
    /// its errors are those the same work inside ``withRoot(_:)`` would give.
    func reportingSyntaxErrors<Result>(_ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch let problem as JSONSyntaxError {
            throw syntaxErrorOrNil()
                ?? FormatError(file: source, line: reportedLine, "invalid JSON: \(problem.detail)")
        } catch {
            throw syntaxErrorOrNil() ?? error
        }
    }

    /// The 1-based line and column where the value at `path` starts, found by re-scanning the input.
    ///
    /// Linear in the input size: meant for the error path only. `nil` when the path does not exist.
    func location(of path: [JSONPathComponent]) -> (line: Int, column: Int)? {
        withSource { bytes in
            guard let offset = JSONSyntaxScanner.offset(of: path, in: bytes) else { return nil }
            let place = JSONSyntaxScanner.lineAndColumn(of: offset, in: bytes)
            return (reportedLine ?? place.line, place.column)
        }
    }

    /// The size of the input in bytes (to size arrays before reading records: each record takes at least a
    /// few dozen bytes, and capacity that is never written costs address space, not memory).
    var byteCount: Int {
        var bytes: UnsafePointer<CChar>?
        var count = 0
        mbjson_document_source(handle, &bytes, &count)
        return count
    }

    /// A ``FormatError`` for a problem with the value at `path`, with its line and column when found.
    func error(at path: [JSONPathComponent], _ message: String) -> FormatError {
        let place = location(of: path)
        return FormatError(file: source, line: place?.line ?? reportedLine, column: place?.column, message)
    }

    // MARK: - Errors

    private func withSource<Result>(_ body: (UnsafeRawBufferPointer) -> Result?) -> Result? {
        var bytes: UnsafePointer<CChar>?
        var count = 0
        mbjson_document_source(handle, &bytes, &count)
        guard let bytes else { return nil }
        return withExtendedLifetime(self) {
            body(UnsafeRawBufferPointer(start: UnsafeRawPointer(bytes), count: count))
        }
    }

    /// The first syntax error in the input, as a ``FormatError`` with line and column, or `nil`.
    private func syntaxErrorOrNil() -> FormatError? {
        withSource { bytes in
            guard let problem = JSONSyntaxScanner.firstError(in: bytes) else { return nil }
            let place = JSONSyntaxScanner.lineAndColumn(of: problem.offset, in: bytes)
            return FormatError(
                file: source, line: reportedLine ?? place.line, column: place.column, "invalid JSON: \(problem.reason)")
        }
    }

    /// The error for a failed parse: for invalid JSON, the scanner's position and reason.
    private func parseError(status: mbjson_status, message: [CChar], function: String) -> FormatError {
        let detail = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        switch status {
        case MBJSON_ERR_PARSE:
            return syntaxErrorOrNil() ?? FormatError(file: source, line: reportedLine, "invalid JSON: \(detail)")
        case MBJSON_ERR_IO:
            return FormatError(file: source, detail)
        default:
            let name = String(cString: mbjson_status_message(status))
            return FormatError(file: source, "cannot \(function) JSON (\(name)): \(detail)")
        }
    }
}

/// Parses many small JSON texts (JSON Lines) with one reused document and buffer.
///
/// Each ``parse(_:line:_:)`` invalidates the values of the previous one.
final class JSONLineParser {
    private let document: JSONDocument

    /// Creates a parser for the lines of `source` (named in error messages).
    ///
    /// - Throws: ``FormatError`` naming `source` when out of memory.
    init(source: String) throws {
        document = try JSONDocument(source: source)
    }

    /// Parses one line and calls `body` with its root value.
    ///
    /// - Parameters:
    ///   - bytes: the line, without its line break.
    ///   - line: the 1-based line number, for error messages (their column is within the line).
    /// - Throws: ``FormatError`` with the line and the column of the first syntax error, or what `body`
    ///   throws. The corresponding C function is `mbjson_document_parse_buffer`.
    func parse<Result>(
        _ bytes: UnsafeRawBufferPointer, line: Int, _ body: (JSONValue) throws -> Result
    ) throws -> Result {
        document.reportedLine = line
        try document.parse(bytes)
        return try document.withRoot(body)
    }
}

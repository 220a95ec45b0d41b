internal import CMaskBenchCSV

/// Owns a libcsv parser and turns the bytes fed to it into ``CSVRecord``s that know their line.
///
/// libcsv reports fields and row ends through C callbacks but not where they are, so the parser is fed one
/// line at a time (a segment ending at `\n` or `\r`) and counts lines between calls. A record's line is
/// the line of its first non-blank byte, so a quoted field spanning lines still reports where the record
/// starts. `\r\n`, `\n` and a lone `\r` each end one line. Options: not strict (a stray quote inside an
/// unquoted field is kept as text, as spreadsheets write it); blank lines produce no record. A field that is
/// not valid UTF-8 is an error at its record's line (never decoded with replacement characters).
///
/// The C functions used are `csv_init`, `csv_parse`, `csv_fini`, `csv_free`, `csv_error` and
/// `csv_strerror`; this class is the only caller.
final class CSVParser {
    /// The file name used in errors.
    let file: String
    /// Records completed since the last ``takeRecords()``.
    private var records: [CSVRecord] = []
    private var fields: [String] = []
    private let parser: UnsafeMutablePointer<csv_parser>
    private var line = 1
    private var recordLine = 1
    private var inRecord = false
    private var previousByteWasCR = false
    private var atStartOfInput = true
    /// The longest record accepted, in bytes (``ReadLimits/maxLineBytes``).
    private let maxRecordBytes: Int
    /// Bytes fed since the current record began (reset at each row end and between records).
    private var recordBytes = 0
    /// The line and field number of the first field that is not valid UTF-8, refused after `csv_parse`.
    private var invalidField: (line: Int, field: Int)?

    /// libcsv's internal state numbers (`libcsv.c`): a quoted field still waiting for its closing quote is
    /// `pstate == FIELD_BEGUN` with `quoted` set. Only used to report an unterminated quote at the end.
    private static let fieldBegunState: Int32 = 2

    /// - Parameters:
    ///   - file: The file name used in errors.
    ///   - maxRecordBytes: The longest record accepted: a longer one is an error before it is all buffered.
    /// - Throws: ``FormatError`` when `csv_init` fails.
    init(file: String, maxRecordBytes: Int = ReadLimits.defaults.maxLineBytes) throws {
        self.file = file
        self.maxRecordBytes = maxRecordBytes
        parser = .allocate(capacity: 1)
        guard csv_init(parser, 0) == 0 else {
            parser.deallocate()
            throw FormatError(file: file, "csv_init failed: out of memory")
        }
    }

    deinit {
        csv_free(parser)
        parser.deallocate()
    }

    /// Feeds the next chunk of the file; a UTF-8 byte-order mark at the very start is skipped.
    ///
    /// - Throws: ``FormatError`` at the current line when `csv_parse` stops early (it only does so when out
    ///   of memory: in non-strict mode every byte sequence parses).
    func feed(_ chunk: UnsafeRawBufferPointer) throws {
        var bytes = chunk[...]
        if atStartOfInput, !bytes.isEmpty {
            atStartOfInput = false
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        }
        while !bytes.isEmpty {
            let end = bytes.firstIndex { $0 == 0x0A || $0 == 0x0D }.map { $0 + 1 } ?? bytes.endIndex
            let segment = bytes[bytes.startIndex..<end]
            try parse(UnsafeRawBufferPointer(rebasing: segment))
            bytes = bytes[end...]
        }
    }

    /// Ends the input: completes a last record that has no line break after it.
    ///
    /// - Throws: ``FormatError`` when a quoted field is still open (its record's line is named) or `csv_fini`
    ///   fails.
    func finish() throws {
        if parser.pointee.quoted != 0, parser.pointee.pstate == Self.fieldBegunState {
            throw FormatError(
                file: file, line: recordLine,
                "unterminated quoted field: a '\"' opened in the record starting here is never closed")
        }
        let context = Unmanaged.passUnretained(self).toOpaque()
        guard csv_fini(parser, Self.fieldCallback, Self.rowCallback, context) == 0 else {
            throw FormatError(file: file, line: recordLine, "csv_fini: \(errorMessage())")
        }
    }

    /// The records completed so far, handing them over.
    func takeRecords() -> [CSVRecord] {
        defer { records.removeAll(keepingCapacity: true) }
        return records
    }

    // MARK: - Feeding one line

    private func parse(_ segment: UnsafeRawBufferPointer) throws {
        if !inRecord, segment.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) {
            inRecord = true
            recordLine = line
        }
        if inRecord {
            recordBytes += segment.count
            if recordBytes > maxRecordBytes {
                try ReadLimits(maxLineBytes: maxRecordBytes).checkLine(
                    length: recordBytes, file: file, line: recordLine)
            }
        }
        let context = Unmanaged.passUnretained(self).toOpaque()
        let used = csv_parse(parser, segment.baseAddress, segment.count, Self.fieldCallback, Self.rowCallback, context)
        guard used == segment.count else {
            throw FormatError(file: file, line: line, "csv_parse: \(errorMessage())")
        }
        if let invalidField {
            // Decoded with replacement characters, two different names would become one.
            throw FormatError(
                file: file, line: invalidField.line,
                "field \(invalidField.field) is not valid UTF-8 text; save the file as UTF-8")
        }
        for byte in segment {
            if byte == 0x0D || (byte == 0x0A && !previousByteWasCR) { line += 1 }
            previousByteWasCR = byte == 0x0D
        }
    }

    private func errorMessage() -> String {
        guard let text = csv_strerror(csv_error(parser)) else { return "unknown libcsv error" }
        return String(cString: text)
    }

    // MARK: - C callbacks

    /// `cb1`: one field is complete. `context` is this parser, unretained.
    private static let fieldCallback:
        @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) ->
            Void = { bytes, count, context in
                guard let context else { return }
                let parser = Unmanaged<CSVParser>.fromOpaque(context).takeUnretainedValue()
                let text: String? =
                    bytes.map { String(validating: UnsafeRawBufferPointer(start: $0, count: count), as: UTF8.self) }
                    ?? ""
                if text == nil, parser.invalidField == nil {
                    parser.invalidField = (parser.recordLine, parser.fields.count + 1)
                }
                parser.fields.append(text ?? "")
            }

    /// `cb2`: the row is complete (`terminator` is the byte that ended it, or -1 at `csv_fini`).
    private static let rowCallback: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { _, context in
        guard let context else { return }
        let parser = Unmanaged<CSVParser>.fromOpaque(context).takeUnretainedValue()
        parser.records.append(CSVRecord(fields: parser.fields, line: parser.recordLine))
        parser.fields.removeAll(keepingCapacity: true)
        parser.inRecord = false
        parser.recordBytes = 0
    }
}

import Foundation
import MaskBenchCore

/// Reads CSV files through libcsv, record by record, each record knowing its line.
///
/// Quoting follows RFC 4180 (`"a, ""b"""`), leniently: a stray quote inside an unquoted field is text, spaces
/// around unquoted fields are trimmed, blank lines are skipped, and `\n`, `\r\n` or `\r` end a line. A UTF-8
/// byte-order mark (as Excel writes) is ignored.
public enum CSVReader {
    /// Bytes read from the file per `csv_parse` round.
    static let chunkSize = 64 * 1024

    /// Calls `body` with each record of the file at `path`, in order, streaming the file.
    ///
    /// - Parameters:
    ///   - path: The CSV file.
    ///   - limits: The largest file and the longest record accepted.
    ///   - body: Called once per record; an error it throws stops the reading and is rethrown.
    /// - Throws: ``FormatError`` naming the file (and line) when it cannot be read, its quoting is broken or
    ///   it is over a limit, or whatever `body` throws.
    public static func forEachRecord(
        inFile path: String, limits: ReadLimits = .defaults, _ body: (CSVRecord) throws -> Void
    ) throws {
        let handle = try open(path)
        defer { try? handle.close() }
        try limits.checkFileSize(path)
        let parser = try CSVParser(file: path, maxRecordBytes: limits.maxLineBytes)
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: chunkSize)
            } catch {
                throw FormatError(file: path, "cannot read: \(FileErrorReason.describe(error))")
            }
            guard let chunk, !chunk.isEmpty else { break }
            try chunk.withUnsafeBytes { try parser.feed($0) }
            for record in parser.takeRecords() { try body(record) }
        }
        try parser.finish()
        for record in parser.takeRecords() { try body(record) }
    }

    /// All records of the file at `path`.
    ///
    /// - Throws: ``FormatError`` as ``forEachRecord(inFile:_:)`` does.
    public static func records(inFile path: String) throws -> [CSVRecord] {
        var all: [CSVRecord] = []
        try forEachRecord(inFile: path) { all.append($0) }
        return all
    }

    /// All records of CSV text held in memory.
    ///
    /// - Parameters:
    ///   - text: The CSV text.
    ///   - file: The name used in errors.
    /// - Throws: ``FormatError`` when the quoting is broken.
    public static func records(in text: String, file: String = "<memory>") throws -> [CSVRecord] {
        let parser = try CSVParser(file: file)
        try Array(text.utf8).withUnsafeBytes { try parser.feed($0) }
        try parser.finish()
        return parser.takeRecords()
    }

    /// The first record of the file at `path`, reading no further than needed; `nil` for an empty file.
    ///
    /// - Throws: ``FormatError`` when the file cannot be read.
    package static func firstRecord(inFile path: String) throws -> CSVRecord? {
        var first: CSVRecord?
        do {
            try forEachRecord(inFile: path) { record in
                first = record
                throw FoundFirstRecord()
            }
        } catch is FoundFirstRecord {}
        return first
    }

    /// Thrown by ``firstRecord(inFile:)``'s body to stop after one record.
    private struct FoundFirstRecord: Error {}

    private static func open(_ path: String) throws -> FileHandle {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FormatError(file: path, "cannot read: \(FileErrorReason.describe(errno: ENOENT))")
        }
        guard !isDirectory.boolValue else {
            throw FormatError(
                file: path, "cannot read: \(FileErrorReason.describe(errno: EISDIR)) (expected a CSV file)")
        }
        do {
            return try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        } catch {
            throw FormatError(file: path, "cannot read: \(FileErrorReason.describe(error))")
        }
    }
}

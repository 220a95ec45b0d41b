internal import CMaskBenchCSV
import Foundation
import MaskBenchCore

/// Builds CSV text row by row, quoting through libcsv, and writes it atomically.
///
/// A field is written bare unless it needs quoting (it holds a comma, a quote, a line break, or leading or
/// trailing whitespace that a reader would trim); then libcsv's `csv_write` quotes it and doubles its
/// quotes. Rows end with `\n`. The same rows always give the same bytes.
public struct CSVWriter: Sendable {
    /// The CSV written so far, as UTF-8.
    public private(set) var bytes: [UInt8] = []

    /// Creates an empty writer.
    public init() {}

    /// Appends one row.
    ///
    /// - Parameter fields: The fields, in column order.
    public mutating func appendRow(_ fields: [String]) {
        // A lone empty field would be a blank line, which readers skip.
        if fields == [""] {
            bytes.append(contentsOf: Array("\"\"\n".utf8))
            return
        }
        for (index, field) in fields.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            append(field)
        }
        bytes.append(UInt8(ascii: "\n"))
    }

    /// The CSV written so far, as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Writes the CSV to `path`, replacing the file atomically (a temporary file, then a rename).
    ///
    /// - Throws: ``FormatError`` naming the file when it cannot be written.
    public func write(toFile path: String) throws {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw FormatError(file: path, "cannot write: \(FileErrorReason.describe(error))")
        }
    }

    /// One field as it would be written: bare, or quoted by libcsv when it needs quoting.
    ///
    /// For writers that assemble rows themselves (many rows, few distinct strings).
    public static func encodeField(_ field: String) -> [UInt8] {
        var writer = CSVWriter()
        writer.append(field)
        return writer.bytes
    }

    // MARK: - Quoting

    private mutating func append(_ field: String) {
        let utf8 = Array(field.utf8)
        guard Self.needsQuoting(utf8) else {
            bytes.append(contentsOf: utf8)
            return
        }
        utf8.withUnsafeBytes { source in
            // The first call measures: `csv_write` returns the size it needs whatever room it is given.
            let needed = csv_write(nil, 0, source.baseAddress, source.count)
            var quoted = [UInt8](repeating: 0, count: needed)
            let written = quoted.withUnsafeMutableBytes { destination in
                csv_write(destination.baseAddress, destination.count, source.baseAddress, source.count)
            }
            bytes.append(contentsOf: quoted.prefix(written))
        }
    }

    private static func needsQuoting(_ utf8: [UInt8]) -> Bool {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        if let first = utf8.first, isSpace(first) { return true }
        if let last = utf8.last, isSpace(last) { return true }
        return utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
    }
}

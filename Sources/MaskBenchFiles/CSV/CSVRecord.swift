/// One CSV record: its fields and the line of the file where it starts.
public struct CSVRecord: Sendable, Hashable {
    /// The fields, unquoted, with the spaces and tabs libcsv trims from unquoted fields removed.
    public var fields: [String]
    /// The 1-based line where the record starts; a quoted field may carry it over several lines.
    public var line: Int

    /// Creates a record.
    public init(fields: [String], line: Int) {
        self.fields = fields
        self.line = line
    }

    /// The number of fields.
    public var count: Int { fields.count }

    /// The field at 0-based `index` without leading and trailing whitespace, or `""` past the end.
    public func field(_ index: Int) -> String {
        guard fields.indices.contains(index) else { return "" }
        return String(fields[index].trimmingWhitespace())
    }
}

extension CSVRecord {
    /// The field at 0-based `index` as a finite number.
    ///
    /// - Parameters:
    ///   - index: 0-based field index; errors report it 1-based as the column.
    ///   - name: The column's name, for the message.
    ///   - file: The file, for the message.
    /// - Throws: ``FormatError`` at `file:line:column` when the field is empty, not a number, NaN or infinite.
    package func number(at index: Int, named name: String, file: String) throws -> Double {
        let text = field(index)
        guard let value = Double(text) else {
            let found = text.isEmpty ? "an empty field" : "'\(text)'"
            throw FormatError(
                file: file, line: line, column: index + 1, "expected a number for \(name), found \(found)")
        }
        guard value.isFinite else {
            throw FormatError(
                file: file, line: line, column: index + 1, "expected a finite number for \(name), found '\(text)'")
        }
        return value
    }

    /// The field at 0-based `index` as a finite number that is not negative (a width or height).
    ///
    /// - Throws: ``FormatError`` as ``number(at:named:file:)`` does, and when the value is negative.
    package func size(at index: Int, named name: String, file: String) throws -> Double {
        let value = try number(at: index, named: name, file: file)
        guard value >= 0 else {
            throw FormatError(
                file: file, line: line, column: index + 1, "expected \(name) >= 0, found \(field(index))")
        }
        return value
    }

    /// The field at 0-based `index` as a positive whole number of pixels (an image width or height).
    ///
    /// `400` and `400.0` are accepted; `0`, `-3` and `400.5` are not.
    ///
    /// - Throws: ``FormatError`` at `file:line:column` naming what was expected.
    package func pixelCount(at index: Int, named name: String, file: String) throws -> Int {
        let value = try number(at: index, named: name, file: file)
        guard value >= 1, value.rounded() == value, value <= Double(Int32.max) else {
            throw FormatError(
                file: file, line: line, column: index + 1,
                "expected \(name) to be a whole number of pixels >= 1, found \(field(index))")
        }
        return Int(value)
    }

    /// The field at 0-based `index`, which must not be empty.
    ///
    /// - Throws: ``FormatError`` at `file:line:column` when the field is empty.
    package func text(at index: Int, named name: String, file: String) throws -> String {
        let text = field(index)
        guard !text.isEmpty else {
            throw FormatError(file: file, line: line, column: index + 1, "expected \(name), found an empty field")
        }
        return text
    }

    /// Throws unless the record has exactly `expected.count` fields.
    ///
    /// - Parameter expected: The column names, listed in the message.
    /// - Throws: ``FormatError`` at `file:line` with the count found and the columns expected.
    package func requireFieldCount(_ expected: [String], file: String) throws {
        guard count != expected.count else { return }
        throw FormatError(
            file: file, line: line,
            "expected \(expected.count) fields (\(expected.joined(separator: ","))), found \(count)")
    }

    /// The fields trimmed and lowercased, for matching a header row.
    package var normalizedFields: [String] {
        fields.map { $0.trimmingWhitespace().lowercased() }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line breaks.
    package func trimmingWhitespace() -> SubSequence {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex..<endIndex]
        }
        return self[start...end]
    }
}

import MaskBenchCore
import MaskBenchFiles

/// The header-named columns of one of the tables a run writes (`faces.csv`, `boxes.csv`, `extras.csv`),
/// and their fields read strictly: every problem is a ``MaskBenchFiles/FormatError`` at `file:line:column`.
///
/// Column order is free and extra columns are ignored, so a table written by a newer MaskBench (with more
/// columns) still reads; a required column that is missing is an error naming it.
struct TableReader {
    /// The file, for messages.
    let path: String
    /// The table's name (`faces.csv`), for messages.
    let table: String
    private var index: [String: Int] = [:]

    /// Reads the table at `path`: `row` is called with each record after the header.
    ///
    /// - Throws: ``MaskBenchFiles/FormatError`` for an unreadable or empty file, a header without a
    ///   `required` column, or whatever `row` throws.
    static func forEachRow(
        path: String, table: String, required: [String], limits: ReadLimits = .defaults,
        _ row: (TableReader, CSVRecord) throws -> Void
    ) throws {
        var reader: TableReader?
        try CSVReader.forEachRecord(inFile: path, limits: limits) { record in
            guard let reader else {
                reader = try TableReader(header: record, path: path, table: table, required: required)
                return
            }
            try row(reader, record)
        }
        guard reader != nil else { throw FormatError(file: path, "empty file; expected a \(table) header") }
    }

    private init(header: CSVRecord, path: String, table: String, required: [String]) throws {
        self.path = path
        self.table = table
        for i in header.fields.indices where index[header.field(i)] == nil { index[header.field(i)] = i }
        let missing = required.filter { index[$0] == nil }
        guard missing.isEmpty else {
            throw FormatError(
                file: path, line: header.line,
                "\(table) header lacks \(missing.joined(separator: ", ")); expected \(required.joined(separator: ","))")
        }
    }

    /// Whether the header has column `name`.
    func has(_ name: String) -> Bool { index[name] != nil }

    /// The field of column `name` (`""` when the column or the field is absent).
    func text(_ record: CSVRecord, _ name: String) -> String {
        index[name].map { record.field($0) } ?? ""
    }

    /// An error at column `name` of `record`.
    func error(_ record: CSVRecord, _ name: String, _ message: String) -> FormatError {
        FormatError(file: path, line: record.line, column: index[name].map { $0 + 1 }, message)
    }

    /// The field of column `name`, which must not be empty.
    func required(_ record: CSVRecord, _ name: String) throws -> String {
        let text = text(record, name)
        guard !text.isEmpty else { throw error(record, name, "expected \(name), found an empty field") }
        return text
    }

    /// A finite number, or `nil` for an empty field.
    func number(_ record: CSVRecord, _ name: String) throws -> Double? {
        let text = text(record, name)
        guard !text.isEmpty else { return nil }
        guard let value = Double(text), value.isFinite else {
            throw error(record, name, "expected a number for \(name), found '\(text)'")
        }
        return value
    }

    /// A whole number `>= 0`, or `nil` for an empty field.
    ///
    /// - Parameter expected: what the field holds, for the message (default: a whole number >= 0).
    func count(_ record: CSVRecord, _ name: String, expected: String? = nil) throws -> Int? {
        let text = text(record, name)
        guard !text.isEmpty else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw error(record, name, "expected \(expected ?? "a whole number >= 0 for \(name)"), found '\(text)'")
        }
        return value
    }

    /// `masked`, `unmasked` or `incorrect`, or `nil` for an empty field.
    ///
    /// - Parameter orIgnored: whether `ignored` is also a value of the column (faces.csv's truth), for the
    ///   message.
    func faceClass(_ record: CSVRecord, _ name: String, orIgnored: Bool = false) throws -> FaceClass? {
        let text = text(record, name)
        guard !text.isEmpty else { return nil }
        guard let value = FaceClass(rawValue: text) else {
            let expected = orIgnored ? "masked, unmasked, incorrect or ignored" : "masked, unmasked or incorrect"
            throw error(record, name, "expected \(name) \(expected), found '\(text)'")
        }
        return value
    }

    /// A box from four columns, or `nil` when they are all empty.
    func box(_ record: CSVRecord, _ names: [String]) throws -> Box? {
        let values = try names.map { try number(record, $0) }
        let given = values.compactMap { $0 }
        guard !given.isEmpty else { return nil }
        guard given.count == 4 else {
            let empty = names[values.firstIndex { $0 == nil } ?? 0]
            throw error(record, empty, "expected all of \(names.joined(separator: ", ")) or none, found \(empty) empty")
        }
        return Box(x: given[0], y: given[1], width: given[2], height: given[3])
    }
}

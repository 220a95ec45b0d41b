import MaskBenchCore
import MaskBenchFiles

/// A header row with a misspelled or missing column, told apart from data and from other formats' headers,
/// so the error names the column and the name it most likely meant instead of "cannot tell the format".
enum HeaderCheck {
    /// The error for `record` when it looks like a header of `columns` but is not one: no field is a number,
    /// and at least half of `columns` appear in it (case and spaces aside). `nil` when it is the header, or
    /// does not look like one.
    ///
    /// - Parameter format: the format's name for the message (`makesense.ai`).
    static func misspelled(
        _ record: CSVRecord, columns: [String], format: String, file: String
    ) -> FormatError? {
        let fields = record.normalizedFields
        guard fields != columns, !fields.contains(where: { Double($0) != nil }) else { return nil }
        let known = Set(columns)
        guard fields.filter(known.contains).count * 2 >= columns.count else { return nil }
        let missing = columns.filter { !fields.contains($0) }
        var problems: [String] = []
        var firstColumn: Int?
        var explained: Set<String> = []
        for (index, field) in fields.enumerated() where !known.contains(field) {
            firstColumn = firstColumn ?? index + 1
            let shown = "column \(index + 1) is '\(record.field(index))'"
            if let closest = ClosestName.closest(to: field, in: missing) {
                explained.insert(closest)
                problems.append("\(shown) (did you mean '\(closest)'?)")
            } else if index < columns.count, missing.contains(columns[index]) {
                explained.insert(columns[index])
                problems.append("\(shown) (not a \(format) column; '\(columns[index])' goes there)")
            } else {
                problems.append("\(shown) (not a \(format) column)")
            }
        }
        let unexplained = missing.filter { !explained.contains($0) }
        if !unexplained.isEmpty {
            problems.append("\(unexplained.map { "'\($0)'" }.joined(separator: ", ")) missing")
        }
        if problems.isEmpty {
            // The right names, in another order or repeated.
            problems.append("the columns are out of order")
        }
        return FormatError(
            file: file, line: record.line, column: firstColumn,
            "this looks like a \(format) header, but \(problems.joined(separator: ", ")). Expected "
                + columns.joined(separator: ","))
    }
}

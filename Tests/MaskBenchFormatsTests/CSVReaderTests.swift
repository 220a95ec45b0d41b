import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchFormats
import Testing

@Suite struct CSVReaderTests {
    @Test func recordsKnowTheirLines() throws {
        let records = try CSVReader.records(in: "a,b\n\nc,d\n  \n e , f \n")
        #expect(records.map(\.fields) == [["a", "b"], ["c", "d"], ["e", "f"]])
        #expect(records.map(\.line) == [1, 3, 5])
    }

    @Test func aQuotedFieldSpanningLinesReportsTheLineWhereItsRecordStarts() throws {
        let records = try CSVReader.records(in: "x,y\n\"one\ntwo\nthree\",4\nlast,5")
        #expect(records.map(\.fields) == [["x", "y"], ["one\ntwo\nthree", "4"], ["last", "5"]])
        #expect(records.map(\.line) == [1, 2, 5])
    }

    @Test(arguments: ["\r\n", "\r", "\n"])
    func countsEveryKindOfLineBreak(newline: String) throws {
        let records = try CSVReader.records(in: ["a", "", "b", "c"].joined(separator: newline) + newline)
        #expect(records.map(\.fields) == [["a"], ["b"], ["c"]])
        #expect(records.map(\.line) == [1, 3, 4])
    }

    @Test func unquotesAndSkipsTheByteOrderMark() throws {
        let records = try CSVReader.records(in: "\u{FEFF}name,\"a, \"\"b\"\"\",\"\"\n")
        #expect(records.first?.fields == ["name", "a, \"b\"", ""])
    }

    @Test func anUnterminatedQuoteNamesTheLineOfItsRecord() throws {
        let error = #expect(throws: FormatError.self) {
            try CSVReader.records(in: "a,b\nc,\"d\ne,f\n", file: "x.csv")
        }
        #expect(error?.line == 2)
        #expect(error?.description.hasPrefix("x.csv:2: unterminated quoted field") == true)
    }

    @Test func streamsAFileLargerThanOneChunkWithoutLosingLines() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let rows = (1...5000).map { "row\($0),\"quoted \($0)\",\($0 * 3)" }
        let path = try FormatFixtures.write(
            "h1,h2,h3\n" + rows.joined(separator: "\n") + "\n", to: "big.csv", in: directory)
        var count = 0
        try CSVReader.forEachRecord(inFile: path) { record in
            if count > 0 {
                #expect(record.line == count + 1)
                #expect(record.fields == ["row\(count)", "quoted \(count)", "\(count * 3)"])
            }
            count += 1
        }
        #expect(count == 5001)
    }

    @Test func aMissingFileIsAFormatErrorNamingIt() {
        let error = #expect(throws: FormatError.self) { try CSVReader.records(inFile: "/nonexistent/gt.csv") }
        #expect(error?.description == "/nonexistent/gt.csv: cannot read: no such file or directory")
    }
}

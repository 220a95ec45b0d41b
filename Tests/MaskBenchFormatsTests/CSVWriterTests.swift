import MaskBenchFiles
import MaskBenchFormats
import Testing

@Suite struct CSVWriterTests {
    @Test func quotesOnlyFieldsThatNeedIt() {
        var writer = CSVWriter()
        writer.appendRow(["plain", "a,b", "say \"hi\"", " padded", "two\nlines", ""])
        #expect(writer.text == "plain,\"a,b\",\"say \"\"hi\"\"\",\" padded\",\"two\nlines\",\n")
    }

    @Test func hostileFieldsRoundTripThroughTheReader() throws {
        let rows = [["=cmd|' /C calc'!A0", "\"", ",,,", "\r\n", "naïve 😷", " \t "], ["", "x", "", "", "", ""], [""]]
        var writer = CSVWriter()
        for row in rows { writer.appendRow(row) }
        let read = try CSVReader.records(in: writer.text)
        #expect(read.map(\.fields) == rows)
    }
}

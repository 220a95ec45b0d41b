import Foundation
import MaskBenchCore
import MaskBenchFiles
import Testing

@testable import MaskBenchFormats

/// The simdjson wrapper (CMaskBenchJSON + JSONDocument/JSONValue) and the error-path scanner.
@Suite struct JSONDocumentTests {
    private static func document(_ text: String) throws -> JSONDocument {
        var text = text
        return try text.withUTF8 { try JSONDocument(bytes: UnsafeRawBufferPointer($0), source: "<test>") }
    }

    /// The error of parsing and reading `text` completely (On-Demand finds some errors only when reading).
    private static func parseError(_ text: String) -> FormatError? {
        do {
            let doc = try document(text)
            _ = try doc.withRoot { try Plain($0) }
            return nil
        } catch {
            return error as? FormatError
        }
    }

    // MARK: - Values

    /// A JSON value read out completely, in document order (the cursor is forward-only).
    private indirect enum Plain: Equatable {
        case null
        case bool(Bool)
        case int(Int)
        case double(Double)
        case string(String)
        case array([Plain])
        case object([String], [Plain])

        init(_ value: JSONValue) throws {
            switch value.kind {
            case .null:
                _ = try value.isNull()
                self = .null
            case .bool: self = .bool(try value.bool())
            case .integer: self = .int(try value.int())
            case .double: self = .double(try value.double())
            case .string: self = .string(try value.string())
            case .array:
                var items: [Plain] = []
                var elements = try value.elements()
                while let element = try elements.next() { items.append(try Plain(element)) }
                self = .array(items)
            case .object:
                var keys: [String] = []
                var values: [Plain] = []
                var members = try value.members()
                while let (key, member) = try members.next() {
                    keys.append(String(decoding: key, as: UTF8.self))
                    values.append(try Plain(member))
                }
                self = .object(keys, values)
            case .invalid:
                throw JSONSyntaxError(detail: "invalid")
            }
        }
    }

    /// Calls `body` with each member of the root object, in order.
    private static func eachMember(_ doc: JSONDocument, _ body: (String, JSONValue) throws -> Void) throws {
        try doc.withRoot { (root: JSONValue) throws in
            var members = try root.members()
            while let (key, value) = try members.next() { try body(String(decoding: key, as: UTF8.self), value) }
        }
    }

    @Test func readsScalarsArraysAndObjects() throws {
        let doc = try Self.document(
            #"{"i": -42, "d": 0.25, "s": "h\u00e9\n", "b": true, "n": null, "a": [1, 2.5, "x", [], {}], "o": {"k": false}}"#
        )
        let plain = try doc.withRoot { try Plain($0) }
        #expect(
            plain
                == .object(
                    ["i", "d", "s", "b", "n", "a", "o"],
                    [
                        .int(-42), .double(0.25), .string("hé\n"), .bool(true), .null,
                        .array([.int(1), .double(2.5), .string("x"), .array([]), .object([], [])]),
                        .object(["k"], [.bool(false)]),
                    ]
                ))
    }

    @Test func numbersReadAsTheTypeAsked() throws {
        let doc = try Self.document(
            #"{"i": -42, "u": 18446744073709551615, "id": 3.0, "bad": 3.5, "crowd": 1, "two": 2}"#)
        try Self.eachMember(doc) { (key: String, value: JSONValue) throws in
            switch key {
            case "i": #expect(try value.double() == -42)
            case "u":
                #expect(throws: JSONValueError.self) { try value.int() }
                #expect(try value.double() == 0x1p64)
            case "id": #expect(try value.int() == 3)
            case "bad": #expect(throws: JSONValueError.self) { try value.int() }
            case "crowd": #expect(try value.bool(acceptingIntegers: true))
            default:
                let error = #expect(throws: JSONValueError.self) { try value.bool(acceptingIntegers: true) }
                #expect(error?.message == "expected true, false, 0 or 1, found 2")
            }
        }
    }

    @Test func getterErrorsNameTheFieldAndTheTypes() throws {
        let doc = try Self.document(#"{"score": "high", "bbox": [1, 2, "3", 4], "short": [1, 2], "flat": 7}"#)
        try Self.eachMember(doc) { (key: String, value: JSONValue) throws in
            switch key {
            case "score":
                let error = #expect(throws: JSONValueError.self) { try value.field("score") { try $0.double() } }
                #expect(error?.message == "field 'score': expected a number, found a string")
                #expect(error?.path == [.key("score")])
            case "bbox":
                let error = #expect(throws: JSONValueError.self) { try value.field("bbox") { try $0.fourNumbers() } }
                #expect(error?.message == "field 'bbox': element 2: expected a number, found a string")
                #expect(error?.path == [.key("bbox"), .index(2)])
            case "short":
                let error = #expect(throws: JSONValueError.self) { try value.fourNumbers() }
                #expect(error?.message == "expected 4 numbers [x, y, width, height], found 2")
            default:
                let error = #expect(throws: JSONValueError.self) { try value.fourNumbers() }
                #expect(error?.message == "expected an array of 4 numbers, found an integer")
            }
        }
    }

    @Test func skippedValuesCostNothingAndRepeatedKeysAreAllSeen() throws {
        let doc = try Self.document(#"{"skip": {"deep": [[1, 2], {"x": "y"}]}, "k": 1, "k": 2}"#)
        var seen: [Int] = []
        try Self.eachMember(doc) { (key: String, value: JSONValue) throws in
            if key == "k" { seen.append(try value.int()) }
        }
        #expect(seen == [1, 2])
    }

    @Test func scalarRootIsAnError() throws {
        let doc = try Self.document("42")
        let error = #expect(throws: FormatError.self) { try doc.withRoot { _ in } }
        #expect(error?.message == "expected an object or an array, found a number")
    }

    @Test func syntaxErrorMetWhileReadingIsReportedWithItsPlace() throws {
        // On-Demand finds this only when the cursor gets there; the scanner then says where.
        let doc = try Self.document("{\"a\": [1, 2,],\n \"b\": 1}")
        let error = #expect(throws: FormatError.self) { try doc.withRoot { try Plain($0) } }
        #expect(error?.description == "<test>:1:13: invalid JSON: unexpected ']', expected a value")
    }

    @Test func keysAreMatchedByBytes() {
        let key = Array("bbox".utf8)
        key.withUnsafeBytes { bytes in
            #expect(bytes.spells("bbox"))
            #expect(!bytes.spells("box"))
            #expect(!bytes.spells("bboy"))
        }
    }

    // MARK: - Errors with line and column

    @Test(arguments: [
        ("{\n  \"a\": [1, 2,]\n}", 2, 14, "unexpected ']', expected a value"),
        ("{\"a\" 1}", 1, 6, "unexpected '1', expected ':' after the key"),
        ("[1, 2", 1, 6, "unexpected end of input, expected ',' or ']'"),
        ("{\"a\": \"open}", 1, 7, "unterminated string"),
        ("[tru]", 1, 2, "invalid literal, expected 'true' (strings need double quotes)"),
        ("[01]", 1, 2, "invalid number: leading zeros are not allowed"),
        ("", 1, 1, "unexpected end of input, expected a value"),
        ("{} x", 1, 4, "unexpected 'x' after the end of the JSON value"),
        ("{'a': 1}", 1, 2, "unexpected ''', expected a string key in double quotes"),
        ("[\"é\", 1e999]", 1, 7, "number 1e999 is out of the range of a double"),
        ("[99999999999999999999999]", 1, 2, "integer 99999999999999999999999 does not fit in 64 bits"),
    ])
    func syntaxErrorsNameLineAndColumn(text: String, line: Int, column: Int, reason: String) throws {
        let error = try #require(Self.parseError(text))
        #expect(error.file == "<test>")
        #expect(error.line == line)
        #expect(error.column == column)
        #expect(error.message == "invalid JSON: \(reason)")
    }

    @Test func scannerAcceptsWhatSimdjsonAccepts() throws {
        let valid = #"  {"a": [1, -0.5e+3, true, false, null, "\u00e9\"\\\/\b\f\n\r\t", {}, []], "b": {"c": [[]]}}  "#
        var text = valid
        let problem = text.withUTF8 { JSONSyntaxScanner.firstError(in: UnsafeRawBufferPointer($0)) }
        #expect(problem == nil)
        _ = try Self.document(valid)
    }

    @Test func invalidUTF8IsReportedWhereItIs() throws {
        var bytes = Array("[\"ok\", \"b".utf8)
        bytes.append(0xFF)
        bytes.append(contentsOf: Array("\"]".utf8))
        let error = bytes.withUnsafeBytes { raw -> FormatError? in
            do {
                _ = try JSONDocument(bytes: raw, source: "<bytes>")
                return nil
            } catch {
                return error as? FormatError
            }
        }
        #expect(error?.line == 1)
        #expect(error?.column == 10)
        #expect(error?.message == "invalid JSON: invalid UTF-8 in a string")
    }

    @Test func locatesAValueByPath() throws {
        let text =
            "{\n \"skip\": {\"x\": [1, {\"y\": 2}]},\n \"list\": [\n  {\"id\": 1},\n  {\"id\": 2, \"bbox\": [0, 0, 1]}\n ]\n}"
        let doc = try Self.document(text)
        let place = doc.location(of: [.key("list"), .index(1), .key("bbox")])
        #expect(place?.line == 5)
        #expect(place?.column == 21)
        #expect(doc.location(of: [.key("list"), .index(2)]) == nil)
        #expect(doc.location(of: [.key("nope")]) == nil)
    }

    // MARK: - Files

    @Test func missingFileIsAnErrorNamingIt() {
        let error = #expect(throws: FormatError.self) { try JSONDocument(contentsOfFile: "/nonexistent/gt.json") }
        #expect(error?.description == "/nonexistent/gt.json: cannot read: no such file or directory")
    }

    @Test func folderIsAnErrorNamingIt() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let error = #expect(throws: FormatError.self) { try JSONDocument(contentsOfFile: directory) }
        #expect(error?.message == "cannot read: is a directory")
    }

    @Test func lineParserReusesItsBuffersAcrossLines() throws {
        let parser = try JSONLineParser(source: "<lines>")
        var values: [Plain] = []
        for line in [#"{"v": 1}"#, #"{"v": 22, "pad": "a longer line than the first one"}"#, #"{"v": 3}"#] {
            var line = line
            try line.withUTF8 { buffer in
                values.append(try parser.parse(UnsafeRawBufferPointer(buffer), line: 1) { try Plain($0) })
            }
        }
        #expect(values.count == 3)
        #expect(values.last == .object(["v"], [.int(3)]))
        var bad = #"{"v": 1,, }"#
        let error = bad.withUTF8 { buffer -> FormatError? in
            do {
                try parser.parse(UnsafeRawBufferPointer(buffer), line: 7) { _ in }
                return nil
            } catch {
                return error as? FormatError
            }
        }
        #expect(
            error?.description == "<lines>:7:9: invalid JSON: unexpected ',', expected a string key in double quotes")
    }
}

import Foundation

#if canImport(FoundationXML)
import FoundationXML
import MaskBenchFiles
#endif

/// The parts of one Pascal VOC XML file MaskBench reads, as text with the line each came from.
///
/// Parsing is separate from interpretation: ``VOCReader`` turns this text into numbers and boxes, so that
/// every conversion error can name its line.
struct VOCDocument {
    /// A leaf element's text and the line of its opening tag.
    struct Text {
        var value: String
        var line: Int
    }

    /// One `<object>`.
    struct Object {
        /// The line of `<object>`.
        var line: Int
        var name: Text?
        /// `<difficult>`: `1` marks a face the devkit does not require.
        var difficult: Text?
        /// `xmin`, `ymin`, `xmax`, `ymax` of the object's own `<bndbox>` (not of its `<part>`s).
        var corners: [String: Text] = [:]
    }

    /// The name of the root element (`annotation` in a VOC file).
    var root: String?
    var filename: Text?
    var width: Text?
    var height: Text?
    var objects: [Object] = []

    /// How deep elements may nest: a VOC annotation's deepest element, `<annotation><object><part><bndbox>
    /// <xmin>`, is 5 deep. Deeper documents are refused as soon as the parser reaches the 33rd level, so a
    /// file of 200,000 nested elements costs no more than its first few bytes.
    static let maxDepth = 32

    /// Parses `data` with `XMLParser`, stopping at the first sign that it is no VOC annotation: a root element
    /// other than `<annotation>`, or elements nested deeper than ``maxDepth``.
    ///
    /// - Throws: ``FormatError`` at the parser's line and column when the XML is not well formed; at the line
    ///   of a document type declaration (DTDs and entity declarations are refused before parsing: an entity
    ///   can expand to any size, or read another file, and a VOC annotation needs neither), of a root element
    ///   that is not `<annotation>`, or of the element nested too deep.
    static func parse(_ data: Data, file: String) throws -> VOCDocument {
        // libxml2 (under FoundationXML) guesses UCS-4 or UTF-16 from leading NUL bytes and then crashes on some
        // such inputs (found by Fuzz/run.sh: the 8 bytes 00 00 00 3C 3B 2F 6E 27 segfault in xmlParseChunk).
        // Annotation files are UTF-8 text: anything else is refused before it reaches the parser.
        if let nul = data.firstIndex(of: 0) {
            throw FormatError(
                file: file, "not a UTF-8 XML file: a NUL byte at byte \(nul - data.startIndex + 1)")
        }
        guard String(validating: data, as: UTF8.self) != nil else {
            throw FormatError(file: file, "not a UTF-8 XML file: invalid UTF-8; save the annotation as UTF-8")
        }
        if let line = documentTypeLine(data) {
            throw FormatError(
                file: file, line: line,
                "a document type declaration (<!DOCTYPE …>): DTDs and entity declarations are refused, since an "
                    + "entity can expand to any size or read another file and a VOC annotation needs neither; "
                    + "remove the declaration")
        }
        let parser = XMLParser(data: data)
        let delegate = Delegate(file: file)
        parser.delegate = delegate
        parser.shouldResolveExternalEntities = false
        let finished = parser.parse()
        // FoundationXML on Linux can return `true` after reporting an error, and its position after parsing is
        // wherever it stopped: the delegate keeps the first error and where it happened.
        if let failure = delegate.failure { throw failure }
        guard finished, parser.parserError == nil else {
            let reason = parser.parserError.map(Self.reason) ?? "unknown error"
            throw FormatError(
                file: file, line: max(parser.lineNumber, 1),
                column: parser.columnNumber > 0 ? parser.columnNumber : nil,
                "malformed XML: \(reason)")
        }
        return delegate.document
    }

    /// The line of a document type declaration in the prolog (before the root element, where XML allows
    /// one), or `nil`. The prolog is scanned by hand, once: the XML declaration, processing instructions,
    /// comments and whitespace are skipped; the scan stops at anything else.
    static func documentTypeLine(_ data: Data) -> Int? {
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Int? in
            var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            func starts(_ text: StaticString) -> Bool {
                bytes[index...].starts(with: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
            }
            func skip(past end: StaticString) -> Bool {
                while index < bytes.count {
                    if starts(end) {
                        index += end.utf8CodeUnitCount
                        return true
                    }
                    index += 1
                }
                return false
            }
            while index < bytes.count {
                if [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) {
                    index += 1
                } else if starts("<?") {
                    guard skip(past: "?>") else { return nil }
                } else if starts("<!--") {
                    guard skip(past: "-->") else { return nil }
                } else if starts("<!DOCTYPE") {
                    return 1 + bytes[..<index].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                } else {
                    return nil
                }
            }
            return nil
        }
    }

    /// Reasons for libxml2's common error numbers (`xmlerror.h`), which are what `XMLParser` reports as its
    /// error code; FoundationXML on Linux attaches no message and its `XMLParser.ErrorCode` names do not line
    /// up with these numbers.
    private static let reasons: [Int: String] = [
        4: "the document is empty",
        5: "the document ends too early, or has content after its root element",
        9: "invalid character",
        23: "entity reference without ';'",
        26: "undeclared entity (escape '&' as '&amp;')",
        38: "'<' inside an attribute value",
        39: "attribute value not in quotes",
        40: "attribute value not closed",
        41: "attribute without a value",
        42: "attribute given twice",
        68: "element name expected",
        73: "'>' expected",
        74: "'</' expected",
        76: "closing tag does not match the opening tag",
        77: "element not closed",
    ]

    /// A readable reason for the parser's error, with libxml2's error number.
    private static func reason(_ error: any Error) -> String {
        let code = (error as NSError).code
        return "\(reasons[code] ?? "parser error") (libxml2 error \(code))"
    }

    /// The `XMLParserDelegate`: tracks the element path and collects the leaf texts VOC needs.
    private final class Delegate: NSObject, XMLParserDelegate {
        let file: String
        var document = VOCDocument()
        /// The first error: the parser's, at its position when it was reported, or the delegate's own refusal.
        var failure: FormatError?
        private var path: [String] = []
        private var text = ""
        private var textLine = 0
        private var object: Object?

        init(file: String) {
            self.file = file
        }

        func parser(
            _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            guard failure == nil else { return }
            if path.isEmpty {
                document.root = element
                guard element == "annotation" else {
                    stop(parser, "expected a Pascal VOC <annotation> document, found <\(element)>")
                    return
                }
            }
            guard path.count < VOCDocument.maxDepth else {
                stop(
                    parser,
                    "elements nested more than \(VOCDocument.maxDepth) deep: not a Pascal VOC annotation, whose "
                        + "elements nest 5 deep at most")
                return
            }
            path.append(element)
            text = ""
            textLine = parser.lineNumber
            if path.count == 2, element == "object" { object = Object(line: parser.lineNumber) }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, foundCDATA block: Data) { text += String(decoding: block, as: UTF8.self) }

        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
            guard failure == nil else { return }
            let leaf = Text(value: String(text.trimmingWhitespace()), line: textLine)
            switch Array(path.dropFirst()) {
            case ["filename"]: document.filename = leaf
            case ["size", "width"]: document.width = leaf
            case ["size", "height"]: document.height = leaf
            case ["object", "name"]: object?.name = leaf
            case ["object", "difficult"]: object?.difficult = leaf
            case ["object", "bndbox", "xmin"], ["object", "bndbox", "ymin"], ["object", "bndbox", "xmax"],
                ["object", "bndbox", "ymax"]:
                object?.corners[element] = leaf
            case ["object"]:
                if let object { document.objects.append(object) }
                object = nil
            default: break
            }
            path.removeLast()
            text = ""
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            guard failure == nil else { return }
            failure = FormatError(
                file: file, line: max(parser.lineNumber, 1),
                column: parser.columnNumber > 0 ? parser.columnNumber : nil,
                "malformed XML: \(VOCDocument.reason(parseError))")
            parser.abortParsing()
        }

        /// Refuses the document at the parser's line and stops parsing.
        private func stop(_ parser: XMLParser, _ message: String) {
            failure = FormatError(file: file, line: max(parser.lineNumber, 1), message)
            parser.abortParsing()
        }
    }
}

import Foundation
import FoundationXML
import MaskBenchCore
import Testing

/// Parses a one-element document with Foundation's XML parser.
final class XMLRoundTrip: NSObject, XMLParserDelegate {
    var attributes: [String: String] = [:]
    var text = ""

    static func parse(_ xml: String) -> XMLRoundTrip? {
        let parser = XMLParser(data: Data(xml.utf8))
        let result = XMLRoundTrip()
        parser.delegate = result
        return parser.parse() ? result : nil
    }

    func parser(
        _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        self.attributes = attributes
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
}

/// The one escaping helper and the fixed number formats.
@Suite struct MarkupTests {
    @Test(arguments: [
        ("plain", "plain"),
        ("<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        ("a & b \"c\"", "a &amp; b &quot;c&quot;"),
        ("]]>", "]]&gt;"),
        ("bell\u{07}nul\u{00}", "bell\u{FFFD}nul\u{FFFD}"),
        ("tab\tline\nreturn\r", "tab&#9;line&#10;return&#13;"),
        ("\u{FFFF}x", "\u{FFFD}x"),
        ("é ≥ 0.5", "é ≥ 0.5"),
    ])
    func escapesMarkupAndForbiddenCharacters(input: String, expected: String) {
        #expect(Markup.escape(input) == expected)
    }

    @Test func escapedTextParsesBackInTextAndAttributes() throws {
        let hostile = "a<b>&\"c\"'d'\u{1}\n\t]]></x><!--"
        let escaped = Markup.escape(hostile)
        let xml = "<t a=\"\(escaped)\" b='\(escaped)'>\(escaped)</t>"
        let parsed = try #require(XMLRoundTrip.parse(xml))
        let expected = "a<b>&\"c\"'d'\u{FFFD}\n\t]]></x><!--"
        #expect(parsed.attributes == ["a": expected, "b": expected])
        #expect(parsed.text == expected)
    }

    @Test(arguments: [
        (0.0, 2, "0.00"), (1.005, 1, "1.0"), (-0.0001, 2, "0.00"), (-1.25, 1, "-1.3"), (123.456, 0, "123"),
        (0.5, 3, "0.500"), (Double.nan, 2, "0"),
    ])
    func fixedPrintsTheSameDigitsEverywhere(value: Double, digits: Int, expected: String) {
        #expect(Markup.fixed(value, digits) == expected)
    }

    @Test func coordinatesDropTrailingZeros() {
        #expect(Markup.coordinate(12) == "12")
        #expect(Markup.coordinate(12.5) == "12.5")
        #expect(Markup.coordinate(12.254) == "12.25")
        #expect(Markup.coordinate(-0.001) == "0")
    }

    @Test func percentAndIntervals() {
        #expect(Markup.percent(0.885) == "88.5%")
        #expect(Markup.percent(nil) == "n/a")
        #expect(Markup.interval(0.1, 0.25, percent: true) == "[10.0%, 25.0%]")
        #expect(Markup.interval(nil, 0.25, percent: false) == "")
    }
}

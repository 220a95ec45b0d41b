import Foundation
import FoundationXML
import Testing

@testable import MaskBenchGate

/// JUnit XML: well formed, one test case per rule, failures on regressions, hostile text escaped.
@Suite struct JUnitReportTests {
    /// Parses XML, collecting `testcase` names and `failure` messages.
    final class Collector: NSObject, XMLParserDelegate {
        var testcases: [String] = []
        var failures: [String] = []
        var suiteAttributes: [String: String] = [:]

        func parser(
            _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            switch element {
            case "testcase": testcases.append(attributes["name"] ?? "")
            case "failure": failures.append(attributes["message"] ?? "")
            case "testsuite": suiteAttributes = attributes
            default: break
            }
        }
    }

    func parse(_ xml: String) -> (Collector, Bool) {
        let parser = XMLParser(data: Data(xml.utf8))
        let collector = Collector()
        parser.delegate = collector
        return (collector, parser.parse())
    }

    @Test func oneTestCasePerRuleAndAFailureForTheRegression() throws {
        let base = GateFixture.run()
        let worse = GateFixture.run { image, face in face == 0 ? 0.9 : (image < 12 ? 0.6 : 0.1) }
        let report = try RegressionGate().check(
            baseline: GateFixture.baseline(base), baselineFile: "base.json", current: worse)
        let (collector, ok) = parse(JUnitReport.xml(report))
        #expect(ok)
        #expect(collector.testcases == GateRule.defaults.map(\.metric))
        #expect(collector.failures.count == 1)
        #expect(collector.failures.first?.contains("significant") == true)
        #expect(collector.suiteAttributes["tests"] == "4")
        #expect(collector.suiteAttributes["failures"] == "1")
    }

    @Test func aHostileRuleNameIsEscaped() throws {
        let base = GateFixture.run()
        var rule = GateRule(metric: "pipeline.tnr.value", direction: .higher)
        rule.metric = "a<b>&\"c\"'d'\u{1}\n]]>"
        let verdict = Verdict(rule: rule, baseline: 1, current: 0, test: nil, outcome: .regression, reason: "</x>\n&")
        var report = try RegressionGate().check(
            baseline: GateFixture.baseline(base), baselineFile: "base.json", current: base)
        report.verdicts = [verdict]
        let (collector, ok) = parse(JUnitReport.xml(report))
        #expect(ok)
        #expect(collector.testcases == ["a<b>&\"c\"'d'\u{FFFD}\n]]>"])
        #expect(collector.failures == ["</x>\n&"])
    }
}

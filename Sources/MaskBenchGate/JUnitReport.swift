import MaskBenchCore

/// The gate's verdicts as JUnit XML, which CI systems show as test results: one test case per rule.
public enum JUnitReport {
    /// The XML document for `report`: a `<testsuite>` named `maskbench gate`, a `<testcase>` per rule
    /// (named after its metric), with a `<failure>` for a regression.
    public static func xml(_ report: GateReport) -> String {
        let failures = report.verdicts.filter { $0.outcome == .regression }.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"maskbench gate\" tests=\"\(report.verdicts.count)\" failures=\"\(failures)\">\n"
        out +=
            "  <testsuite name=\"maskbench gate\" tests=\"\(report.verdicts.count)\" failures=\"\(failures)\" errors=\"0\">\n"
        for verdict in report.verdicts {
            let name = Markup.escape(verdict.rule.metric)
            let details =
                "baseline \(Format.number(verdict.baseline)), current \(Format.number(verdict.current)), delta \(Format.delta(verdict.delta))"
                + (verdict.test.map { ", " + GateReport.describe($0) } ?? "")
            if verdict.outcome == .regression {
                out += "    <testcase classname=\"maskbench.gate\" name=\"\(name)\">\n"
                out +=
                    "      <failure type=\"regression\" message=\"\(Markup.escape(verdict.reason))\">\(Markup.escape(details))</failure>\n"
                out += "    </testcase>\n"
            } else {
                out += "    <testcase classname=\"maskbench.gate\" name=\"\(name)\">\n"
                out +=
                    "      <system-out>\(Markup.escape(verdict.outcome.rawValue + ": " + verdict.reason + "; " + details))</system-out>\n"
                out += "    </testcase>\n"
            }
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }
}

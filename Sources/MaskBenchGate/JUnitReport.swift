import MaskBenchCore
import MaskBenchRecords

/// The gate's verdicts as JUnit XML, which CI systems show as test results: one test case per rule.
public enum JUnitReport {
    /// The XML document for `report`: a `<testsuite>` named `maskbench gate`, a `<testcase>` per rule
    /// (named after its metric), with a `<failure>` for a regression; a `failed images` test case with a
    /// `<failure>` when images failed in the run; the settings that changed (when allowed) in the suite's
    /// `<system-out>`.
    public static func xml(_ report: GateReport) -> String {
        let tests = report.verdicts.count + (report.newFailures.isEmpty ? 0 : 1)
        let failures =
            report.verdicts.filter { $0.outcome == .regression }.count + (report.newFailures.isEmpty ? 0 : 1)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"maskbench gate\" tests=\"\(tests)\" failures=\"\(failures)\">\n"
        out += "  <testsuite name=\"maskbench gate\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\">\n"
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
        if !report.newFailures.isEmpty {
            let list = report.newFailures.map { "\($0.image): \($0.reason)" }.joined(separator: "\n")
            out += "    <testcase classname=\"maskbench.gate\" name=\"failed images\">\n"
            out +=
                "      <failure type=\"failed images\" message=\"\(Markup.escape(report.failureText + report.failureConsequence))\">\(Markup.escape(list))</failure>\n"
            out += "    </testcase>\n"
        }
        if !report.settingChanges.isEmpty {
            let lines =
                ["Settings changed (allowed by --allow-settings-change):"] + report.settingChanges.map(\.description)
            out += "    <system-out>\(Markup.escape(lines.joined(separator: "\n")))</system-out>\n"
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }
}

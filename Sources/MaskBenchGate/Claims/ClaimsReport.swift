import Foundation
public import MaskBenchRecords

/// What `maskbench claims check` found: consistency findings and, with a run, the comparison.
public struct ClaimsReport: Sendable, Hashable {
    public var claims: Claims
    public var consistency: [ClaimsFinding]
    /// The comparison with a run, when one was given.
    public var run: [ClaimsFinding]?
    /// The run's `metrics.json`, as the user named it.
    public var metricsPath: String?
    /// The quotes not on their lines; `nil` when the source was not found, so the lines were not checked.
    public var quotes: [ClaimsFinding]?
    /// The file the quotes were checked against, as found.
    public var quotesSource: String?

    /// Checks `claims`, and compares them with `run` when given.
    ///
    /// - Parameter source: the file the line numbers refer to, with its lines (``Claims/sourceLines()``);
    ///   `nil` leaves the quotes unchecked.
    public init(
        claims: Claims, run: MetricsDocument? = nil, metricsPath: String? = nil, tolerance: Double = 0.001,
        source: (path: String, lines: [String])? = nil
    ) {
        self.claims = claims
        consistency = ClaimsCheck.consistency(of: claims)
        self.run = run.map { ClaimsCheck.compare(claims, with: $0, tolerance: tolerance) }
        self.metricsPath = metricsPath
        quotes = source.map { ClaimsCheck.quotes(of: claims, in: $0.lines, source: $0.path) }
        quotesSource = source?.path
    }

    /// The inconsistencies, mismatches and misplaced quotes, in report order.
    public var problems: [ClaimsFinding] { ((quotes ?? []) + consistency + (run ?? [])).filter(\.isProblem) }

    /// Whether the claims are consistent (and match the run, when given).
    public var passed: Bool { problems.isEmpty }

    /// The report as printed: a header, one block per finding, a summary and the quoted lines of the problems.
    public func rendered() -> String {
        var out: [String] = []
        var header = "\(claims.file): \(claims.counts.count) counts and \(claims.rates.count) rates from "
        header += "\(claims.source.project) \(claims.source.file)"
        if let lines = claims.source.lines { header += " (line numbers of \(lines))" }
        out.append(header)
        if let quotes, !quotes.isEmpty {
            out.append("")
            out.append("quotes")
            out += quotes.flatMap(render)
        }
        out.append("")
        out.append("consistency")
        out += consistency.flatMap(render)
        if let run {
            out.append("")
            out.append("against \(metricsPath ?? "the run")")
            out += run.flatMap(render)
        }
        out.append("")
        out.append(summary)
        let quoted = Set(problems.flatMap(\.lines))
        if !quoted.isEmpty {
            out.append("")
            out.append("lines quoted")
            var seen: Set<String> = []
            let quotes = (claims.counts.map(\.quote) + claims.rates.map(\.quote))
                .filter { quoted.contains($0.line) }
                .sorted { $0.line < $1.line }
            for quote in quotes where seen.insert("\(quote.line)\u{0}\(quote.text)").inserted {
                out.append("  line \(quote.line): \(quote.text)")
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// `3 of 14 checks inconsistent; 2 of 22 claims differ from the run`.
    public var summary: String {
        let inconsistent = consistency.filter { $0.verdict == .inconsistent }.count
        let checked = consistency.filter { $0.verdict != .unchecked }.count
        let unchecked = consistency.count - checked
        var text = "\(inconsistent) of \(checked) consistency checks failed"
        if unchecked > 0 { text += " (\(unchecked) claim\(unchecked == 1 ? "" : "s") unchecked)" }
        let quoted = ClaimsCheck.quoteCount(claims)
        if let quotes {
            text += "; \(quotes.count) of \(quoted) quotes not on their line"
        } else {
            let copy = claims.source.lines.map { "\($0) not found" } ?? "no source.lines copy"
            text += "; line numbers not checked (\(copy))"
        }
        if let run {
            let mismatches = run.filter { $0.verdict == .mismatch }.count
            let compared = run.filter { $0.verdict != .notInRun }.count
            text += "; \(mismatches) of \(compared) claims differ from the run"
            let missing = run.count - compared
            if missing > 0 { text += " (\(missing) not in the run)" }
        }
        return text
    }

    private func render(_ finding: ClaimsFinding) -> [String] {
        let label = finding.verdict.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)
        // A comparison with the run fits on one line: claimed (line), run.
        if finding.evidence.count <= 2, let stated = finding.evidence.first, stated.origin == "stated",
            finding.evidence.dropFirst().allSatisfy({ $0.origin == "run" })
        {
            let name = finding.subject.split(separator: " ").first.map(String.init) ?? finding.subject
            var line =
                "  \(label)\(name): claimed \(stated.value) (line \(stated.lines.map(String.init).joined(separator: ", ")))"
            if let run = finding.evidence.dropFirst().first { line += ", run \(run.value)" }
            return [line]
        }
        var lines = ["  \(label)\(finding.subject)"]
        for evidence in finding.evidence {
            var line = "      " + evidence.value + "  " + evidence.origin
            if !evidence.lines.isEmpty {
                line +=
                    " (line\(evidence.lines.count == 1 ? "" : "s") \(evidence.lines.map(String.init).joined(separator: ", ")))"
            }
            if evidence.agrees == false { line += "  ✗" }
            lines.append(line)
        }
        return lines
    }
}

import MaskBenchRecords

extension GateReport {
    /// The verdict table and the changed images, as `maskbench gate` prints them.
    ///
    /// ```
    /// rule                   baseline  current  delta    interval or p-value             verdict
    /// pipeline.tnr.value ↑   0.8846    0.8000   -0.0846  McNemar p=0.0020 (b=11, c=0)    regression
    /// ```
    ///
    /// Settings that changed (when allowed) come first, above the table; images that failed anew come
    /// before the verdict line.
    public func text() -> String {
        var out = ""
        if !settingChanges.isEmpty {
            out += "Settings changed (allowed by --allow-settings-change):\n"
            for change in settingChanges { out += "  \(change)\n" }
            out += "\n"
        }
        if !verdicts.isEmpty {
            let rows = [Self.header] + verdicts.map(Self.cells)
            let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                let cells = row.enumerated().map { column, cell in
                    column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
                }
                out += cells.joined(separator: "  ") + "\n"
            }
            out += "\n"
        }
        for v in verdicts where v.outcome != .pass {
            out += "\(v.rule.metric): \(v.outcome.rawValue): \(v.reason)\n"
        }
        for note in notes { out += note + "\n" }
        out += Self.list("Images that gained mistakes", imagesWithNewMistakes.map { ($0.image, $0.gainedMistakes) })
        out += Self.list("Images that lost mistakes", imagesWithFixedMistakes.map { ($0.image, $0.lostMistakes) })
        if !newFailures.isEmpty {
            out += failureText
            for failure in newFailures { out += "  \(failure.image): \(failure.reason)\n" }
            out += failureConsequence + "\n"
        }
        out += "gate: " + summary + "\n"
        return out
    }

    // MARK: - Parts

    /// `pass (4 rules)`, `FAIL (1 of 4 rules regressed)`, `FAIL (2 images failed)`.
    var summary: String {
        guard !passed else { return "pass (\(Self.plural(verdicts.count, "rule")))" }
        let regressions = verdicts.filter { $0.outcome == .regression }.count
        var causes: [String] = []
        if !newFailures.isEmpty { causes.append("\(Self.plural(newFailures.count, "image")) failed") }
        if regressions > 0 { causes.append("\(regressions) of \(verdicts.count) rules regressed") }
        return "FAIL (\(causes.joined(separator: "; ")))"
    }

    /// The lines about the comparison itself: another dataset (allowed), unpaired faces.
    var notes: [String] {
        var notes: [String] = []
        if datasetChanged, newFailures.isEmpty || !verdicts.isEmpty {
            notes.append("Dataset changed: baseline \(baselineFingerprint), now \(currentFingerprint) (allowed)")
        }
        if unpairedBaselineFaces > 0 || unpairedCurrentFaces > 0 {
            notes.append(
                "Unpaired faces: \(unpairedBaselineFaces) only in the baseline, \(unpairedCurrentFaces) only now")
        }
        return notes
    }

    var failureText: String {
        let count = Self.plural(newFailures.count, "image")
        return "\(count) failed in this run, and a failed image is left out of the numbers:\n"
    }

    var failureConsequence: String {
        guard datasetChanged else { return "a failed image is a finding: the gate fails" }
        return "that is why the dataset fingerprint differs from the baseline's"
            + (verdicts.isEmpty
                ? "; no rule was judged (fix the images, or pass --allow-dataset-change to judge the rules on the rest)"
                : "")
    }

    static let header = ["rule", "baseline", "current", "delta", "interval or p-value", "verdict"]

    static func cells(_ v: Verdict) -> [String] {
        let arrow = v.rule.direction == .higher ? "(higher is better)" : "(lower is better)"
        return [
            "\(v.rule.metric) \(arrow)", Format.number(v.baseline), Format.number(v.current), Format.delta(v.delta),
            v.test.map(Self.describe) ?? "—", v.outcome.rawValue,
        ]
    }

    /// `McNemar p=0.0020 (b=11, c=0)` or `Δ [-0.0400, -0.0100] p=0.0040` (the bootstrap's interval of the change).
    static func describe(_ test: Verdict.Test) -> String {
        switch test {
        case .mcNemar(let b, let c, _):
            return "McNemar p\(test.pValueText) (b=\(b), c=\(c))"
        case .bootstrap(let low, let high, _, _):
            return "Δ [\(Format.delta(low)), \(Format.delta(high))] p\(test.pValueText)"
        }
    }

    static func plural(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    private static func list(_ title: String, _ items: [(String, Int)]) -> String {
        guard !items.isEmpty else { return "\(title): none\n" }
        let faces = items.reduce(0) { $0 + $1.1 }
        var out = "\(title) (\(plural(items.count, "image")), \(plural(faces, "face"))):\n"
        for (image, count) in items { out += "  \(image)  \(plural(count, "face"))\n" }
        return out
    }
}

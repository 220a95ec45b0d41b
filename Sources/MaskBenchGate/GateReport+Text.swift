extension GateReport {
    /// The verdict table and the changed images, as `maskbench gate` prints them.
    ///
    /// ```
    /// rule                   baseline  current  delta    interval or p-value             verdict
    /// pipeline.tnr.value ↑   0.8846    0.8000   -0.0846  McNemar p=0.0020 (b=11, c=0)    regression
    /// ```
    public func text() -> String {
        var rows: [[String]] = [["rule", "baseline", "current", "delta", "interval or p-value", "verdict"]]
        for v in verdicts {
            let arrow = v.rule.direction == .higher ? "(higher is better)" : "(lower is better)"
            rows.append([
                "\(v.rule.metric) \(arrow)", Format.number(v.baseline), Format.number(v.current), Format.delta(v.delta),
                v.test.map(Self.describe) ?? "—", v.outcome.rawValue,
            ])
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var out = ""
        for row in rows {
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }
            out += cells.joined(separator: "  ") + "\n"
        }
        out += "\n"
        for v in verdicts where v.outcome != .pass {
            out += "\(v.rule.metric): \(v.outcome.rawValue): \(v.reason)\n"
        }
        if datasetChanged {
            out += "Dataset changed: baseline \(baselineFingerprint), now \(currentFingerprint) (allowed)\n"
        }
        if unpairedBaselineFaces > 0 || unpairedCurrentFaces > 0 {
            out += "Unpaired faces: \(unpairedBaselineFaces) only in the baseline, \(unpairedCurrentFaces) only now\n"
        }
        out += Self.list("Images that gained mistakes", imagesWithNewMistakes.map { ($0.image, $0.gainedMistakes) })
        out += Self.list("Images that lost mistakes", imagesWithFixedMistakes.map { ($0.image, $0.lostMistakes) })
        let regressions = verdicts.filter { $0.outcome == .regression }.count
        out +=
            passed
            ? "gate: pass (\(verdicts.count) rules)\n"
            : "gate: FAIL (\(regressions) of \(verdicts.count) rules regressed)\n"
        return out
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

    private static func plural(_ count: Int, _ noun: String) -> String {
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

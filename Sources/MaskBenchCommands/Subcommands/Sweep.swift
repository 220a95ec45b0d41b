import ArgumentParser
import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchFormats
import MaskBenchRecords
import MaskBenchReport

/// `maskbench sweep`: the evaluation, plus TNR, FNR and false alarms over a grid of detector and classifier
/// thresholds, its Pareto front, and the operating point each target picks.
struct Sweep: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Choose thresholds: TNR, FNR and false alarms over detector × classifier thresholds.",
        discussion: """
            Rows of the grid are detector confidence thresholds (each a full re-match: predictions below it are \
            dropped), columns every distinct maskScore (a face is called masked at or above it). Writes what \
            `evaluate` writes (at --min-face-score and --threshold), with an `operatingPoints` section in \
            metrics.json, and OUT/sweep.csv: the Pareto front over TNR and FNR. Each --target (fnr<=0.10, or \
            fnr<=0.05,falseAlarms<=20 for both at once) picks the point that meets it and is best on the other rate. \
            Exit 0, 1 when a target cannot be met, 2 on a usage or input error.
            """
    )

    @OptionGroup var groundTruth: GroundTruthArguments
    @OptionGroup var predictionArguments: PredictionArguments
    @OptionGroup var evaluation: EvaluationArguments

    @Option(
        name: .customLong("detector-thresholds"),
        parsing: .singleValue,
        help: ArgumentHelp(
            "Detector confidence thresholds of the grid, comma-separated (default 0,0.1,…,0.9 and --min-face-score).",
            valueName: "LIST")
    )
    var detectorThresholds: [String] = []

    @Option(
        name: .customLong("target"),
        help: ArgumentHelp(
            "Conditions a point must meet together, comma-separated: fnr<=X, tnr>=X, falseAlarms<=N "
                + "(fnr<=0.05,falseAlarms<=20). Repeat for several points.",
            valueName: "CONDITIONS"))
    var targets: [String] = []

    @Option(
        name: .customLong("grid-csv"),
        help: ArgumentHelp("Also write every point of the grid to this CSV file.", valueName: "FILE"))
    var gridCSV: String?

    @OptionGroup var output: OutputFolderOptions
    @OptionGroup var console: ConsoleOptions

    /// The output folder.
    var out: String { output.folder() }
    /// `--quiet`.
    var quiet: Bool { console.quiet }

    /// Each `--target` as typed, with its conditions (comma-separated, all of which must hold).
    func parsedTargets() throws -> [(text: String, conditions: [SweepTarget])] {
        try targets.map { text in
            guard let conditions = SweepTarget.all(text) else {
                throw ValidationError(
                    "--target '\(text)': expected fnr<=X, tnr>=X or falseAlarms<=N (X a rate in [0, 1]), "
                        + "or several joined by commas, all of which must hold")
            }
            for condition in conditions where condition.quantity != .falseAlarms && !(0...1).contains(condition.bound) {
                throw ValidationError("--target '\(text)': a rate bound must be in [0, 1] (\(condition))")
            }
            return (text.trimmingCharacters(in: .whitespaces), conditions)
        }
    }

    func parsedDetectorThresholds() throws -> [Double] {
        let texts = detectorThresholds.flatMap { $0.split(separator: ",").map(String.init) }
        guard !texts.isEmpty else { return (0..<10).map { Double($0) / 10 } + [evaluation.minFaceScore] }
        return try texts.map { text in
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), (0...1).contains(value) else {
                throw ValidationError("--detector-thresholds: '\(text)' is not a number in [0, 1]")
            }
            return value
        }
    }

    func validate() throws {
        _ = try parsedTargets()
        _ = try parsedDetectorThresholds()
    }

    func run() async throws {
        let settings = try evaluation.settings(incorrectAs: groundTruth.incorrectAs)
        let targets = try parsedTargets()
        let folder = try output.claim(quiet: quiet)
        var clock = console.clock()
        let loaded = try await LoadedRun.read(groundTruth, predictionArguments, clock: &clock)
        let dataset = loaded.truth.dataset
        let predictions = loaded.predictions.predictions
        let result = Evaluator(settings: settings).evaluate(dataset, predictions)
        let grid = ThresholdGrid(
            dataset, predictions, settings: settings, detectorThresholds: try parsedDetectorThresholds())
        let front = grid.paretoFront()
        let operatingPoints = MetricsDocument.OperatingPoints(grid, front: front, targets: targets)

        var document = loaded.document(result, groundTruth: groundTruth, predictions: predictionArguments)
        document.operatingPoints = operatingPoints
        try folder.replaceSet(of: EvaluationOutput.names) { staging in
            try EvaluationOutput.write(
                document, evaluation: result, dataset: dataset, predictions: predictions, images: groundTruth.images,
                into: staging, allowOutsideRoot: groundTruth.allowOutsideRoot, clock: &clock)
            try OperatingPointsCSV.write(front, to: staging + "/sweep.csv")
        }
        EvaluationOutput.show(
            document, dataset: dataset, images: groundTruth.images, out: out,
            diagnostics: loaded.diagnostics.map { "\($0)" }, quiet: true,
            allowOutsideRoot: groundTruth.allowOutsideRoot)
        if let gridCSV {
            var points: [OperatingPoint] = []
            points.reserveCapacity(grid.count)
            grid.forEachPoint { points.append($0) }
            try OperatingPointsCSV.write(points, to: gridCSV)
        }

        if !quiet {
            if let warning = Self.uncutRows(grid.detectorThresholds, predictions) {
                FileHandle.standardError.write(Data("warning: \(TerminalText.escaped(warning))\n".utf8))
            }
            printEscaped(Self.frontTable(front, grid: grid, choices: operatingPoints.targets, out: out))
        }
        var unmet = 0
        for choice in operatingPoints.targets {
            if let point = choice.point {
                printEscaped("\(choice.target): \(Self.describe(point))")
            } else {
                let conditions = targets.first { $0.text == choice.target }?.conditions ?? []
                printEscaped(
                    "\(choice.target): no operating point of the grid meets it\(Self.bestInGrid(grid, conditions))")
                unmet += 1
            }
        }
        if !quiet {
            printEscaped("\nWrote \(out)/metrics.json, summary.md, faces.csv, index.html and sweep.csv")
        }
        if unmet > 0 { throw ExitCode(1) }
    }

    static func describe(_ p: OperatingPoint) -> String {
        "\(OperatingPointText.thresholds(p)): \(OperatingPointText.outcome(p))"
    }

    /// The warning for detector thresholds at or below the lowest faceScore of the predictions: the pipeline
    /// cut its detections there already, so those rows drop nothing and are all alike. `nil` when at most
    /// one threshold is there.
    static func uncutRows(_ thresholds: [Double], _ predictions: PredictionSet) -> String? {
        let lowest = predictions.byImage.values.lazy.flatMap { $0 }.map(\.faceScore).min()
        guard let lowest else { return nil }
        let uncut = thresholds.filter { $0 <= lowest }
        guard uncut.count > 1 else { return nil }
        let list = uncut.map(OperatingPointText.detector).joined(separator: ", ")
        return "detector thresholds \(list) are at or below the lowest faceScore in the predictions "
            + "(\(Markup.fixed(lowest, 4))): the pipeline already cut its detections there, so these "
            + "rows drop nothing and are the same; give --detector-thresholds above it"
    }

    /// ` (best in the grid: TNR 29.0%, 0 false alarms)`: how near the grid comes on each quantity a target
    /// bounds, each on its own.
    static func bestInGrid(_ grid: ThresholdGrid, _ conditions: [SweepTarget]) -> String {
        var tnr: Double?
        var fnr: Double?
        var alarms: Int?
        grid.forEachPoint { p in
            if let t = p.tnr, t > tnr ?? -1 { tnr = t }
            if let f = p.fnr, f < fnr ?? 2 { fnr = f }
            if p.falseAlarms < alarms ?? .max { alarms = p.falseAlarms }
        }
        var parts: [String] = []
        for quantity in SweepTarget.Quantity.allCases where conditions.contains(where: { $0.quantity == quantity }) {
            switch quantity {
            case .tnr: parts.append("TNR \(Markup.percent(tnr))")
            case .fnr: parts.append("FNR \(Markup.percent(fnr))")
            case .falseAlarms: parts.append("\(alarms.map(String.init) ?? "n/a") false alarms")
            }
        }
        return parts.isEmpty ? "" : " (best in the grid, each on its own: \(parts.joined(separator: ", ")))"
    }

    /// Front rows the terminal shows before it leaves some out.
    static let shownRows = 40

    /// The front for the terminal: every point, or when it is longer than ``shownRows``, that many evenly
    /// spread (ends kept) plus every chosen point, saying how many were left out and where they all are.
    /// Chosen points are marked with their target.
    static func frontTable(
        _ front: [OperatingPoint], grid: ThresholdGrid, choices: [MetricsDocument.OperatingPoints.TargetChoice],
        out: String
    ) -> String {
        var lines = [
            "Pareto front over TNR and FNR: \(front.count) of \(grid.count) grid points "
                + "(\(grid.detectorThresholds.count) detector thresholds × every distinct maskScore)",
            "",
        ]
        var shown = Set(
            front.count <= shownRows
                ? Array(front.indices) : (0..<shownRows).map { $0 * (front.count - 1) / (shownRows - 1) })
        var marks: [Int: [String]] = [:]
        var offFront: [(OperatingPoint, String)] = []
        for choice in choices {
            guard let point = choice.point else { continue }
            if let k = front.firstIndex(of: point) {
                shown.insert(k)
                marks[k, default: []].append(choice.target)
            } else {
                offFront.append((point, choice.target))
            }
        }
        var rows: [[String]] = [
            ["detector", "classifier", "TNR", "FNR", "false alarms", "recall", "missed faces", ""]
        ]
        func row(_ p: OperatingPoint, _ mark: String) -> [String] {
            [
                "≥ " + OperatingPointText.detector(p.detectorThreshold),
                "≥ " + OperatingPointText.classifier(p.classifierThreshold, above: p.classifierThresholdAbove),
                Markup.percent(p.tnr), Markup.percent(p.fnr), String(p.falseAlarms), Markup.percent(p.recall),
                p.missedFaces.map(String.init) ?? "n/a", mark.isEmpty ? "" : "← " + mark,
            ]
        }
        for k in shown.sorted() { rows.append(row(front[k], marks[k]?.joined(separator: "; ") ?? "")) }
        lines += TextTable.render(rows, rightAligned: 0..<7)
        if shown.count < front.count {
            lines.append(
                "(\(front.count - shown.count) of the \(front.count) points on the front left out here, evenly; "
                    + "all of them are in \(out)/sweep.csv)")
        }
        if !offFront.isEmpty {
            lines.append("")
            lines.append("Chosen off the front (targets on false alarms can prefer a point the front passes over):")
            lines += TextTable.render([rows[0]] + offFront.map { row($0.0, $0.1) }, rightAligned: 0..<7)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Plain-text tables for the terminal: columns padded to their widest cell.
enum TextTable {
    /// `rows` as lines, cells two spaces apart; columns in `rightAligned` padded on the left. Trailing spaces
    /// are trimmed.
    static func render(_ rows: [[String]], rightAligned: Range<Int>) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        return rows.map { cells in
            var line = ""
            for (c, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                line += (c == 0 ? "  " : "  ") + (rightAligned.contains(c) ? pad + cell : cell + pad)
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }
}

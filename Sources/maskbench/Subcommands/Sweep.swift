import ArgumentParser
import Foundation
import MaskBenchCore
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
            metrics.json, and OUT/sweep.csv: the Pareto front over TNR and FNR. Each --target (fnr<=0.10, \
            tnr>=0.95, falseAlarms<=20) picks the point that meets it and is best on the other rate. \
            Exit 0, 1 when a target cannot be met, 2 on a usage or input error.
            """
    )

    @OptionGroup var groundTruth: GroundTruthArguments
    @OptionGroup var predictionArguments: PredictionArguments
    @OptionGroup var evaluation: EvaluationArguments

    @Option(
        name: .customLong("detector-thresholds"),
        parsing: .singleValue,
        help: "Detector confidence thresholds of the grid, comma-separated (default 0,0.1,…,0.9 and --min-face-score)."
    )
    var detectorThresholds: [String] = []

    @Option(
        name: .customLong("target"),
        help: "A condition the chosen point must meet: fnr<=X, tnr>=X or falseAlarms<=N. Repeat for several.")
    var targets: [String] = []

    @Option(name: .customLong("grid-csv"), help: "Also write every point of the grid to this CSV file.")
    var gridCSV: String?

    @Option(help: "Output folder.")
    var out: String = "Reports/latest"

    @Flag(help: "Print nothing but errors and the chosen points.")
    var quiet = false

    func parsedTargets() throws -> [SweepTarget] {
        try targets.map { text in
            guard let target = SweepTarget(text) else {
                throw ValidationError(
                    "--target '\(text)': expected fnr<=X, tnr>=X or falseAlarms<=N (X a rate in [0, 1])")
            }
            if target.quantity != .falseAlarms, !(0...1).contains(target.bound) {
                throw ValidationError("--target '\(text)': a rate bound must be in [0, 1]")
            }
            return target
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
        var clock = PhaseClock(enabled: false)
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
        try EvaluationOutput.write(
            document,
            evaluation: result,
            dataset: dataset,
            predictions: predictions,
            images: groundTruth.images,
            out: out,
            diagnostics: loaded.diagnostics.map { "\($0)" },
            quiet: true,
            clock: &clock
        )
        try OperatingPointsCSV.write(front, to: out + "/sweep.csv")
        if let gridCSV {
            var points: [OperatingPoint] = []
            points.reserveCapacity(grid.count)
            grid.forEachPoint { points.append($0) }
            try OperatingPointsCSV.write(points, to: gridCSV)
        }

        if !quiet {
            print(Self.frontTable(front, grid: grid))
        }
        var unmet = 0
        for choice in operatingPoints.targets {
            if let point = choice.point {
                print("\(choice.target): \(Self.describe(point))")
            } else {
                print("\(choice.target): no operating point of the grid meets it")
                unmet += 1
            }
        }
        if !quiet {
            print("\nWrote \(out)/metrics.json, summary.md, faces.csv, index.html and sweep.csv")
        }
        if unmet > 0 { throw ExitCode(1) }
    }

    static func percent(_ value: Double?) -> String {
        guard let value else { return "n/a" }
        return String(format: "%.1f%%", value * 100)
    }

    static func describe(_ p: OperatingPoint) -> String {
        "detector ≥ \(p.detectorThreshold), classifier ≥ \(p.classifierThreshold): TNR \(percent(p.tnr)), "
            + "FNR \(percent(p.fnr)), \(p.falseAlarms) false alarm\(p.falseAlarms == 1 ? "" : "s")"
    }

    /// The front, at most 15 rows evenly spread, for the terminal.
    static func frontTable(_ front: [OperatingPoint], grid: ThresholdGrid) -> String {
        var lines = [
            "Pareto front over TNR and FNR: \(front.count) of \(grid.count) grid points "
                + "(\(grid.detectorThresholds.count) detector thresholds × every distinct maskScore)",
            "",
            "  detector  classifier      TNR      FNR  false alarms",
        ]
        let shown = front.count <= 15 ? Array(front.indices) : (0..<15).map { $0 * (front.count - 1) / 14 }
        for k in shown {
            let p = front[k]
            func pad(_ text: String, _ width: Int) -> String {
                String(repeating: " ", count: max(0, width - text.count)) + text
            }
            lines.append(
                String(format: "  %8.3f  %10.4f", p.detectorThreshold, p.classifierThreshold) + "  "
                    + pad(percent(p.tnr), 7) + "  " + pad(percent(p.fnr), 7) + "  " + pad(String(p.falseAlarms), 12))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

import ArgumentParser
import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchFormats
import MaskBenchReport

/// `maskbench evaluate`: ground truth + predictions file → metrics.json, summary.md, faces.csv, the report, and
/// a table on stdout.
struct Evaluate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a predictions file against a ground truth.",
        discussion: """
            Writes OUT/metrics.json (the versioned record CI reads), OUT/summary.md, OUT/faces.csv (what \
            happened to every face) and the report (OUT/index.html, OUT/charts/, OUT/boxes.csv, OUT/extras.csv), \
            and prints the outcome table and headline numbers. Exit 0 on success, 2 on a usage or input error.
            """
    )

    @OptionGroup var groundTruth: GroundTruthArguments
    @OptionGroup var predictionArguments: PredictionArguments
    @OptionGroup var evaluation: EvaluationArguments

    @OptionGroup var output: OutputFolderOptions
    @OptionGroup var console: ConsoleOptions

    /// `--quiet`.
    var quiet: Bool { console.quiet }

    @OptionGroup var report: ReportOptions

    func run() async throws {
        let settings = try evaluation.settings(incorrectAs: groundTruth.incorrectAs)
        let folder = try output.claim(quiet: quiet)
        var clock = console.clock()
        let loaded = try await LoadedRun.read(groundTruth, predictionArguments, clock: &clock)
        let dataset = loaded.truth.dataset
        let result = Evaluator(settings: settings).evaluate(dataset, loaded.predictions.predictions)
        clock.lap("evaluate")
        let document = loaded.document(result, groundTruth: groundTruth, predictions: predictionArguments)
        try folder.replaceSet(of: EvaluationOutput.names) { staging in
            try EvaluationOutput.write(
                document, evaluation: result, dataset: dataset, predictions: loaded.predictions.predictions,
                images: groundTruth.images, into: staging, report: report.wanted,
                allowOutsideRoot: groundTruth.allowOutsideRoot, clock: &clock)
        }
        EvaluationOutput.show(
            document, dataset: dataset, images: groundTruth.images, out: folder.path,
            diagnostics: loaded.diagnostics.map { "\($0)" }, quiet: quiet, report: report.wanted,
            allowOutsideRoot: groundTruth.allowOutsideRoot)
        ProcessLifetime.keep((loaded, result))
    }
}

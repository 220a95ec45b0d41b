import ArgumentParser
import Foundation
import MaskBenchCore
import MaskBenchFormats
import MaskBenchReport

/// `maskbench evaluate`: ground truth + predictions file → metrics.json, summary.md, a table on stdout.
struct Evaluate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a predictions file against a ground truth.",
        discussion: """
            Writes OUT/metrics.json (the versioned record CI reads), OUT/summary.md and OUT/faces.csv (what \
            happened to every face), and prints the \
            outcome table and headline numbers. Exit 0 on success, 2 on a usage or input error.
            """
    )

    @OptionGroup var groundTruth: GroundTruthArguments

    @Option(help: "Predictions file: CSV, JSON Lines or COCO results JSON.")
    var predictions: String

    @Option(
        name: .customLong("predictions-format"),
        help: "Predictions format, when the file name should not decide: csv, jsonl, cocoResults.")
    var predictionsFormat: PredictionFormat?

    @Flag(
        name: .customLong("allow-unknown-images"),
        help: "Skip predictions for images not in the ground truth instead of failing.")
    var allowUnknownImages = false

    @OptionGroup var evaluation: EvaluationArguments

    @Option(help: "Output folder.")
    var out: String = "Reports/latest"

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Flag(help: "Print how long each phase took, on standard error.")
    var timings = false

    func run() async throws {
        let settings = try evaluation.settings(incorrectAs: groundTruth.incorrectAs)
        var clock = PhaseClock(enabled: timings)
        // The two files are read at the same time; COCO results are checked against the ground truth after.
        let groundTruthPath = groundTruth.path
        let options = try groundTruth.options()
        let labelMap = try groundTruth.labelMap()
        let (predictionsPath, predictionsFormat) = (predictions, self.predictionsFormat)
        async let parsedPredictions = PredictionReader.parse(
            path: predictionsPath,
            format: predictionsFormat,
            labelMap: labelMap
        )
        let truth = try GroundTruthReader.read(path: groundTruthPath, options: options)
        let parsed = try await parsedPredictions
        clock.lap("read ground truth and predictions")
        let loaded = try PredictionReader.resolve(
            parsed,
            groundTruth: truth,
            labelMap: labelMap,
            allowUnknownImages: allowUnknownImages
        )
        clock.lap("check predictions")
        let result = Evaluator(settings: settings).evaluate(truth.dataset, loaded.predictions)
        clock.lap("evaluate")
        let document = MetricsDocument(
            result,
            inputs: MetricsDocument.Inputs(
                groundTruth: groundTruth.path,
                groundTruthFormat: truth.format.rawValue,
                predictions: predictions,
                predictionsFormat: loaded.format.rawValue,
                images: groundTruth.images
            ),
            version: MaskBenchCommand.version,
            datasetFingerprint: truth.dataset.fingerprint()
        )
        clock.lap("fingerprint")
        try AtomicFile.makeDirectory(out)
        try AtomicFile.write(try document.jsonData(), to: out + "/metrics.json")
        try AtomicFile.write(Data(SummaryRenderer(style: .markdown).render(document).utf8), to: out + "/summary.md")
        clock.lap("write metrics.json and summary.md")
        try FaceOutcomesCSV.write(result, dataset: truth.dataset, to: out + "/faces.csv")
        clock.lap("write faces.csv")
        try ReportWriter.write(
            result, dataset: truth.dataset, predictions: loaded.predictions, folder: out, images: groundTruth.images)
        clock.lap("write the report (index.html, charts, boxes.csv, extras.csv)")

        let diagnostics = truth.diagnostics + loaded.diagnostics
        for diagnostic in diagnostics.prefix(20) {
            FileHandle.standardError.write(Data("\(diagnostic)\n".utf8))
        }
        if diagnostics.count > 20 {
            FileHandle.standardError.write(Data("… and \(diagnostics.count - 20) more notes\n".utf8))
        }
        if !quiet {
            print(SummaryRenderer(style: .text).render(document), terminator: "")
            print("\nWrote \(out)/metrics.json, summary.md, faces.csv and index.html")
        }
    }
}

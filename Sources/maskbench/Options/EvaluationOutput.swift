import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchImaging
import MaskBenchRecords
import MaskBenchReport

/// What an evaluation writes and prints, whichever command made it (`evaluate`, `run`, `sweep`):
/// `OUT/metrics.json`, `OUT/summary.md`, `OUT/faces.csv`, the report (`index.html`, `charts/`, `boxes.csv`,
/// `extras.csv`), the readers' notes on standard error and the summary table on standard output.
enum EvaluationOutput {
    /// Writes the files and prints.
    ///
    /// - Parameters:
    ///   - report: whether to write the report too (`--no-report` turns it off).
    ///   - clock: laps each write for `--timings`.
    /// - Throws: ``MaskBenchFiles/OutputError`` naming a file that could not be written.
    static func write(
        _ document: MetricsDocument,
        evaluation: Evaluation,
        dataset: Dataset,
        predictions: PredictionSet,
        images: String?,
        out: String,
        diagnostics: [String],
        quiet: Bool,
        report: Bool = true,
        allowOutsideRoot: Bool = false,
        clock: inout PhaseClock
    ) throws {
        try AtomicFile.makeDirectory(out)
        try AtomicFile.write(try document.jsonData(), to: out + "/metrics.json")
        try AtomicFile.write(Data(SummaryRenderer(style: .markdown).render(document).utf8), to: out + "/summary.md")
        clock.lap("write metrics.json and summary.md")
        try FaceOutcomesCSV.write(evaluation, dataset: dataset, to: out + "/faces.csv")
        clock.lap("write faces.csv")
        if report {
            try ReportWriter.write(
                document, evaluation, dataset: dataset, predictions: predictions, folder: out, images: images,
                allowOutsideRoot: allowOutsideRoot)
            clock.lap("write the report (index.html, charts, boxes.csv, extras.csv)")
        }
        var diagnostics = diagnostics
        // Thumbnails come from --images: a folder holding none of the images is said once, here.
        if report, let images, let first = dataset.images.first {
            let root = ImageRoot(images, allowsOutside: allowOutsideRoot)
            if !root.containsAny(of: dataset.images.lazy.map(\.name)) {
                let message = root.noneFoundMessage(count: dataset.images.count, example: first.name)
                diagnostics.append("warning: \(message); the report draws the boxes on placeholders")
            }
        }
        for diagnostic in diagnostics.prefix(20) {
            FileHandle.standardError.write(Data("\(diagnostic)\n".utf8))
        }
        if diagnostics.count > 20 {
            FileHandle.standardError.write(Data("… and \(diagnostics.count - 20) more notes\n".utf8))
        }
        if !quiet {
            print(SummaryRenderer(style: .text).render(document), terminator: "")
            print("\nWrote \(out)/metrics.json, summary.md, faces.csv" + (report ? " and index.html" : ""))
        }
    }
}

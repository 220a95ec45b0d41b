import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchImaging
import MaskBenchRecords
import MaskBenchReport

/// What an evaluation writes and prints, whichever command made it (`evaluate`, `run`, `sweep`):
/// `metrics.json`, `summary.md`, `faces.csv`, the report (`index.html`, `charts/`, `boxes.csv`, `extras.csv`),
/// the readers' notes on standard error and the summary table on standard output.
///
/// The files are written into the staging folder of an ``MaskBenchFiles/OutputFolder/replaceSet(of:_:)`` and
/// printed about once that set is in place.
enum EvaluationOutput {
    /// The names an evaluation's set can hold in the output folder: `evaluate` and `sweep` replace these
    /// (an earlier `sweep.csv`, or an earlier report after `--no-report`, is removed with the rest).
    static let names = [
        "metrics.json", "summary.md", "faces.csv", "boxes.csv", "extras.csv", "index.html", "charts", "sweep.csv",
    ]

    /// Writes the files into `staging`.
    ///
    /// - Parameters:
    ///   - report: whether to write the report too (`--no-report` turns it off).
    ///   - thumbnails: cuts the report's gallery thumbnails from the images.
    ///   - clock: laps each write for `--timings`.
    /// - Throws: ``MaskBenchFiles/OutputError`` naming a file that could not be written.
    static func write(
        _ document: MetricsDocument,
        evaluation: Evaluation,
        dataset: Dataset,
        predictions: PredictionSet,
        images: String?,
        into staging: String,
        report: Bool = true,
        thumbnails: Thumbnails = .imaging,
        allowOutsideRoot: Bool = false,
        clock: inout PhaseClock
    ) throws {
        try AtomicFile.write(try document.jsonData(), to: staging + "/metrics.json")
        try AtomicFile.write(
            Data(SummaryRenderer(style: .markdown).render(document).utf8), to: staging + "/summary.md")
        clock.lap("write metrics.json and summary.md")
        try FaceOutcomesCSV.write(evaluation, dataset: dataset, to: staging + "/faces.csv")
        clock.lap("write faces.csv")
        if report {
            try ReportWriter.write(
                document, evaluation, dataset: dataset, predictions: predictions, folder: staging, images: images,
                thumbnails: thumbnails, allowOutsideRoot: allowOutsideRoot)
            clock.lap("write the report (index.html, charts, boxes.csv, extras.csv)")
        }
    }

    /// Prints the readers' notes and, unless `quiet`, the summary table and where the files are.
    static func show(
        _ document: MetricsDocument,
        dataset: Dataset,
        images: String?,
        out: String,
        diagnostics: [String],
        quiet: Bool,
        report: Bool = true,
        allowOutsideRoot: Bool = false
    ) {
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
            FileHandle.standardError.write(Data("\(TerminalText.escaped(diagnostic))\n".utf8))
        }
        if diagnostics.count > 20 {
            FileHandle.standardError.write(Data("… and \(diagnostics.count - 20) more notes\n".utf8))
        }
        if !quiet {
            printEscaped(SummaryRenderer(style: .text).render(document), terminator: "")
            printEscaped("\nWrote \(out)/metrics.json, summary.md, faces.csv" + (report ? " and index.html" : ""))
        }
    }
}

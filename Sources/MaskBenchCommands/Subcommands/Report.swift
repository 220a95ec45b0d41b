import ArgumentParser
import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchGate
import MaskBenchRecords
import MaskBenchReport

/// `maskbench report`: re-renders `index.html` and `charts/*.svg` from a saved run, running nothing again.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render index.html and charts/*.svg from a saved evaluation.",
        discussion: """
            Reads DIR/metrics.json with faces.csv, boxes.csv and extras.csv beside it (as `maskbench evaluate` \
            writes them) and writes index.html and charts/*.svg into OUT (default: DIR). Thumbnails of mistakes \
            are cut from --images (default: the image folder the run recorded). Exit 0 on success, 2 on a usage \
            or input error (including a metrics.json of another schema version). With --baseline, the gallery \
            adds the faces that changed since that baseline: new mistakes and fixed ones.
            """
    )

    @Option(help: ArgumentHelp("The run's metrics.json.", valueName: "FILE"))
    var metrics: String

    @Option(help: ArgumentHelp("Folder of the images, for gallery thumbnails.", valueName: "DIR"))
    var images: String?

    @Flag(
        name: .customLong("allow-outside-root"),
        help: "Cut thumbnails from images whose names are absolute, climb out with '..' or link out of --images.")
    var allowOutsideRoot = false

    @OptionGroup var output: OutputFolderOptions

    @Option(
        help: ArgumentHelp(
            "A baseline (maskbench baseline record): show the faces that changed since it.", valueName: "FILE"))
    var baseline: String?

    @OptionGroup var console: ConsoleOptions

    func run() throws {
        let source = URL(fileURLWithPath: metrics).deletingLastPathComponent().path
        let folder = try output.claim(default: source, quiet: console.quiet)
        try refuseAnotherRunsRecords(in: folder.path, source: source)
        var clock = console.clock()
        let outcomes = try baseline.map { path in
            let recorded = try Baseline.read(path: path)
            var correct: [String: [Int: Bool]] = [:]
            for face in recorded.faces where !face.ignored {
                correct[face.image, default: [:]][face.face] = face.correct
            }
            return ReportData.BaselineOutcomes(name: recorded.name, correct: correct)
        }
        clock.lap("read the baseline")
        var written: [String] = []
        try folder.replaceSet(of: ReportWriter.names) { staging in
            // The run's files are read whole, never while another command swaps a new set in.
            let lock = try OutputFolder.ReadLock(source)
            written = try ReportWriter.render(
                metricsPath: metrics, images: images, out: staging, allowOutsideRoot: allowOutsideRoot,
                baseline: outcomes)
            withExtendedLifetime(lock) {}
        }
        clock.lap("render and write the report")
        if !console.quiet, !written.isEmpty {
            printEscaped("Wrote \(folder.path)/index.html and \(written.count - 1) charts")
        }
    }

    /// Refuses to write the report into a folder other than the run's that holds another run's records: the
    /// report would sit beside numbers it does not show.
    private func refuseAnotherRunsRecords(in out: String, source: String) throws {
        guard
            URL(fileURLWithPath: out).resolvingSymlinksInPath()
                != URL(fileURLWithPath: source).resolvingSymlinksInPath()
        else { return }
        let records = EvaluationOutput.names.filter {
            !ReportWriter.names.contains($0) && FileManager.default.fileExists(atPath: out + "/" + $0)
        }
        guard !records.isEmpty else { return }
        throw InputError(
            "holds another run's records (\(records.joined(separator: ", "))): the report of \(metrics) would sit "
                + "beside them; write it into its run's folder, or a folder without them",
            location: FileLocation(file: out))
    }
}

import ArgumentParser
import Foundation
import MaskBenchFiles
import MaskBenchGate
import MaskBenchRecords
import MaskBenchReport

/// `maskbench gate`: compare a run with a baseline under rules; exit 0 pass, 1 regression, 2 input error.
struct Gate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fail when a run is worse than a baseline on the metrics that matter.",
        discussion: """
            Compares DIR/metrics.json and DIR/faces.csv (written by `maskbench evaluate --out DIR`) with a \
            baseline recorded by `maskbench baseline record`. A rule fails when its metric got worse by more \
            than max(absoluteTolerance, relativeTolerance × baseline) and, when the rule sets `significance`, \
            the change is significant (exact McNemar on the paired faces for TNR, FNR and detector recall; \
            paired bootstrap over images for pipeline AUC). Without --rules: TNR, detector recall and AUC \
            higher-is-better, FNR lower-is-better, absolute tolerance 0.01, significance 0.05. The gate \
            fails closed: a run on other data or under other settings, a null metric, or faces.csv (or the \
            baseline's faces) disagreeing with its metrics is an input error; images that failed in the run \
            fail the gate; a significance test with nothing (or too little) to pair gives way to the \
            tolerance alone. Exit 0 on pass, 1 on a regression or failed images, 2 on a usage or input \
            error (then nothing is written).
            """
    )

    @Option(help: ArgumentHelp("The baseline file, Baselines/NAME.json.", valueName: "FILE"))
    var baseline: String

    @Option(help: ArgumentHelp("The run's metrics.json; faces.csv must be beside it.", valueName: "FILE"))
    var metrics: String

    @Option(
        help: ArgumentHelp(
            "Rules file (YAML or JSON). Default: TNR, FNR, detector recall and AUC rules.", valueName: "FILE"))
    var rules: String?

    @Option(help: ArgumentHelp("Also write the verdicts as JUnit XML to this file.", valueName: "FILE"))
    var junit: String?

    @Option(
        help: ArgumentHelp(
            "Also write the verdicts as Markdown to this file, for a pull-request comment.", valueName: "FILE"))
    var markdown: String?

    @Flag(
        name: .customLong("allow-dataset-change"),
        help: "Compare even when the run's dataset fingerprint differs from the baseline's.")
    var allowDatasetChange = false

    @Flag(
        name: .customLong("allow-settings-change"),
        help:
            "Compare even when the run was evaluated under other settings than the baseline's (listed above the verdicts)."
    )
    var allowSettingsChange = false

    @OptionGroup var console: ConsoleOptions

    func run() throws {
        var clock = console.clock()
        let recorded = try Baseline.read(path: baseline)
        let document = try MetricsDocument.read(path: metrics)
        let folder = URL(fileURLWithPath: metrics).deletingLastPathComponent().path
        let facesPath = folder + "/faces.csv"
        guard FileManager.default.fileExists(atPath: facesPath) else {
            throw GateError(
                file: facesPath, "no faces.csv beside \(metrics); the gate pairs faces with the baseline's")
        }
        let faces = try FaceOutcomesCSV.read(path: facesPath)
        let extrasPath = URL(fileURLWithPath: metrics).deletingLastPathComponent().path + "/extras.csv"
        let extras =
            FileManager.default.fileExists(atPath: extrasPath) ? try BoxTables.readExtras(path: extrasPath) : nil
        clock.lap("read the baseline and the run")
        let gate = RegressionGate(
            rules: try rules.map { try GateRules.read(path: $0) } ?? GateRule.defaults,
            allowDatasetChange: allowDatasetChange,
            allowSettingsChange: allowSettingsChange
        )
        let report = try gate.check(
            baseline: recorded,
            baselineFile: baseline,
            current: RegressionGate.Run(metrics: document, faces: faces, extras: extras, file: metrics)
        )
        clock.lap("judge \(report.verdicts.count) rules")
        if let junit {
            try AtomicFile.write(Data(JUnitReport.xml(report).utf8), to: junit)
        }
        if let markdown {
            try AtomicFile.write(Data(report.markdown().utf8), to: markdown)
        }
        if !console.quiet { printEscaped(report.text(), terminator: "") }
        if !report.passed { throw ExitCode(1) }
    }
}

import ArgumentParser
import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchGate
import MaskBenchRecords
import MaskBenchReport

/// `maskbench baseline`: the only way baselines are written.
struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Record baselines for `maskbench gate`.",
        subcommands: [Record.self]
    )

    /// `maskbench baseline record --from DIR --name NAME`.
    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the run in DIR (metrics.json + faces.csv) as Baselines/NAME.json.",
            discussion: """
                Reads DIR/metrics.json and DIR/faces.csv, written by `maskbench evaluate --out DIR`, and \
                writes BASELINES/NAME.json atomically (sorted keys: the same run gives the same bytes). An \
                existing baseline is replaced only with --force. A run whose faces.csv disagrees with its \
                metrics.json is refused. Exit 0 on success, 2 on a usage or input error.
                """
        )

        @Option(help: ArgumentHelp("The output folder of `maskbench evaluate`.", valueName: "DIR"))
        var from: String

        @Option(help: ArgumentHelp("The baseline's name: letters, digits, '.', '-' and '_'.", valueName: "NAME"))
        var name: String

        @Option(help: ArgumentHelp("The folder baselines are kept in.", valueName: "DIR"))
        var baselines: String = "Baselines"

        @Flag(help: "Replace the baseline when one of that name exists.")
        var force = false

        @OptionGroup var console: ConsoleOptions

        func validate() throws {
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: ".-_"))
            guard !name.isEmpty, !name.hasPrefix("."), name.unicodeScalars.allSatisfy(allowed.contains) else {
                throw ValidationError("--name '\(name)': use letters, digits, '.', '-' and '_', not starting with '.'")
            }
        }

        func run() throws {
            var clock = console.clock()
            let path = baselines + "/" + name + ".json"
            if !force, FileManager.default.fileExists(atPath: path) {
                throw InputError(
                    "a baseline of that name exists; pass --force to replace it", location: FileLocation(file: path))
            }
            let baseline = try Baseline.record(from: from, name: name)
            clock.lap("read the run")
            try AtomicFile.makeDirectory(baselines)
            try baseline.write(to: path)
            clock.lap("write the baseline")
            guard !console.quiet else { return }
            printEscaped(
                "Wrote \(path): \(baseline.faces.count) faces, dataset \(baseline.datasetFingerprint), \(baseline.harness.name) \(baseline.harness.version)"
            )
        }
    }
}

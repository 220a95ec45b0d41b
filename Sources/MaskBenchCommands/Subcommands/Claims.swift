import ArgumentParser
import Foundation
import MaskBenchGate
import MaskBenchRecords
import MaskBenchReport

/// `maskbench claims`: the numbers a README publishes.
struct ClaimsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claims",
        abstract: "Check the numbers a README publishes (Baselines/claims/*.yml).",
        subcommands: [Check.self]
    )

    /// `maskbench claims check FILE [--metrics PATH] [--tolerance T]`.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute a README's rates from its counts, check its totals add up, compare with a run.",
            discussion: """
                Prints every check with the README lines it draws on. When the copy the line numbers refer to \
                (source.lines) is found, relative to the claims file or else to the current folder, every quote must be \
                on its line. Exit 0 when the claims are consistent (and match the run), 1 when any \
                inconsistency, mismatch or misplaced quote is found, 2 when the claims file or metrics.json \
                cannot be read.
                """
        )

        @Argument(help: ArgumentHelp("The claims file (YAML), e.g. Baselines/claims/seed001.yml.", valueName: "FILE"))
        var file: String

        @Option(help: ArgumentHelp("A run's metrics.json to compare every claim with.", valueName: "FILE"))
        var metrics: String?

        @Option(
            help: ArgumentHelp(
                "Absolute tolerance on rates when comparing with the run (0.001 = 0.1 percentage point).",
                valueName: "X"))
        var tolerance: Double = 0.001

        @OptionGroup var console: ConsoleOptions

        func validate() throws {
            guard tolerance.isFinite, tolerance >= 0 else {
                throw ValidationError("--tolerance must be a number ≥ 0, not \(tolerance)")
            }
        }

        func run() async throws {
            var clock = console.clock()
            let claims = try Claims.read(path: file)
            let run = try metrics.map { try MetricsDocument.read(path: $0) }
            clock.lap("read the claims and the run")
            let report = ClaimsReport(
                claims: claims, run: run, metricsPath: metrics, tolerance: tolerance, source: claims.sourceLines())
            clock.lap("check the claims")
            if !console.quiet { printEscaped(report.rendered(), terminator: "") }
            if !report.passed { throw ExitCode(1) }
        }
    }
}

import ArgumentParser
import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchFormats
import MaskBenchInference
import MaskBenchRecords
import MaskBenchReport

/// `maskbench merge`: the shards of a sharded `run` → what one `run` over the whole data set writes.
struct Merge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge the shards of a sharded run and evaluate them as one run.",
        discussion: """
            Each SHARD_DIR is the --out of one `maskbench run --shard K/N`. Before reading any answers the merge \
            checks that every shard has finished (its shard.json), that all ran the same pipeline on this ground \
            truth with the same N, and that every K from 0 to N-1 is there exactly once with its own images; \
            otherwise it exits 2 naming the shards concerned, and lists missing ones as a Slurm --array= value \
            to resubmit. Then it writes to --out what one `maskbench run` over the whole data set writes \
            (predictions.jsonl, failures.jsonl, metrics.json, summary.md, faces.csv, the report): the same \
            bytes, but for metrics.json's paths and its computed and cached counts. Exit 0 on success, 1 when \
            some images failed, 2 on a usage or input error.
            """
    )

    @Argument(help: ArgumentHelp("The shard folders, each written by `maskbench run --shard`.", valueName: "DIR"))
    var shards: [String]

    @OptionGroup var groundTruth: GroundTruthArguments
    @OptionGroup var evaluation: EvaluationArguments

    @OptionGroup var output: OutputFolderOptions
    @OptionGroup var console: ConsoleOptions

    /// The output folder.
    var out: String { output.folder() }
    /// `--quiet`.
    var quiet: Bool { console.quiet }

    @OptionGroup var report: ReportOptions

    func run() async throws {
        let settings = try evaluation.settings(incorrectAs: groundTruth.incorrectAs)
        let folder = try output.claim(quiet: quiet)
        var clock = console.clock()
        var truth = try GroundTruthReader.read(path: groundTruth.path, options: try groundTruth.options())
        truth.coco = nil  // shards name images by file name: the COCO records are not needed
        clock.lap("read ground truth")
        let set: ShardSet
        do {
            // Each shard folder is read whole, never while a shard run swaps its outputs in.
            let locks = try shards.map(OutputFolder.ReadLock.init)
            set = try ShardSet.read(
                shards, dataset: truth.dataset, fingerprint: { $0.fingerprint() }, limits: groundTruth.limits)
            withExtendedLifetime(locks) {}
        } catch let error as ShardSetError {
            throw InputError(error.description)
        }
        clock.lap("read \(set.manifests.count) shards")
        let answers = PipelineRun.Answers(
            predictions: set.predictions, cropScores: set.cropScores,
            failures: set.failures.map { PipelineRun.FailedImage(image: $0.image, reason: $0.reason) })
        let evaluated = PipelineRun.evaluate(answers, of: truth.dataset, settings: settings) { clock.lap($0) }
        let pipeline = set.manifests[0].pipeline
        let imagesDirectory =
            groundTruth.images ?? URL(fileURLWithPath: groundTruth.path).deletingLastPathComponent().path
        let failures = try RunOutput.write(
            evaluated,
            summary: RunOutput.Summary(
                pipeline: pipeline.name, pipelineFingerprint: pipeline.fingerprint,
                images: truth.dataset.images.count, computed: set.computed, cached: set.cached,
                models: pipeline.models),
            truth: truth, groundTruth: groundTruth, images: imagesDirectory, folder: folder, quiet: quiet,
            report: report.wanted, clock: &clock)
        ProcessLifetime.keep((truth, set, evaluated))
        if !quiet {
            printEscaped(
                "Merged \(set.manifests.count) shards of pipeline \(pipeline.name): \(set.computed) images computed, "
                    + "\(set.cached) cached")
        }
        if !failures.isEmpty {
            for failure in failures.prefix(10) { note("failed: \(failure.image): \(failure.reason)") }
            note(
                "\(failures.count) of \(truth.dataset.images.count) images failed (listed in \(out)/failures.jsonl "
                    + "and metrics.json); the other \(truth.dataset.images.count - failures.count) were evaluated")
            throw ExitCode(1)
        }
    }

    private func note(_ message: String) {
        FileHandle.standardError.write(Data((TerminalText.escaped(message) + "\n").utf8))
    }
}

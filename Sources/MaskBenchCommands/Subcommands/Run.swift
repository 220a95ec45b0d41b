import ArgumentParser
import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchFormats
import MaskBenchImaging
import MaskBenchInference
import MaskBenchRecords
import MaskBenchReport

/// `maskbench run`: a pipeline over every image of a ground truth → predictions, then the evaluation.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a pipeline over a ground truth's images, then evaluate it.",
        discussion: """
            The pipeline is built in (--pipeline), described by a config file (--config), or an external \
            program speaking MaskBench's worker protocol (--external, see Docs/worker-protocol.md). Results are \
            cached in OUT/cache by pipeline fingerprint and image content, so a re-run or a run after Ctrl-C \
            recomputes nothing already done. Writes OUT/predictions.jsonl, OUT/failures.jsonl (images that \
            failed, with the reason; they are left out of the numbers), OUT/logs/ (worker logs), then what \
            `maskbench evaluate` writes. Images are looked up in --images (default: the folder holding the \
            ground truth); a FIFO, socket or device there is a failed image, never read. Exit 0 on success, 1 \
            when some images failed, 2 on a usage or input error, 130 when stopped by Ctrl-C.

            An --external worker that fails the first 8 images it is given the same way (a crash, a hang, \
            the same error…), none succeeding, stops the run: exit 1 naming the command, the failure and the \
            worker's log, no outputs written (images already answered stay cached). An answer that comes late \
            or twice is its own request's, never the next image's. Each OUT/logs/worker-K.log keeps the first \
            MiB and at least the last MiB of what worker K writes on standard error in a run.

            With --shard K/N it runs only shard K of N (image i of the image names sorted by their bytes, \
            when i mod N = K) and evaluates nothing: it writes OUT/predictions.jsonl, OUT/failures.jsonl, \
            OUT/crops.jsonl and, last, OUT/shard.json, for `maskbench merge`, which evaluates all shards as \
            one run. --shard auto/N takes K from MASKBENCH_SHARD_INDEX, SLURM_ARRAY_TASK_ID or \
            JOB_COMPLETION_INDEX, the first that is set. A shard exits 0 when it finished, failed images \
            included (the merge reports them).

            A --config file's keys (paths are relative to the file):

            """ + PipelineConfiguration.help
    )

    @OptionGroup var groundTruth: GroundTruthArguments

    @Option(
        help: ArgumentHelp(
            "A built-in pipeline: \(NativePipeline.builtIn.keys.sorted().joined(separator: ", ")).", valueName: "NAME"))
    var pipeline: String?

    @Option(
        help: ArgumentHelp(
            "A pipeline config file (YAML or JSON) with the keys \(PipelineConfiguration.keyList) (see above).",
            valueName: "FILE"))
    var config: String?

    @Option(
        help: ArgumentHelp(
            "Your mask classifier in place of the seeds' (Keras 2 .h5 or .onnx), fed as the seeds' is unless a "
                + "--config file says otherwise; checked with dummy faces before any image.",
            valueName: "PATH"))
    var classifier: String?

    @Option(
        name: .customLong("detector-weights"),
        help: ArgumentHelp(
            "Your weights for the pipeline's detector, same architecture: res10 a .caffemodel, mtcnn a folder of "
                + "pnet/rnet/onet.onnx, haar a cascade .xml, retinaface an ONNX file OpenCV 4.6 reads.",
            valueName: "PATH"))
    var detectorWeights: String?

    @Option(help: ArgumentHelp("A worker command speaking the MaskBench worker protocol.", valueName: "CMD"))
    var external: String?

    @Flag(help: "Run the --external command through /bin/sh -c (pipes, variables, cd … &&).")
    var shell = false

    @Option(
        help: ArgumentHelp(
            "Workers running at once (default: the number of cores).", valueName: "N"))
    var workers: Int?

    @Option(
        help: ArgumentHelp(
            "Seconds an external worker may take on one image before it is restarted.", valueName: "SECONDS"))
    var timeout: Double = 60

    @Option(
        name: .customLong("startup-timeout"),
        help: ArgumentHelp("Seconds an external worker may take to start.", valueName: "SECONDS"))
    var startupTimeout: Double = 300

    @Option(
        help: ArgumentHelp("Retries of an image after its worker crashed, hung or answered garbage.", valueName: "N"))
    var retries: Int = 1

    @Option(help: ArgumentHelp("Models folder of the built-in pipelines.", valueName: "DIR"))
    var models: String?

    @Option(help: ArgumentHelp("Cache folder (default: OUT/cache).", valueName: "DIR"))
    var cache: String?

    @Flag(
        name: .customLong("no-crops"),
        help: "Do not classify every ground-truth face alone (no classifier.groundTruthCrops); only detected faces.")
    var noCrops = false

    @Flag(name: .customLong("no-cache"), help: "Neither read nor write cached results.")
    var noCache = false

    @Option(
        name: .customLong("pixel-budget"),
        help: ArgumentHelp(
            "Images with more pixels are refused, not decoded (built-in and --config pipelines; default \(ImageDecoder.defaultPixelBudget)).",
            valueName: "PIXELS"))
    var pixelBudget: Int?

    @Option(
        help: ArgumentHelp(
            "Run only shard K of N, for `maskbench merge`; auto/N takes K from the job array's environment.",
            valueName: "K/N"))
    var shard: String?

    @OptionGroup var evaluation: EvaluationArguments

    @OptionGroup var output: OutputFolderOptions
    @OptionGroup var console: ConsoleOptions

    /// The output folder.
    var out: String { output.folder() }
    /// `--quiet`.
    var quiet: Bool { console.quiet }

    @OptionGroup var report: ReportOptions

    func validate() throws {
        let sources = [pipeline, config, external].compactMap { $0 }
        guard sources.count == 1 else {
            throw ValidationError("give exactly one of --pipeline NAME, --config FILE or --external CMD")
        }
        if shell && external == nil { throw ValidationError("--shell goes with --external") }
        if let workers, workers < 1 { throw ValidationError("--workers must be 1 or more, got \(workers)") }
        guard timeout > 0, startupTimeout > 0 else {
            throw ValidationError("--timeout and --startup-timeout must be > 0")
        }
        guard retries >= 0 else { throw ValidationError("--retries must be 0 or more, got \(retries)") }
        if let pixelBudget, pixelBudget <= 0 {
            throw ValidationError("--pixel-budget must be 1 or more, got \(pixelBudget)")
        }
        if external != nil && (classifier != nil || detectorWeights != nil) {
            throw ValidationError("--classifier and --detector-weights go with --pipeline or --config")
        }
        if pixelBudget != nil && external != nil {
            throw ValidationError(
                "--pixel-budget applies to --pipeline and --config; an --external worker decodes its own images")
        }
    }

    func run() async throws {
        let settings = try evaluation.settings(incorrectAs: groundTruth.incorrectAs)
        let folder = try output.claim(quiet: quiet)
        var clock = console.clock()
        let sharding: (shard: Shard, variable: String?)?
        do {
            sharding = try shard.map { try Shard.parse($0, environment: ProcessInfo.processInfo.environment) }
        } catch {
            throw InputError("\(error)")
        }
        let truth = try GroundTruthReader.read(path: groundTruth.path, options: try groundTruth.options())
        let dataset = sharding.map { $0.shard.images(of: truth.dataset) } ?? truth.dataset
        let imagesDirectory =
            groundTruth.images ?? URL(fileURLWithPath: groundTruth.path).deletingLastPathComponent().path
        // Absolute, so that a worker that changes its folder still finds the image; never outside the folder
        // (names, `..` or symbolic links) unless --allow-outside-root.
        let root = ImageRoot(
            URL(fileURLWithPath: imagesDirectory).standardizedFileURL.path,
            allowsOutside: groundTruth.allowOutsideRoot, source: groundTruth.path)
        var job = try PipelineRun(
            dataset: dataset, images: root, settings: settings, classifiesGroundTruthCrops: !noCrops)
        if sharding != nil {
            // An earlier attempt's set would mark this shard complete before it is: withdraw it.
            try folder.replaceSet(of: RunOutput.names) { _ in }
        }
        // Folders MaskBench makes inside OUT are never symbolic links planted there.
        if external != nil { try AtomicFile.makeSubdirectory("logs", in: out) }
        if !noCache, cache == nil { try AtomicFile.makeSubdirectory("cache", in: out) }

        clock.lap("read ground truth")
        // The report cuts its thumbnails from the images the pipeline decoded, where it still keeps them.
        let decodedImages = report.wanted && sharding == nil ? DecodedImages() : nil
        let (definition, external) = try makePipeline(keeping: decodedImages)
        clock.lap("load pipeline")
        defer { external?.shutdown() }
        // A wrong images folder is one input error, not a failed image per image (after the pipeline, so a
        // misnamed pipeline is reported first).
        if let first = truth.dataset.images.first, !root.containsAny(of: truth.dataset.images.lazy.map(\.name)) {
            throw InputError(root.noneFoundMessage(count: truth.dataset.images.count, example: first.name))
        }
        job.workers = workers ?? ProcessInfo.processInfo.activeProcessorCount
        job.cacheDirectory = noCache ? nil : cache ?? out + "/cache"
        job.progress = quiet ? nil : RunProgress()
        job.evaluates = sharding == nil
        let trap = InterruptTrap(
            stop: job.stop,
            notice: "Stopping after the images in progress (finished images are cached); Ctrl-C again quits at once."
        )
        let result: PipelineRun.Result
        do {
            defer { trap.cancel() }
            result = try await job.run(definition)
        }
        if let directory = job.cacheDirectory, result.cacheSkippedLines > 0 {
            note("\(directory): skipped \(result.cacheSkippedLines) unreadable line(s)")
        }
        if let events = external?.events.all, !events.isEmpty {
            try AtomicFile.makeSubdirectory("logs", in: out)
            try AtomicFile.write(Data(events.map { $0 + "\n" }.joined().utf8), to: out + "/logs/events.log")
            for event in events.prefix(10) { note(event) }
            if events.count > 10 { note("… \(events.count - 10) more in \(out)/logs/events.log") }
        }
        if let cacheError = result.report.cacheError { note("results were not all cached: \(cacheError)") }
        if let stopped = result.report.stopped {
            let notRun = result.report.outcomes.filter { $0 == nil }.count
            note("stopped: \(stopped)")
            // A shard's earlier set was withdrawn when it started.
            let kept = sharding == nil ? "; \(out) keeps its previous ones" : ""
            note(
                "\(notRun) of \(job.items.count) images were not run; no outputs written\(kept). Fix the worker, then "
                    + "run the same command again (images already answered are cached).")
            throw ExitCode(1)
        }
        guard let answers = result.answers else {
            let done = result.report.outcomes.filter { $0 != nil }.count
            note(
                "Interrupted: \(done) of \(job.items.count) images done and cached; run the same command again to resume."
            )
            // 130 as a shell reports Ctrl-C; main maps every other code but 0 and 1 to 2 (usage), so exit here.
            external?.shutdown()
            Foundation.exit(130)
        }
        clock.record(result.phases)
        let summary = RunOutput.Summary(
            pipeline: definition.name,
            pipelineFingerprint: definition.fingerprint,
            images: job.items.count,
            computed: result.report.computedCount,
            cached: result.report.cachedCount,
            models: (definition as? NativePipeline)?.modelRecords
        )
        if let (shard, variable) = sharding {
            let manifest = try RunOutput.writeShard(
                answers, summary: summary, shard: shard, dataset: truth.dataset, part: dataset,
                groundTruthCrops: !noCrops, folder: folder)
            clock.lap("write the shard")
            if !quiet {
                printEscaped(
                    "Shard \(shard)\(variable.map { " (K from \($0))" } ?? ""): \(manifest.images.count) of "
                        + "\(manifest.dataset.count) images, \(summary.computed) computed, \(summary.cached) cached, "
                        + "\(answers.failures.count) failed; wrote \(out)/\(ShardSet.File.manifest)")
            }
            return
        }
        guard let evaluated = result.evaluated else { return }
        let failures = try RunOutput.write(
            evaluated, summary: summary, truth: truth, groundTruth: groundTruth, images: imagesDirectory,
            folder: folder, quiet: quiet, report: report.wanted, thumbnails: .imaging(reusing: decodedImages),
            clock: &clock)
        if !quiet {
            printEscaped("Pipeline \(definition.name): \(summary.computed) images computed, \(summary.cached) cached")
        }
        if !failures.isEmpty {
            for failure in failures.prefix(10) { note("failed: \(failure.image): \(failure.reason)") }
            note(
                "\(failures.count) of \(job.items.count) images failed (listed in \(out)/failures.jsonl and metrics.json); "
                    + "the other \(job.items.count - failures.count) were evaluated")
            throw ExitCode(1)
        }
    }

    /// The pipeline the options name, and the external pipeline when it is one (to read its events and end it).
    /// A built-in or configured pipeline keeps the images it decodes in `decodedImages`.
    private func makePipeline(
        keeping decodedImages: DecodedImages?
    ) throws -> (any PipelineDefinition, ExternalPipeline?) {
        do {
            if let external {
                let configuration = ExternalPipeline.Configuration(
                    command: external,
                    logDirectory: out + "/logs",
                    shell: shell,
                    timeout: timeout,
                    startupTimeout: startupTimeout,
                    retries: retries
                )
                let pipeline = try ExternalPipeline.start(configuration)
                return (pipeline, pipeline)
            }
            let classifierFile = classifier.map { URL(fileURLWithPath: $0) }
            let detectorWeights = detectorWeights.map { URL(fileURLWithPath: $0) }
            var native: NativePipeline
            if let config {
                native = try PipelineConfiguration.load(path: config).makePipeline(
                    file: config, pixelBudget: pixelBudget, classifierFile: classifierFile,
                    detectorWeights: detectorWeights)
            } else {
                let settings = PipelineRegistry.Settings(
                    modelsDirectory: models, pixelBudget: pixelBudget ?? ImageDecoder.defaultPixelBudget,
                    classifierFile: classifierFile, detectorWeights: detectorWeights)
                let named = try PipelineRegistry.pipeline(named: pipeline ?? "", settings: settings)
                guard let built = named as? NativePipeline else { return (named, nil) }
                native = built
            }
            native.decodedImages = decodedImages
            return (native, nil)
        } catch let error as ExternalWorkerError {
            throw InputError("cannot start the external worker: \(error.description)")
        }
    }

    private func note(_ message: String) {
        FileHandle.standardError.write(Data((TerminalText.escaped(message) + "\n").utf8))
    }
}

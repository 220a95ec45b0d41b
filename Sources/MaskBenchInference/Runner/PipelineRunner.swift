import Foundation
package import MaskBenchCore
import Synchronization

/// One image to run: its name (the ground truth's key), its file and its ground-truth boxes.
package struct RunItem: Sendable, Hashable {
    /// The image's name in the ground truth.
    package var name: String
    /// The image file.
    package var path: String
    /// The ground-truth boxes, for the classifier on ground-truth crops.
    package var groundTruthBoxes: [Box]

    /// Creates an item.
    package init(name: String, path: String, groundTruthBoxes: [Box] = []) {
        self.name = name
        self.path = path
        self.groundTruthBoxes = groundTruthBoxes
    }
}

/// What became of one image.
package enum ImageOutcome: Sendable, Hashable {
    /// The pipeline answered on this run.
    case computed(PipelineResult)
    /// The answer came from the cache.
    case cached(PipelineResult)
    /// The image failed; the reason.
    case failed(String)

    /// The pipeline's answer, if there is one.
    package var result: PipelineResult? {
        switch self {
        case .computed(let result), .cached(let result): result
        case .failed: nil
        }
    }
}

/// What a run gave: an outcome per image in input order (`nil`: not run, the run was stopped).
package struct RunReport: Sendable, Hashable {
    /// `outcomes[i]` belongs to the `i`-th item.
    package var outcomes: [ImageOutcome?]
    /// Whether the run was stopped (Ctrl-C) before every image was done.
    package var interrupted: Bool
    /// Why results could not be cached (a full disk), if they could not; the results themselves are kept.
    package var cacheError: String?
    /// Why the pipeline stopped the run (``PipelineStop``), if it did; the images not run have no outcome.
    package var stopped: String? = nil

    /// Images the pipeline answered on this run.
    package var computedCount: Int { outcomes.filter { if case .computed = $0 { true } else { false } }.count }
    /// Images answered from the cache.
    package var cachedCount: Int { outcomes.filter { if case .cached = $0 { true } else { false } }.count }
    /// Images that failed.
    package var failedCount: Int { outcomes.filter { if case .failed = $0 { true } else { false } }.count }
}

/// Runs a pipeline over images on several threads, each with its own ``PipelineWorker``, consulting and
/// filling a ``PredictionCache``.
///
/// Each worker is made on the thread that uses it, all before the first image (a model that cannot load is
/// an error before any image is read). Threads take the next image in input order; outcomes are stored by
/// index, so the report's order never depends on which thread finished first. A ``RunStop`` request, or a
/// worker's ``PipelineStop``, makes every thread stop after its current image. A FIFO, socket or device named
/// as an image is a failed image, never opened (reading it could wait forever).
package struct PipelineRunner: Sendable {
    /// How many workers run at once.
    package var workers: Int
    /// Where results are looked up and stored; `nil` runs everything.
    package var cache: PredictionCache?
    /// Progress display; `nil` shows nothing.
    package var progress: RunProgress?
    /// Asked to stop by Ctrl-C.
    package var stop: RunStop

    /// Creates a runner.
    package init(
        workers: Int = ProcessInfo.processInfo.activeProcessorCount,
        cache: PredictionCache? = nil,
        progress: RunProgress? = nil,
        stop: RunStop = RunStop()
    ) {
        self.workers = max(1, workers)
        self.cache = cache
        self.progress = progress
        self.stop = stop
    }

    /// Runs `pipeline` on every item.
    ///
    /// The work is blocking (OpenCV, worker processes), so it never runs on Swift's cooperative thread pool:
    /// the cache look-up and the workers run on threads of their own, and the caller awaits their end.
    /// Cancelling the calling task asks the run to stop, as ``stop`` does: each worker finishes its current
    /// image, and the report comes back ``RunReport/interrupted``.
    ///
    /// - Throws: ``RunnerError`` when a worker cannot be made (its error's description included).
    package func run(_ pipeline: any PipelineDefinition, on items: [RunItem]) async throws -> RunReport {
        let stop = self.stop
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let thread = Thread {
                    continuation.resume(with: Result { try runOnThreads(pipeline, on: items) })
                }
                thread.name = "maskbench-runner"
                thread.start()
            }
        } onCancel: {
            stop.request()
        }
    }

    /// ``run(_:on:)``'s work, on the calling thread (which it blocks) and the worker threads it starts.
    private func runOnThreads(_ pipeline: any PipelineDefinition, on items: [RunItem]) throws -> RunReport {
        // Cache look-up first, when the cache holds results of this pipeline: when every image is cached, no worker
        // is started. An empty cache answers nothing: the workers then key their images as they take them, so
        // that hashing the files (99 MB for the Kaggle set, a tenth of a second) overlaps the models' work.
        var outcomes = [ImageOutcome?](repeating: nil, count: items.count)
        var keys = [ImageKey?](repeating: nil, count: items.count)
        if let cache, cache.loadedCount > 0 {
            let looked = Mutex((outcomes: outcomes, keys: keys))
            DispatchQueue.concurrentPerform(iterations: items.count) { index in
                let item = items[index]
                if let refusal = Self.refusal(of: item) {
                    looked.withLock { $0.outcomes[index] = .failed(refusal) }
                    return
                }
                do {
                    let key = try ImageKey(imageAt: item.path, boxes: item.groundTruthBoxes)
                    let result = cache.result(for: key)
                    looked.withLock { looked in
                        looked.keys[index] = key
                        if let result { looked.outcomes[index] = .cached(result) }
                    }
                } catch {
                    looked.withLock { $0.outcomes[index] = .failed("\(error)") }
                }
            }
            (outcomes, keys) = looked.withLock { $0 }
        }
        let pending = items.indices.filter { outcomes[$0] == nil }
        let cached = outcomes.filter { if case .cached = $0 { true } else { false } }.count
        progress?.start(total: pending.count, cached: cached, failedBefore: items.count - pending.count - cached)
        guard !pending.isEmpty else {
            progress?.finish(interrupted: false)
            return RunReport(outcomes: outcomes, interrupted: false, cacheError: nil)
        }

        let threadCount = min(workers, pending.count)
        let shared = SharedRun(outcomes: outcomes)
        let made = DispatchGroup()
        let finished = DispatchGroup()
        let go = DispatchSemaphore(value: 0)
        let (cache, progress, stop) = (self.cache, self.progress, self.stop)

        for threadIndex in 0..<threadCount {
            made.enter()
            finished.enter()
            let thread = Thread { [keys] in
                defer { finished.leave() }
                var worker: (any PipelineWorker)?
                do {
                    worker = try pipeline.makeWorker(index: threadIndex)
                } catch {
                    shared.state.withLock { $0.startErrors.append((threadIndex, "\(error)")) }
                }
                made.leave()
                go.wait()
                guard let worker, !shared.state.withLock({ $0.abort }) else { return }
                while !stop.isRequested {
                    let slot: Int? = shared.state.withLock { state in
                        guard state.stopped == nil, state.next < pending.count else { return nil }
                        defer { state.next += 1 }
                        return pending[state.next]
                    }
                    guard let index = slot else { break }
                    let item = items[index]
                    let outcome: ImageOutcome
                    if let refusal = Self.refusal(of: item) {
                        outcome = .failed(refusal)
                    } else {
                        do {
                            // Keyed now when the look-up was skipped (an empty cache).
                            let key =
                                try keys[index]
                                ?? (cache == nil ? nil : ImageKey(imageAt: item.path, boxes: item.groundTruthBoxes))
                            outcome = Self.run(worker, on: item, key: key, cache: cache, shared: shared)
                        } catch {
                            outcome = .failed("\(error)")
                        }
                    }
                    shared.state.withLock { $0.outcomes[index] = outcome }
                    progress?.advance(failed: outcome.result == nil)
                }
            }
            // OpenCV and TensorFlow-sized stacks; Foundation's default on Linux is smaller.
            thread.stackSize = 8 << 20
            thread.name = "maskbench-worker-\(threadIndex + 1)"
            thread.start()
        }
        made.wait()
        let errors = shared.state.withLock { state in
            if !state.startErrors.isEmpty { state.abort = true }
            return state.startErrors.sorted { $0.0 < $1.0 }
        }
        progress?.workersReady()
        for _ in 0..<threadCount { go.signal() }
        finished.wait()
        cache?.flush()
        if let (index, message) = errors.first {
            progress?.finish(interrupted: true)
            throw RunnerError("cannot start worker \(index + 1) of pipeline '\(pipeline.name)': \(message)")
        }
        let (all, storeError, stopped) = shared.state.withLock { ($0.outcomes, $0.storeError, $0.stopped) }
        let interrupted = all.contains(nil)
        progress?.finish(interrupted: interrupted)
        return RunReport(outcomes: all, interrupted: interrupted, cacheError: storeError, stopped: stopped)
    }

    /// `worker`'s outcome for `item`, stored in `cache` under `key`; a ``PipelineStop`` is recorded in `shared`.
    private static func run(
        _ worker: any PipelineWorker, on item: RunItem, key: ImageKey?, cache: PredictionCache?, shared: SharedRun
    ) -> ImageOutcome {
        do {
            let result = try worker.run(PipelineRequest(imagePath: item.path, groundTruthBoxes: item.groundTruthBoxes))
            if let cache, let key {
                do {
                    try cache.store(result, for: key)
                } catch {
                    shared.state.withLock { $0.storeError = $0.storeError ?? "\(error)" }
                }
            }
            return .computed(result)
        } catch let stop as PipelineStop {
            shared.state.withLock { $0.stopped = $0.stopped ?? stop.reason }
            return .failed(stop.imageReason)
        } catch {
            return .failed("\(error)")
        }
    }

    /// Why `item` is not a file to read, when it is a FIFO, a socket or a device (``FileErrorReason``).
    private static func refusal(of item: RunItem) -> String? {
        FileErrorReason.notARegularFile(item.path).map { RunnerError(file: item.path, $0).description }
    }
}

/// What the worker threads of one run share, behind one lock.
private final class SharedRun: Sendable {
    struct State {
        /// `outcomes[i]` belongs to the `i`-th item.
        var outcomes: [ImageOutcome?]
        /// The position in the pending images of the next one to take.
        var next = 0
        /// Workers that could not be made: their index and why.
        var startErrors: [(Int, String)] = []
        /// The first reason a result could not be cached.
        var storeError: String?
        /// Set when a worker could not be made: the others stop before their first image.
        var abort = false
        /// Why a worker stopped the run (``PipelineStop``): no thread takes another image.
        var stopped: String?
    }

    let state: Mutex<State>

    init(outcomes: [ImageOutcome?]) {
        state = Mutex(State(outcomes: outcomes))
    }
}

/// A request to stop a run, shared by the Ctrl-C handler and the worker threads.
package final class RunStop: Sendable {
    private let requested = Mutex(false)

    /// Creates a flag that is not set.
    package init() {}

    /// Whether a stop was requested.
    package var isRequested: Bool { requested.withLock { $0 } }

    /// Asks every worker thread to stop after its current image.
    package func request() {
        requested.withLock { $0 = true }
    }
}

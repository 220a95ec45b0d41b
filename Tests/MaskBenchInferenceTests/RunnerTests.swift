import Foundation
import MaskBenchCore
import MaskBenchInference
import MaskBenchTestSupport
import Synchronization
import Testing

/// A pipeline made in the test: answers one face whose `x` is the image's number, records every call, fails
/// on the images it is told to, and can ask the run to stop after some calls.
private struct CountingPipeline: PipelineDefinition {
    let calls = Calls()
    var failing: Set<String> = []
    var stopAfter: (count: Int, stop: RunStop)?
    var unstartable: Int?

    var name: String { "counting" }
    var fingerprint: String { "counting-v1" }

    func makeWorker(index: Int) throws -> any PipelineWorker {
        if index == unstartable { throw RunnerError("model 'x' is missing") }
        return Worker(pipeline: self)
    }

    /// Every image asked, in order; a class, so copies of the pipeline and its workers share it.
    final class Calls: Sendable {
        let names = Mutex([String]())
    }

    final class Worker: PipelineWorker {
        let pipeline: CountingPipeline

        init(pipeline: CountingPipeline) {
            self.pipeline = pipeline
        }

        func run(_ request: PipelineRequest) throws -> PipelineResult {
            let name = (request.imagePath as NSString).lastPathComponent
            let count = pipeline.calls.names.withLock { calls in
                calls.append(name)
                return calls.count
            }
            if let (limit, stop) = pipeline.stopAfter, count >= limit { stop.request() }
            // Uneven work, so threads finish out of order.
            usleep(UInt32((name.hashValue & 0x7) * 500))
            if pipeline.failing.contains(name) { throw RunnerError(file: request.imagePath, "corrupt on purpose") }
            let number = Double(name.filter(\.isNumber)) ?? -1
            return PipelineResult(
                faces: [DetectedFace(box: Box(x: number, y: 0, width: 10, height: 10), faceScore: 0.9, maskScore: 0.7)],
                cropMaskScores: request.groundTruthBoxes.map { _ in 0.6 }
            )
        }
    }
}

@Suite struct RunnerTests {
    @Test func outcomesFollowTheInputOrderWhicheverWorkerFinishesFirst() async throws {
        let fixture = try RunnerFixture(count: 24)
        defer { fixture.remove() }
        let pipeline = CountingPipeline()
        let report = try await PipelineRunner(workers: 4).run(pipeline, on: fixture.items)
        #expect(report.outcomes.count == 24)
        #expect(report.computedCount == 24)
        for (item, outcome) in zip(fixture.items, report.outcomes) {
            let x = try #require(outcome?.result?.faces.first?.box.x)
            #expect(x == Double(item.name.filter(\.isNumber)))
        }
        #expect(pipeline.calls.names.withLock { $0.count } == 24)
    }

    @Test func aFailedImageCarriesItsReasonAndTheRunGoesOn() async throws {
        let fixture = try RunnerFixture(count: 6)
        defer { fixture.remove() }
        var pipeline = CountingPipeline()
        pipeline.failing = ["img4.jpg"]
        let report = try await PipelineRunner(workers: 2).run(pipeline, on: fixture.items)
        #expect(report.failedCount == 1)
        #expect(report.computedCount == 5)
        let failed = try #require(report.outcomes[3])
        #expect(failed == .failed("\(fixture.imagesPath)/img4.jpg: corrupt on purpose"))
    }

    @Test func aRerunRecomputesNothing() async throws {
        let fixture = try RunnerFixture(count: 10)
        defer { fixture.remove() }
        let cacheDirectory = fixture.folder.appendingPathComponent("cache").path
        let first = CountingPipeline()
        let firstReport = try await PipelineRunner(
            workers: 2, cache: try PredictionCache(directory: cacheDirectory, fingerprint: first.fingerprint)
        ).run(first, on: fixture.items)
        #expect(firstReport.computedCount == 10)

        let second = CountingPipeline()
        let cache = try PredictionCache(directory: cacheDirectory, fingerprint: second.fingerprint)
        #expect(cache.loadedCount == 10)
        let secondReport = try await PipelineRunner(workers: 2, cache: cache).run(second, on: fixture.items)
        #expect(second.calls.names.withLock { $0.count } == 0)
        #expect(secondReport.cachedCount == 10)
        #expect(secondReport.outcomes.map { $0?.result } == firstReport.outcomes.map { $0?.result })
    }

    @Test func aChangedImageIsComputedAgain() async throws {
        let fixture = try RunnerFixture(count: 4)
        defer { fixture.remove() }
        let cacheDirectory = fixture.folder.appendingPathComponent("cache").path
        let first = CountingPipeline()
        _ = try await PipelineRunner(
            workers: 1, cache: try PredictionCache(directory: cacheDirectory, fingerprint: first.fingerprint)
        ).run(first, on: fixture.items)
        try Data("changed".utf8).write(to: URL(fileURLWithPath: fixture.items[2].path))
        let second = CountingPipeline()
        _ = try await PipelineRunner(
            workers: 1, cache: try PredictionCache(directory: cacheDirectory, fingerprint: second.fingerprint)
        ).run(second, on: fixture.items)
        #expect(second.calls.names.withLock { $0 } == [fixture.names[2]])
    }

    @Test func aStoppedRunResumesWithOnlyTheMissingImages() async throws {
        let fixture = try RunnerFixture(count: 12)
        defer { fixture.remove() }
        let cacheDirectory = fixture.folder.appendingPathComponent("cache").path
        let stop = RunStop()
        var first = CountingPipeline()
        first.stopAfter = (4, stop)
        let firstReport = try await PipelineRunner(
            workers: 1, cache: try PredictionCache(directory: cacheDirectory, fingerprint: first.fingerprint),
            stop: stop
        ).run(first, on: fixture.items)
        #expect(firstReport.interrupted)
        #expect(firstReport.computedCount == 4)
        #expect(firstReport.outcomes.filter { $0 == nil }.count == 8)

        let second = CountingPipeline()
        let secondReport = try await PipelineRunner(
            workers: 2, cache: try PredictionCache(directory: cacheDirectory, fingerprint: second.fingerprint)
        ).run(second, on: fixture.items)
        #expect(!secondReport.interrupted)
        #expect(secondReport.cachedCount == 4)
        #expect(Set(second.calls.names.withLock { $0 }) == Set(fixture.names.dropFirst(4)))
        #expect(second.calls.names.withLock { $0.count } == 8)
    }

    @Test func aTornLastLineIsIgnoredAndLeftToItsWriter() async throws {
        let fixture = try RunnerFixture(count: 5)
        defer { fixture.remove() }
        let cacheDirectory = fixture.folder.appendingPathComponent("cache").path
        let first = CountingPipeline()
        let cache = try PredictionCache(directory: cacheDirectory, fingerprint: first.fingerprint)
        _ = try await PipelineRunner(workers: 1, cache: cache).run(first, on: Array(fixture.items.prefix(4)))
        // A crash in the middle of writing a line, or a writer still at work on it.
        let path = try #require(try Self.cacheFiles(cacheDirectory).first)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"cropMaskScores\":[0.6],\"faces\":[{\"bo".utf8))
        try handle.close()
        let written = try Data(contentsOf: URL(fileURLWithPath: path))

        let second = CountingPipeline()
        let reopened = try PredictionCache(directory: cacheDirectory, fingerprint: second.fingerprint)
        #expect(reopened.loadedCount == 4)
        #expect(reopened.skippedLines == 0)
        _ = try await PipelineRunner(workers: 1, cache: reopened).run(second, on: fixture.items)
        #expect(second.calls.names.withLock { $0 } == [fixture.names[4]])
        // The other writer's file is never cut or appended to; the new result went to a file of its own.
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == written)
        #expect(try Self.cacheFiles(cacheDirectory).count == 2)

        let third = CountingPipeline()
        let again = try PredictionCache(directory: cacheDirectory, fingerprint: third.fingerprint)
        #expect(again.loadedCount == 5)
        #expect(again.skippedLines == 0)
    }

    @Test func anUnreadableCompleteLineIsSkippedAndCounted() async throws {
        let fixture = try RunnerFixture(count: 3)
        defer { fixture.remove() }
        let cacheDirectory = fixture.folder.appendingPathComponent("cache").path
        let cache = try PredictionCache(directory: cacheDirectory, fingerprint: "counting-v1")
        _ = try await PipelineRunner(workers: 1, cache: cache).run(CountingPipeline(), on: fixture.items)
        let path = try #require(try Self.cacheFiles(cacheDirectory).first)
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        lines[2] = "{\"key\": 12"
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        let reopened = try PredictionCache(directory: cacheDirectory, fingerprint: "counting-v1")
        #expect(reopened.loadedCount == 2)
        #expect(reopened.skippedLines == 1)
    }

    @Test func cachesOpenAtOnceWriteFilesOfTheirOwnAndALaterOpeningSeesTheUnion() async throws {
        let fixture = try RunnerFixture(count: 12)
        defer { fixture.remove() }
        let cacheDirectory = fixture.folder.appendingPathComponent("cache").path
        // Three shards of one pipeline on one shared folder, each opened before any wrote.
        let shards = (0..<3).map { index in
            fixture.items.enumerated().filter { $0.offset % 3 == index }.map(\.element)
        }
        let caches = try shards.map { _ in try PredictionCache(directory: cacheDirectory, fingerprint: "counting-v1") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<3 {
                group.addTask {
                    _ = try await PipelineRunner(workers: 2, cache: caches[index]).run(
                        CountingPipeline(), on: shards[index])
                }
            }
            try await group.waitForAll()
        }
        #expect(try Self.cacheFiles(cacheDirectory).count == 3)

        let full = CountingPipeline()
        let union = try PredictionCache(directory: cacheDirectory, fingerprint: full.fingerprint)
        #expect(union.loadedCount == 12)
        let report = try await PipelineRunner(workers: 2, cache: union).run(full, on: fixture.items)
        #expect(report.cachedCount == 12)
        #expect(full.calls.names.withLock { $0.isEmpty })
        // Nothing computed, nothing written.
        #expect(try Self.cacheFiles(cacheDirectory).count == 3)
    }

    @Test func theSingleFileOfEarlierVersionsIsRead() async throws {
        let fixture = try RunnerFixture(count: 2)
        defer { fixture.remove() }
        let cacheDirectory = fixture.folder.appendingPathComponent("cache").path
        let cache = try PredictionCache(directory: cacheDirectory, fingerprint: "counting-v1")
        _ = try await PipelineRunner(workers: 1, cache: cache).run(CountingPipeline(), on: fixture.items)
        // Versions before shared caches wrote DIR/<32 hex digits>.jsonl, the same lines.
        let path = try #require(try Self.cacheFiles(cacheDirectory).first)
        let name = (path as NSString).lastPathComponent
        let legacy = cacheDirectory + "/" + name.prefix { $0 != "." } + ".jsonl"
        try FileManager.default.moveItem(atPath: path, toPath: legacy)
        let reopened = try PredictionCache(directory: cacheDirectory, fingerprint: "counting-v1")
        #expect(reopened.loadedCount == 2)
    }

    @Test func aCacheOfAnotherPipelineIsNotMixedIn() async throws {
        let fixture = try RunnerFixture(count: 2)
        defer { fixture.remove() }
        let cacheDirectory = fixture.folder.appendingPathComponent("cache").path
        let cache = try PredictionCache(directory: cacheDirectory, fingerprint: "counting-v1")
        _ = try await PipelineRunner(workers: 1, cache: cache).run(CountingPipeline(), on: fixture.items)
        let other = try PredictionCache(directory: cacheDirectory, fingerprint: "counting-v2")
        #expect(other.loadedCount == 0)
        _ = try await PipelineRunner(workers: 1, cache: other).run(CountingPipeline(), on: fixture.items)
        let prefixes = Set(try Self.cacheFiles(cacheDirectory).map { ($0 as NSString).lastPathComponent.prefix(32) })
        #expect(prefixes.count == 2)
    }

    @Test func aWorkerThatCannotStartStopsTheRunBeforeAnyImage() async throws {
        let fixture = try RunnerFixture(count: 6)
        defer { fixture.remove() }
        var pipeline = CountingPipeline()
        pipeline.unstartable = 1
        let error = await #expect(throws: RunnerError.self) {
            try await PipelineRunner(workers: 2).run(pipeline, on: fixture.items)
        }
        #expect(error?.description == "cannot start worker 2 of pipeline 'counting': model 'x' is missing")
        #expect(pipeline.calls.names.withLock { $0.count } == 0)
    }

    @Test func aMissingImageFailsWithItsReasonWhenCaching() async throws {
        let fixture = try RunnerFixture(count: 3)
        defer { fixture.remove() }
        var items = fixture.items
        items[1].path += ".missing"
        let cache = try PredictionCache(
            directory: fixture.folder.appendingPathComponent("cache").path, fingerprint: "c")
        let pipeline = CountingPipeline()
        let report = try await PipelineRunner(workers: 2, cache: cache).run(pipeline, on: items)
        #expect(report.outcomes[1] == .failed("\(items[1].path): cannot read: no such file or directory"))
        #expect(pipeline.calls.names.withLock { $0.count } == 2)
    }

    /// The same failure when the cache holds results, so that the images are keyed before the workers start (an
    /// empty cache leaves the keying to the workers, as the test above has it).
    @Test func aMissingImageFailsWithItsReasonWhenTheCacheHoldsResults() async throws {
        let fixture = try RunnerFixture(count: 3)
        defer { fixture.remove() }
        let directory = fixture.folder.appendingPathComponent("cache").path
        let first = CountingPipeline()
        _ = try await PipelineRunner(
            workers: 1, cache: try PredictionCache(directory: directory, fingerprint: first.fingerprint)
        ).run(first, on: [fixture.items[0]])
        var items = fixture.items
        items[1].path += ".missing"
        let second = CountingPipeline()
        let cache = try PredictionCache(directory: directory, fingerprint: second.fingerprint)
        #expect(cache.loadedCount == 1)
        let report = try await PipelineRunner(workers: 2, cache: cache).run(second, on: items)
        #expect(report.outcomes[1] == .failed("\(items[1].path): cannot read: no such file or directory"))
        #expect(report.cachedCount == 1)
        #expect(second.calls.names.withLock { $0 } == [fixture.names[2]])
    }

    @Test func plainProgressLinesWhenNotATerminal() async throws {
        let fixture = try RunnerFixture(count: 20)
        defer { fixture.remove() }
        let lines = CountingPipeline.Calls()
        let progress = RunProgress(isTerminal: false) { text in lines.names.withLock { $0.append(text) } }
        _ = try await PipelineRunner(workers: 2, progress: progress).run(CountingPipeline(), on: fixture.items)
        let written = lines.names.withLock { $0 }
        #expect(written.first == "Running 20 images\n")
        // A line every tenth of the images (or 10 s): 2, 4, …, 20.
        #expect(written.count == 11)
        #expect(written.last?.hasPrefix("20/20 images, ") == true)
        #expect(written.allSatisfy { !$0.contains("\r") })
    }

    /// The cache files in `directory`, by name.
    static func cacheFiles(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".jsonl") }.sorted()
            .map { directory + "/" + $0 }
    }
}

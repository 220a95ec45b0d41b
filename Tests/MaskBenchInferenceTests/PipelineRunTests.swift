import Foundation
import MaskBenchCore
import MaskBenchImaging
import MaskBenchInference
import MaskBenchTestSupport
import Synchronization
import Testing

/// A pipeline that answers each image's ground-truth face (the 10×10 box at the origin of ``RunnerFixture``)
/// with maskScore 0.9, or 0.2 when the name says `unmasked`, scores every ground-truth crop 0.8, fails on the
/// images it is told to, and can pause at one call until the run is asked to stop.
private struct AnsweringPipeline: PipelineDefinition {
    final class Calls: Sendable {
        let count = Mutex(0)
    }

    let calls = Calls()
    var failing: Set<String> = []
    /// At this call: tell the test, then wait until the run is asked to stop.
    var pauseAt: (count: Int, started: @Sendable () -> Void, stop: RunStop)?

    var name: String { "answering" }
    var fingerprint: String { "answering-v1" }

    func makeWorker(index: Int) throws -> any PipelineWorker { Worker(pipeline: self) }

    final class Worker: PipelineWorker {
        let pipeline: AnsweringPipeline

        init(pipeline: AnsweringPipeline) {
            self.pipeline = pipeline
        }

        func run(_ request: PipelineRequest) throws -> PipelineResult {
            let name = (request.imagePath as NSString).lastPathComponent
            let count = pipeline.calls.count.withLock { count in
                count += 1
                return count
            }
            if let (limit, started, stop) = pipeline.pauseAt, count == limit {
                started()
                // Up to a minute: on a loaded machine the test task may wait long for a thread.
                for _ in 0..<60_000 where !stop.isRequested { usleep(1000) }
            }
            if pipeline.failing.contains(name) { throw RunnerError(file: request.imagePath, "corrupt on purpose") }
            let face = DetectedFace(
                box: Box(x: 0, y: 0, width: 10, height: 10), faceScore: 0.99,
                maskScore: name.contains("unmasked") ? 0.2 : 0.9)
            return PipelineResult(faces: [face], cropMaskScores: request.groundTruthBoxes.map { _ in 0.8 })
        }
    }
}

/// `maskbench run`'s orchestration as a library call: items, cache, runner, evaluation, crop metrics.
@Suite struct PipelineRunTests {
    func dataset(_ fixture: RunnerFixture) -> Dataset {
        Dataset(
            images: fixture.names.map { name in
                AnnotatedImage(
                    name: name, width: 100, height: 100,
                    faces: [
                        GroundTruthFace(
                            box: Box(x: 0, y: 0, width: 10, height: 10),
                            label: name.contains("unmasked") ? .unmasked : .masked)
                    ])
            })
    }

    func settings() -> EvaluationSettings {
        var settings = EvaluationSettings()
        settings.bootstrap = Bootstrap(samples: 0)
        return settings
    }

    @Test func theImagesThatDidNotFailAreEvaluatedAndTheOthersListed() async throws {
        let fixture = try RunnerFixture(count: 6)
        defer { fixture.remove() }
        var job = try PipelineRun(
            dataset: dataset(fixture), images: ImageRoot(fixture.imagesPath), settings: settings())
        job.workers = 2
        var pipeline = AnsweringPipeline()
        pipeline.failing = ["img4.jpg"]
        let result = try await job.run(pipeline)
        let evaluated = try #require(result.evaluated)
        #expect(evaluated.failures.map(\.image) == ["img4.jpg"])
        #expect(evaluated.failures.first?.reason == "\(fixture.imagesPath)/img4.jpg: corrupt on purpose")
        #expect(evaluated.dataset.images.map(\.name) == fixture.names.filter { $0 != "img4.jpg" })
        #expect(evaluated.predictions.count == 5)
        // Every answered face is found and called right: 2 unmasked (img2, img5), 3 masked.
        #expect(evaluated.evaluation.pipeline.tnr.count == 2)
        #expect(evaluated.evaluation.pipeline.tnr.total == 2)
        #expect(evaluated.evaluation.pipeline.fnr.count == 0)
        #expect(evaluated.evaluation.detector.truePositives == 5)
        // The crops all score 0.8: the 3 masked right, the 2 unmasked wrong.
        let crops = try #require(evaluated.groundTruthCrops)
        #expect(crops.faces == 5)
        #expect(crops.accuracy.count == 3)
        #expect(result.report.computedCount == 5)
    }

    @Test func withoutCropsNoGroundTruthBoxIsAskedAndNoCropMetricsMade() async throws {
        let fixture = try RunnerFixture(count: 3)
        defer { fixture.remove() }
        let job = try PipelineRun(
            dataset: dataset(fixture), images: ImageRoot(fixture.imagesPath), settings: settings(),
            classifiesGroundTruthCrops: false)
        #expect(job.items.allSatisfy { $0.groundTruthBoxes.isEmpty })
        let result = try await job.run(AnsweringPipeline())
        #expect(try #require(result.evaluated).groundTruthCrops == nil)
    }

    @Test func aSecondRunComesFromTheCache() async throws {
        let fixture = try RunnerFixture(count: 4)
        defer { fixture.remove() }
        var job = try PipelineRun(
            dataset: dataset(fixture), images: ImageRoot(fixture.imagesPath), settings: settings())
        job.cacheDirectory = fixture.folder.appendingPathComponent("cache").path
        let first = try await job.run(AnsweringPipeline())
        let pipeline = AnsweringPipeline()
        let second = try await job.run(pipeline)
        #expect(pipeline.calls.count.withLock { $0 } == 0)
        #expect(second.report.cachedCount == 4)
        #expect(second.evaluated?.evaluation == first.evaluated?.evaluation)
    }

    @Test func anImageNameLeavingTheFolderIsRefusedBeforeAnyImageIsRead() throws {
        let fixture = try RunnerFixture(count: 1)
        defer { fixture.remove() }
        let escaping = Dataset(images: [AnnotatedImage(name: "../secret.jpg", faces: [])])
        #expect(throws: ImagingError.self) {
            try PipelineRun(dataset: escaping, images: ImageRoot(fixture.imagesPath), settings: settings())
        }
    }

    @Test func cancellingTheTaskStopsTheRunWithoutAnEvaluation() async throws {
        let fixture = try RunnerFixture(count: 12)
        defer { fixture.remove() }
        var job = try PipelineRun(
            dataset: dataset(fixture), images: ImageRoot(fixture.imagesPath), settings: settings())
        job.workers = 1
        let started = AsyncStream<Void>.makeStream()
        var pipeline = AnsweringPipeline()
        pipeline.pauseAt = (3, { started.continuation.yield() }, job.stop)
        let task = Task { [job, pipeline] in try await job.run(pipeline) }
        for await _ in started.stream { break }
        task.cancel()
        let result = try await task.value
        #expect(result.evaluated == nil)
        #expect(result.report.interrupted)
        // The one worker finishes the image it holds when the stop comes, and takes no other.
        #expect(result.report.computedCount == 3)
    }
}

import Testing

@testable import MaskBenchCore

/// Matching runs of images at the same time, each writing its outcomes and rank entries in place in the joined
/// arrays, gives what one run over every image gives.
@Suite struct MatchingRunsTests {
    /// 2,600 images (over the 2,000 below which one run does everything), every thirteenth face a crowd region,
    /// predictions under the minimum face score among the rest.
    static func data() -> (Dataset, PredictionSet) {
        var (dataset, predictions) = MetamorphicTests.randomRun(seed: 15, images: 2_600)
        var serial = 0
        for i in dataset.images.indices {
            for f in dataset.images[i].faces.indices {
                serial += 1
                if serial % 13 == 0 { dataset.images[i].faces[f].ignoreRegion = .crowd }
            }
        }
        return (dataset, predictions)
    }

    /// Every image matched in one run, into arrays of its own.
    static func oneRun(_ evaluator: Evaluator, _ dataset: Dataset, _ predictions: PredictionSet) -> Evaluator.Partial {
        let images = dataset.images.indices
        let plan = evaluator.plan(dataset, predictions, range: images)
        let outcomes = UnsafeMutablePointer<FaceOutcome>.allocate(capacity: max(plan.faces, 1))
        let entries = UnsafeMutablePointer<Evaluator.RankEntry>.allocate(capacity: max(2 * plan.kept, 1))
        defer {
            outcomes.deallocate()
            entries.deallocate()
        }
        var starts = [plan.kept]
        for count in plan.keptPerClass { starts.append(starts[starts.count - 1] + count) }
        let output = Evaluator.RunOutput(
            outcomes: outcomes, agnostic: entries, perClass: starts.dropLast().map { entries + $0 })
        var run = evaluator.match(dataset, plan, range: images, into: output)
        run.outcomes = Array(UnsafeBufferPointer(start: outcomes, count: plan.faces))
        let all = Array(UnsafeBufferPointer(start: entries, count: 2 * plan.kept))
        run.agnostic = all[..<plan.kept]
        run.perClass = plan.keptPerClass.indices.map { all[starts[$0]..<starts[$0 + 1]] }
        return run
    }

    /// A rank entry's fields, comparable.
    static func fields(_ entries: ArraySlice<Evaluator.RankEntry>) -> [[Double]] {
        entries.map { [$0.score, Double($0.image), Double($0.order), Double($0.hits), Double($0.ignored)] }
    }

    @Test(arguments: [IncorrectPolicy.unmasked, .class])
    func runsGiveWhatOneRunGives(_ policy: IncorrectPolicy) {
        let (dataset, predictions) = Self.data()
        let evaluator = Evaluator(
            settings: EvaluationSettings(
                matching: MatchingSettings(minFaceScore: 0.2), incorrectAs: policy, bootstrap: Bootstrap(samples: 0)))
        let joined = evaluator.matchAll(dataset, predictions)
        let whole = Self.oneRun(evaluator, dataset, predictions)

        #expect(joined.outcomes.count == dataset.faceCount)
        #expect(joined.outcomes == whole.outcomes)
        #expect(joined.extras == whole.extras)
        #expect(!joined.agnostic.isEmpty)
        #expect(Self.fields(joined.agnostic) == Self.fields(whole.agnostic))
        #expect(joined.perClass.count == policy.classes.count)
        for c in policy.classes.indices {
            #expect(Self.fields(joined.perClass[c]) == Self.fields(whole.perClass[c]))
        }
        #expect(joined.perClassPositives == whole.perClassPositives)
        #expect(joined.facesPerImage == whole.facesPerImage)
        #expect(joined.predictionCount == whole.predictionCount)
        #expect(joined.matchedPredictions == whole.matchedPredictions)
        #expect(joined.ignoredDetections == whole.ignoredDetections)
        #expect(joined.ignoredDetections > 0)
    }
}

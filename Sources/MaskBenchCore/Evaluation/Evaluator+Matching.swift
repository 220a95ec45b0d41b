import Foundation
import Synchronization

/// Matching every image: the pipeline's assignment, and the one-to-one assignments AP needs.
extension Evaluator {
    // MARK: - Ranked detections for AP

    /// The IoU thresholds of pycocotools' AP .50:.95, matched besides the matching threshold: bits 1–10 of
    /// ``RankEntry/hits`` and ``RankEntry/ignored`` (bit 0 is the matching threshold).
    static let cocoThresholds = COCOEvalParameters.defaultIoUThresholds

    /// One prediction's place in the global ranking, and its outcome at each IoU threshold.
    struct RankEntry {
        var score: Double
        var image: Int
        var order: Int
        /// Bit `t`: a true positive at threshold `t` (0 the matching threshold, then ``cocoThresholds``).
        var hits: UInt16
        /// Bit `t`: matched to an ignore region at threshold `t`, so neither a true nor a false positive.
        var ignored: UInt16
    }

    // MARK: - Matching every image

    /// What matching a run of consecutive images gives; runs are matched in parallel and joined in order.
    ///
    /// The runs write their outcomes and rank entries straight into the joined arrays (``RunOutput``); a run's
    /// own `Partial` holds the rest, joined afterwards.
    struct Partial: Sendable {
        var outcomes: [FaceOutcome] = []
        var extras: [ExtraDetection] = []
        /// Class-agnostic rank entries, in image order then prediction order.
        var agnostic: ArraySlice<RankEntry> = []
        /// Class-aware rank entries, per class in ``IncorrectPolicy/classes`` order.
        var perClass: [ArraySlice<RankEntry>]
        var perClassPositives: [Int]
        /// Faces to find (ignore regions left out) per image.
        var facesPerImage: [Int] = []
        var predictionCount = 0
        var matchedPredictions = 0
        /// Predictions matched to an ignore region in the pipeline's assignment.
        var ignoredDetections = 0
        /// Whether an image has more predictions than the COCO AP's per-image cap.
        var capped = false

        init(classes: Int) {
            perClass = Array(repeating: [], count: classes)
            perClassPositives = Array(repeating: 0, count: classes)
        }

        /// Joins the runs' extra detections, faces per image and counts in order. The first run's storage was
        /// reserved for every run, so the join copies every other run once and nothing twice.
        static func joined(_ runs: inout [Partial], classes: Int) -> Partial {
            guard !runs.isEmpty else { return Partial(classes: classes) }
            var joined = runs.removeFirst()
            for run in runs {
                joined.extras += run.extras
                for c in joined.perClassPositives.indices { joined.perClassPositives[c] += run.perClassPositives[c] }
                joined.facesPerImage += run.facesPerImage
                joined.predictionCount += run.predictionCount
                joined.matchedPredictions += run.matchedPredictions
                joined.ignoredDetections += run.ignoredDetections
                joined.capped = joined.capped || run.capped
            }
            runs.removeAll()
            return joined
        }
    }

    /// A run of images before matching: each image's predictions, looked up once, and how many outcomes and
    /// rank entries the run will make, so that every run knows where its part of the joined arrays starts.
    struct RunPlan: Sendable {
        /// The predictions of each image of the run, in order.
        var predictions: [[Prediction]] = []
        /// The run's faces (ignore regions included): one outcome each.
        var faces = 0
        /// The run's predictions at or above the minimum face score: one class-agnostic rank entry each.
        var kept = 0
        /// Those predictions by the class they are called (``IncorrectPolicy/classes`` order): one class-aware
        /// rank entry each.
        var keptPerClass: [Int]
    }

    /// Where a run writes its outcomes and rank entries: the start of its part of each joined array.
    ///
    /// `@unchecked Sendable`: the runs' parts do not overlap, each run writes only its own, and the arrays
    /// outlive the runs (``matchAll(_:_:)`` makes them around the runs).
    struct RunOutput: @unchecked Sendable {
        var outcomes: UnsafeMutablePointer<FaceOutcome>
        var agnostic: UnsafeMutablePointer<RankEntry>
        var perClass: [UnsafeMutablePointer<RankEntry>]
    }

    /// Looks up the predictions of the images in `range` and counts what matching them will make.
    func plan(_ dataset: Dataset, _ predictions: PredictionSet, range: Range<Int>) -> RunPlan {
        let policy = settings.incorrectAs
        let threshold = settings.threshold
        let minFaceScore = settings.matching.minFaceScore
        var plan = RunPlan(keptPerClass: Array(repeating: 0, count: policy.classes.count))
        plan.predictions.reserveCapacity(range.count)
        for imageIndex in range {
            let all = predictions[dataset.images[imageIndex].name]
            plan.faces += dataset.images[imageIndex].faces.count
            for p in all where p.faceScore >= minFaceScore {
                plan.kept += 1
                plan.keptPerClass[policy.resolve(p.call(threshold: threshold)).index] += 1
            }
            plan.predictions.append(all)
        }
        return plan
    }

    /// Matches the images in `range`: the pipeline's assignment, and the one-to-one assignments AP needs.
    ///
    /// - Parameters:
    ///   - plan: the run's predictions and counts (``plan(_:_:range:)``).
    ///   - output: where the run's outcomes and rank entries go; exactly the counts of `plan` are written.
    ///   - capacity: room to reserve for extra detections and faces per image, when more than this run's own
    ///     (the first run, which the others are joined onto).
    func match(
        _ dataset: Dataset, _ plan: RunPlan, range: Range<Int>, into output: RunOutput,
        capacity: (extras: Int, images: Int)? = nil
    ) -> Partial {
        let policy = settings.incorrectAs
        let classes = policy.classes
        let threshold = settings.threshold
        let matching = settings.matching
        let matcher = Matcher(settings: matching)
        // AP needs a one-to-one assignment; the dataroots rule is not one, so AP uses pycocotools' rule there.
        var apMatching = matching
        if apMatching.mode == .dataroots { apMatching.mode = .coco }
        let apMatcher = Matcher(settings: apMatching)
        // The greedy rules only look at pairs whose IoU passes the threshold (``Matcher/Candidates``): a
        // prediction overlaps one or two faces, not all of them.

        var partial = Partial(classes: classes.count)
        // An image has at most as many extra detections as predictions kept.
        partial.extras.reserveCapacity(max(plan.kept, capacity?.extras ?? 0))
        partial.facesPerImage.reserveCapacity(max(range.count, capacity?.images ?? 0))
        var outcomeAt = output.outcomes
        var agnosticAt = output.agnostic
        var classAt = output.perClass
        // Buffers reused from image to image.
        var kept: [Int] = []
        var preds: [Prediction] = []
        var truths: [Int] = []
        var calls: [Int] = []
        var callClasses: [FaceClass] = []
        var workspace = Matcher.Workspace()
        let regionKinds: [IgnoreRegion?] = [nil, .crowd, .difficult]

        for imageIndex in range {
            let faces = dataset.images[imageIndex].faces
            let all = plan.predictions[imageIndex - range.lowerBound]
            kept.removeAll(keepingCapacity: true)
            preds.removeAll(keepingCapacity: true)
            for (k, p) in all.enumerated() where p.faceScore >= matching.minFaceScore {
                kept.append(k)
                preds.append(p)
            }
            let n = preds.count
            let m = faces.count
            partial.predictionCount += n
            if n > settings.maxDetectionsPerImage { partial.capped = true }
            truths.removeAll(keepingCapacity: true)
            for face in faces { truths.append(policy.resolve(face.label).index) }
            calls.removeAll(keepingCapacity: true)
            callClasses.removeAll(keepingCapacity: true)
            for p in preds {
                let call = policy.resolve(p.call(threshold: threshold))
                callClasses.append(call)
                calls.append(call.index)
            }
            workspace.load(preds, faces: faces, settings: matching, thresholds: Self.cocoThresholds)
            var toFind = 0
            for g in 0..<m where workspace.regions[g] == 0 {
                partial.perClassPositives[truths[g]] += 1
                toFind += 1
            }
            partial.facesPerImage.append(toFind)

            // The pipeline's assignment.
            matcher.assign(in: &workspace)
            for f in 0..<m {
                var outcome = FaceOutcome(image: imageIndex, face: f, truth: classes[truths[f]])
                outcome.ignoreRegion = regionKinds[Int(workspace.regions[f])]
                let p = workspace.faceMatches[f]
                if p >= 0 {
                    outcome.prediction = kept[p]
                    outcome.faceScore = preds[p].faceScore
                    outcome.maskScore = preds[p].maskScore
                    outcome.iou = workspace.iou(p, f)
                    outcome.call = callClasses[p]
                }
                outcomeAt.initialize(to: outcome)
                outcomeAt += 1
            }
            for p in 0..<n {
                let g = workspace.predictionMatches[p]
                if g < 0 {
                    partial.extras.append(
                        ExtraDetection(
                            image: imageIndex,
                            prediction: kept[p],
                            faceScore: preds[p].faceScore,
                            maskScore: preds[p].maskScore,
                            call: callClasses[p]
                        )
                    )
                } else if workspace.regions[g] == 0 {
                    partial.matchedPredictions += 1
                } else {
                    partial.ignoredDetections += 1
                }
            }

            // Class-agnostic detection for AP: the pipeline's assignment unless that is dataroots'.
            if matching.mode == .dataroots { apMatcher.assignGreedy(in: &workspace) { _, _ in true } }
            for p in 0..<n {
                agnosticAt.initialize(
                    to: RankEntry(
                        score: preds[p].faceScore, image: imageIndex, order: p, hits: workspace.hits[p],
                        ignored: workspace.ignored[p]))
                agnosticAt += 1
            }

            // Class-aware detection: a prediction belongs to the class it is called, and matches only faces
            // (and ignore regions) of that class; per class, this is the greedy rule run on that class alone.
            apMatcher.assignGreedy(in: &workspace) { p, g in calls[p] == truths[g] }
            for p in 0..<n {
                classAt[calls[p]].initialize(
                    to: RankEntry(
                        score: preds[p].faceScore, image: imageIndex, order: p, hits: workspace.hits[p],
                        ignored: workspace.ignored[p]))
                classAt[calls[p]] += 1
            }
        }
        // Every element of the run's parts written, and nothing past them.
        precondition(
            outcomeAt == output.outcomes + plan.faces && agnosticAt == output.agnostic + plan.kept
                && classAt.indices.allSatisfy { classAt[$0] == output.perClass[$0] + plan.keptPerClass[$0] },
            "a run makes the outcomes and rank entries its plan counted")
        return partial
    }

    /// Rank entries for the 101-point APs with pycocotools' per-image cap: only the `cap` highest-scoring
    /// predictions of an image (per class, for the class-aware lists) take part, matched among themselves
    /// (a prediction matched to an ignore region still takes one of the places, as in pycocotools).
    ///
    /// Only needed when some image has more predictions than the cap, which is rare; it then redoes the
    /// matching image by image.
    func cappedEntries(
        _ dataset: Dataset,
        _ predictions: PredictionSet
    ) -> (agnostic: [RankEntry], perClass: [[RankEntry]]) {
        let policy = settings.incorrectAs
        let classes = policy.classes
        var apMatching = settings.matching
        if apMatching.mode == .dataroots { apMatching.mode = .coco }
        let apMatcher = Matcher(settings: apMatching)
        let cap = settings.maxDetectionsPerImage
        var agnostic: [RankEntry] = []
        var perClass: [[RankEntry]] = Array(repeating: [], count: classes.count)
        var workspace = Matcher.Workspace()
        for (imageIndex, image) in dataset.images.enumerated() {
            let preds = predictions[image.name].filter { $0.faceScore >= settings.matching.minFaceScore }
            let truths = image.faces.map { policy.resolve($0.label) }
            let calls = preds.map { policy.resolve($0.call(threshold: settings.threshold)) }
            agnostic += matched(kept(Array(preds.indices), of: preds), of: preds, faces: image.faces) { _, _ in true }
            // Classes never compete for a face: each class's capped predictions are matched together.
            var chosen: [Int] = []
            for label in classes { chosen += kept(preds.indices.filter { calls[$0] == label }, of: preds) }
            chosen.sort()
            for entry in matched(chosen, of: preds, faces: image.faces, { calls[$0] == truths[$1] }) {
                perClass[calls[entry.order].index].append(entry)
            }

            /// The predictions at `chosen` matched among themselves to the image's faces.
            func matched(
                _ chosen: [Int], of preds: [Prediction], faces: [GroundTruthFace], _ compatible: (Int, Int) -> Bool
            ) -> [RankEntry] {
                workspace.load(
                    chosen.map { preds[$0] }, faces: faces, settings: apMatching, thresholds: Self.cocoThresholds)
                apMatcher.assignGreedy(in: &workspace) { compatible(chosen[$0], $1) }
                return chosen.enumerated().map { k, p in
                    RankEntry(
                        score: preds[p].faceScore, image: imageIndex, order: p, hits: workspace.hits[k],
                        ignored: workspace.ignored[k])
                }
            }
        }
        return (agnostic, perClass)

        /// The `cap` highest-scoring of `indices` (ties in input order), in input order.
        func kept(_ indices: [Int], of preds: [Prediction]) -> [Int] {
            guard indices.count > cap else { return indices }
            return Array(Matcher.rankedByScore(indices.map { preds[$0].faceScore }).prefix(cap)).sorted().map {
                indices[$0]
            }
        }
    }

    /// Matches runs of images in parallel and joins them in order, so the result does not depend on timing.
    ///
    /// Each run's outcomes and rank entries are written in place in the joined arrays, which are made once at
    /// their full size: joining runs by copying cost a serial pass of page faults over half of them (0.5 s of
    /// CPU time on 500,000 images).
    func matchAll(_ dataset: Dataset, _ predictions: PredictionSet) -> Partial {
        let imageCount = dataset.images.count
        let classCount = settings.incorrectAs.classes.count
        let runs = imageCount < 2000 ? 1 : max(1, ProcessInfo.processInfo.activeProcessorCount)
        let bounds = (0...runs).map { $0 * imageCount / runs }
        let planned = Mutex([RunPlan?](repeating: nil, count: runs))
        DispatchQueue.concurrentPerform(iterations: runs) { run in
            let plan = plan(dataset, predictions, range: bounds[run]..<bounds[run + 1])
            planned.withLock { $0[run] = plan }
        }
        let plans = planned.withLock { plans in
            defer { plans = [] }
            return plans.compactMap { $0 }
        }
        let faces = plans.reduce(0) { $0 + $1.faces }
        let kept = plans.reduce(0) { $0 + $1.kept }
        // One array of rank entries: the class-agnostic ones, then each class's.
        var classStarts = [kept]
        for c in 0..<classCount { classStarts.append(classStarts[c] + plans.reduce(0) { $0 + $1.keptPerClass[c] }) }
        let partials = Mutex([Partial?](repeating: nil, count: runs))
        var entries: [RankEntry] = []
        // Capacity for one element at least, so that each buffer has an address.
        let outcomes = [FaceOutcome](unsafeUninitializedCapacity: max(faces, 1)) { outcomeBuffer, outcomeCount in
            entries = [RankEntry](unsafeUninitializedCapacity: max(2 * kept, 1)) { entryBuffer, entryCount in
                guard let outcomeBase = outcomeBuffer.baseAddress, let entryBase = entryBuffer.baseAddress else {
                    preconditionFailure("a buffer with capacity has an address")
                }
                // Each run's part starts where the earlier runs' parts end.
                var starts: [RunOutput] = []
                var done = (faces: 0, kept: 0, perClass: Array(classStarts.dropLast()))
                for plan in plans {
                    starts.append(
                        RunOutput(
                            outcomes: outcomeBase + done.faces, agnostic: entryBase + done.kept,
                            perClass: done.perClass.map { entryBase + $0 }))
                    done.faces += plan.faces
                    done.kept += plan.kept
                    for c in 0..<classCount { done.perClass[c] += plan.keptPerClass[c] }
                }
                let outputs = starts
                // The first run's extras and faces per image have room for every run's.
                let capacity = (extras: kept, images: imageCount)
                DispatchQueue.concurrentPerform(iterations: runs) { run in
                    let partial = match(
                        dataset, plans[run], range: bounds[run]..<bounds[run + 1], into: outputs[run],
                        capacity: run == 0 ? capacity : nil)
                    partials.withLock { $0[run] = partial }
                }
                entryCount = 2 * kept
            }
            outcomeCount = faces
        }
        // Taken out of the lock, so each run's arrays are uniquely referenced and the first one grows in place.
        var matched = partials.withLock { runs in
            defer { runs = [] }
            return runs.compactMap { $0 }
        }
        var joined = Partial.joined(&matched, classes: classCount)
        joined.outcomes = outcomes
        joined.agnostic = entries[..<kept]
        joined.perClass = (0..<classCount).map { entries[classStarts[$0]..<classStarts[$0 + 1]] }
        return joined
    }

    /// What happened to every face and which predictions matched nothing, without the metrics: the part of
    /// ``evaluate(_:_:)`` a threshold sweep repeats at each detector threshold. Ignore regions are among the
    /// faces, flagged (``FaceOutcome/ignoreRegion``).
    public func outcomes(
        _ dataset: Dataset, _ predictions: PredictionSet
    ) -> (
        faces: [FaceOutcome], extras: [ExtraDetection]
    ) {
        let joined = matchAll(dataset, predictions)
        return (joined.outcomes, joined.extras)
    }
}

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
    struct Partial: Sendable {
        var outcomes: [FaceOutcome] = []
        var extras: [ExtraDetection] = []
        /// Class-agnostic rank entries, in image order then prediction order.
        var agnostic: [RankEntry] = []
        /// Class-aware rank entries, per class in ``IncorrectPolicy/classes`` order.
        var perClass: [[RankEntry]]
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

        /// Joins runs in order. The first run's storage is kept and grown once to the total, so the join
        /// copies every other run once and nothing twice (on 50k images, growing by doubling cost more page
        /// faults than the matching itself).
        static func joined(_ runs: inout [Partial], classes: Int) -> Partial {
            guard !runs.isEmpty else { return Partial(classes: classes) }
            var joined = runs.removeFirst()
            func total<T>(_ part: (Partial) -> [T]) -> Int { runs.reduce(part(joined).count) { $0 + part($1).count } }
            joined.outcomes.reserveCapacity(total(\.outcomes))
            joined.extras.reserveCapacity(total(\.extras))
            joined.agnostic.reserveCapacity(total(\.agnostic))
            joined.facesPerImage.reserveCapacity(total(\.facesPerImage))
            for c in joined.perClass.indices { joined.perClass[c].reserveCapacity(total { $0.perClass[c] }) }
            for run in runs { joined.append(run) }
            runs.removeAll()
            return joined
        }

        mutating func append(_ other: Partial) {
            outcomes += other.outcomes
            extras += other.extras
            agnostic += other.agnostic
            for c in perClass.indices {
                perClass[c] += other.perClass[c]
                perClassPositives[c] += other.perClassPositives[c]
            }
            facesPerImage += other.facesPerImage
            predictionCount += other.predictionCount
            matchedPredictions += other.matchedPredictions
            ignoredDetections += other.ignoredDetections
            capped = capped || other.capped
        }
    }

    /// Matches the images in `range`: the pipeline's assignment, and the one-to-one assignments AP needs.
    ///
    /// - Parameter capacity: room to reserve in the result for this many faces and predictions, when more
    ///   than this run's own (the first run, which the others are joined onto).
    func match(
        _ dataset: Dataset, _ predictions: PredictionSet, range: Range<Int>,
        capacity: (faces: Int, predictions: Int)? = nil
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
        // Each image's predictions, looked up once; the run's faces and predictions are known before matching,
        // so the result is sized once.
        var imagePredictions: [[Prediction]] = []
        imagePredictions.reserveCapacity(range.count)
        var faceCount = 0
        var predictionCount = 0
        for imageIndex in range {
            let all = predictions[dataset.images[imageIndex].name]
            faceCount += dataset.images[imageIndex].faces.count
            predictionCount += all.count
            imagePredictions.append(all)
        }
        faceCount = max(faceCount, capacity?.faces ?? 0)
        predictionCount = max(predictionCount, capacity?.predictions ?? 0)
        partial.outcomes.reserveCapacity(faceCount)
        partial.agnostic.reserveCapacity(predictionCount)
        partial.facesPerImage.reserveCapacity(capacity == nil ? range.count : dataset.images.count)
        // A class's share is not known before matching: the first run has room for every prediction in each.
        let classShare = capacity == nil ? predictionCount / classes.count : predictionCount
        for c in partial.perClass.indices { partial.perClass[c].reserveCapacity(classShare) }
        if capacity != nil { partial.extras.reserveCapacity(predictionCount) }
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
            let all = imagePredictions[imageIndex - range.lowerBound]
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
                partial.outcomes.append(outcome)
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
                partial.agnostic.append(
                    RankEntry(
                        score: preds[p].faceScore, image: imageIndex, order: p, hits: workspace.hits[p],
                        ignored: workspace.ignored[p]))
            }

            // Class-aware detection: a prediction belongs to the class it is called, and matches only faces
            // (and ignore regions) of that class; per class, this is the greedy rule run on that class alone.
            apMatcher.assignGreedy(in: &workspace) { p, g in calls[p] == truths[g] }
            for p in 0..<n {
                partial.perClass[calls[p]].append(
                    RankEntry(
                        score: preds[p].faceScore, image: imageIndex, order: p, hits: workspace.hits[p],
                        ignored: workspace.ignored[p]))
            }
        }
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
    func matchAll(_ dataset: Dataset, _ predictions: PredictionSet) -> Partial {
        let imageCount = dataset.images.count
        let runs = imageCount < 2000 ? 1 : max(1, ProcessInfo.processInfo.activeProcessorCount)
        let bounds = (0...runs).map { $0 * imageCount / runs }
        let partials = Mutex([Partial?](repeating: nil, count: runs))
        // The first run's arrays are sized for every run, so that the others are joined onto them in place.
        let total = runs == 1 ? nil : (faces: dataset.faceCount, predictions: predictions.count)
        DispatchQueue.concurrentPerform(iterations: runs) { run in
            let partial = match(
                dataset, predictions, range: bounds[run]..<bounds[run + 1], capacity: run == 0 ? total : nil)
            partials.withLock { $0[run] = partial }
        }
        // Taken out of the lock, so each run's arrays are uniquely referenced and the first one grows in place.
        var matched = partials.withLock { runs in
            defer { runs = [] }
            return runs.compactMap { $0 }
        }
        return Partial.joined(&matched, classes: settings.incorrectAs.classes.count)
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

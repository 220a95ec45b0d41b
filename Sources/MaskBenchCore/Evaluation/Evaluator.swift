import Foundation

/// Computes an ``Evaluation`` from a dataset and predictions.
///
/// Pure and deterministic: the same inputs and settings give the same numbers, bootstrap intervals
/// included (they are seeded). Predictions for images not in the dataset are ignored here; readers and
/// the CLI decide whether they are an error.
public struct Evaluator: Sendable {
    public var settings: EvaluationSettings

    public init(settings: EvaluationSettings = EvaluationSettings()) {
        self.settings = settings
    }

    // MARK: - Ranked detections for AP

    /// One prediction's place in the global ranking.
    struct RankEntry {
        var score: Double
        var image: Int
        var order: Int
        var isTruePositive: Bool
    }

    /// Descending score; ties by image, then by the prediction's position in its image.
    ///
    /// `entries` are made in image order and, within an image, in prediction order, so a stable sort by
    /// score alone gives that tie order.
    static func rank(_ entries: [RankEntry], positives: Int) -> (RankedDetections, images: [Int32]) {
        let order = ScoreSort.descendingOrder(entries.map(\.score))
        var hits = [Bool](repeating: false, count: order.count)
        var scores = [Double](repeating: 0, count: order.count)
        var images = [Int32](repeating: 0, count: order.count)
        for (k, i) in order.enumerated() {
            let entry = entries[Int(i)]
            hits[k] = entry.isTruePositive
            scores[k] = entry.score
            images[k] = Int32(truncatingIfNeeded: entry.image)
        }
        return (RankedDetections(isTruePositive: hits, scores: scores, positives: positives), images)
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
        var facesPerImage: [Int] = []
        var predictionCount = 0
        var matchedPredictions = 0
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
        var ious: [Double] = []
        var candidates = Matcher.Candidates()
        var order: [Int] = []
        var maskScores: [Double] = []
        var faceMatches: [Int] = []
        var predictionMatches: [Int] = []
        var apFaces: [Int] = []
        var apPredictions: [Int] = []

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
            partial.facesPerImage.append(m)
            if n > settings.maxDetectionsPerImage { partial.capped = true }
            truths.removeAll(keepingCapacity: true)
            for face in faces { truths.append(policy.resolve(face.label).index) }
            for t in truths { partial.perClassPositives[t] += 1 }
            calls.removeAll(keepingCapacity: true)
            callClasses.removeAll(keepingCapacity: true)
            maskScores.removeAll(keepingCapacity: true)
            for p in preds {
                let call = policy.resolve(p.call(threshold: threshold))
                callClasses.append(call)
                calls.append(call.index)
                maskScores.append(p.maskScore)
            }

            ious.removeAll(keepingCapacity: true)
            for p in preds {
                for face in faces { ious.append(p.box.iou(with: face.box, pixels: matching.pixels)) }
            }
            candidates.collect(ious: ious, faceCount: m, accepting: matching)
            order.removeAll(keepingCapacity: true)
            order.append(contentsOf: repeatElement(0, count: n))
            Matcher.rankByScore(count: n, score: { preds[$0].faceScore }, into: &order)

            // The pipeline's assignment.
            faceMatches.removeAll(keepingCapacity: true)
            faceMatches.append(contentsOf: repeatElement(-1, count: m))
            predictionMatches.removeAll(keepingCapacity: true)
            predictionMatches.append(contentsOf: repeatElement(-1, count: n))
            if matching.mode == .dataroots {
                matcher.assignDataroots(
                    ious: ious, faceCount: m, maskScores: maskScores, &faceMatches, &predictionMatches)
            } else {
                matcher.assignGreedy(candidates: candidates, order: order, &faceMatches, &predictionMatches) { _, _ in
                    true
                }
            }
            for f in 0..<m {
                var outcome = FaceOutcome(image: imageIndex, face: f, truth: classes[truths[f]])
                let p = faceMatches[f]
                if p >= 0 {
                    outcome.prediction = kept[p]
                    outcome.faceScore = preds[p].faceScore
                    outcome.maskScore = preds[p].maskScore
                    outcome.iou = ious[p * m + f]
                    outcome.call = callClasses[p]
                }
                partial.outcomes.append(outcome)
            }
            for p in 0..<n {
                if predictionMatches[p] < 0 {
                    partial.extras.append(
                        ExtraDetection(
                            image: imageIndex,
                            prediction: kept[p],
                            faceScore: preds[p].faceScore,
                            maskScore: preds[p].maskScore,
                            call: callClasses[p]
                        )
                    )
                } else {
                    partial.matchedPredictions += 1
                }
            }

            // Class-agnostic detection for AP: the pipeline's assignment unless that is dataroots'.
            if matching.mode == .dataroots {
                apFaces.removeAll(keepingCapacity: true)
                apFaces.append(contentsOf: repeatElement(-1, count: m))
                apPredictions.removeAll(keepingCapacity: true)
                apPredictions.append(contentsOf: repeatElement(-1, count: n))
                apMatcher.assignGreedy(candidates: candidates, order: order, &apFaces, &apPredictions) { _, _ in true }
            } else {
                apPredictions = predictionMatches
            }
            for p in 0..<n {
                partial.agnostic.append(
                    RankEntry(
                        score: preds[p].faceScore, image: imageIndex, order: p, isTruePositive: apPredictions[p] >= 0)
                )
            }

            // Class-aware detection: a prediction belongs to the class it is called, and matches only faces
            // of that class; per class, this is the greedy rule run on that class alone.
            apFaces.removeAll(keepingCapacity: true)
            apFaces.append(contentsOf: repeatElement(-1, count: m))
            apPredictions.removeAll(keepingCapacity: true)
            apPredictions.append(contentsOf: repeatElement(-1, count: n))
            apMatcher.assignGreedy(candidates: candidates, order: order, &apFaces, &apPredictions) { p, g in
                calls[p] == truths[g]
            }
            for p in 0..<n {
                partial.perClass[calls[p]].append(
                    RankEntry(
                        score: preds[p].faceScore, image: imageIndex, order: p, isTruePositive: apPredictions[p] >= 0)
                )
            }
        }
        return partial
    }

    /// Rank entries for the 101-point AP with pycocotools' per-image cap: only the `cap` highest-scoring
    /// predictions of an image (per class, for the class-aware lists) take part, matched among themselves.
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
        for (imageIndex, image) in dataset.images.enumerated() {
            let preds = predictions[image.name].filter { $0.faceScore >= settings.matching.minFaceScore }
            let truths = image.faces.map { policy.resolve($0.label) }
            let calls = preds.map { policy.resolve($0.call(threshold: settings.threshold)) }
            agnostic += capped(preds, indices: Array(preds.indices), faces: image.faces, image: imageIndex)
            for (c, label) in classes.enumerated() {
                let faces = image.faces.indices.filter { truths[$0] == label }.map { image.faces[$0] }
                let indices = preds.indices.filter { calls[$0] == label }
                perClass[c] += capped(preds, indices: indices, faces: faces, image: imageIndex)
            }
        }
        return (agnostic, perClass)

        func capped(_ preds: [Prediction], indices: [Int], faces: [GroundTruthFace], image: Int) -> [RankEntry] {
            var kept = indices
            if kept.count > cap {
                kept = Array(Matcher.rankedByScore(kept.map { preds[$0].faceScore }).prefix(cap)).sorted().map {
                    kept[$0]
                }
            }
            let match = apMatcher.match(kept.map { preds[$0] }, to: faces)
            return kept.enumerated().map { k, p in
                RankEntry(
                    score: preds[p].faceScore,
                    image: image,
                    order: p,
                    isTruePositive: match.predictionMatches[k] != nil
                )
            }
        }
    }

    // MARK: - Evaluate

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
    /// ``evaluate(_:_:)`` a threshold sweep repeats at each detector threshold.
    public func outcomes(
        _ dataset: Dataset, _ predictions: PredictionSet
    ) -> (
        faces: [FaceOutcome], extras: [ExtraDetection]
    ) {
        let joined = matchAll(dataset, predictions)
        return (joined.outcomes, joined.extras)
    }

    /// The detector's rankings and average precisions, from the matching.
    struct DetectionPart: Sendable {
        var ranked: RankedDetections
        var rankedImages: [Int32]
        var rankedCapped: RankedDetections
        var rankedCappedImages: [Int32]
        var ap: APSummary
        var apPerClass: [FaceClass: APSummary]
        var apMean: APSummary
        var froc: [FROCPoint]
        var logAverageMissRate: Double?
        var precisionAtRecall: [Double]
    }

    /// The pipeline's and the classifier's counts and curves, from the faces' outcomes.
    struct OutcomePart: Sendable {
        /// Per class, indexed by position in the classes (``FaceClass/index``).
        var outcomeCounts: [ClassOutcome]
        var confusion: ConfusionMatrix
        var missedCounts: [Int]
        var extraCounts: [Int]
        var pipelineROC: ROCCurve?
        var matchedROC: ROCCurve?
        var pipelineSorted: SortedScores
        var matchedSorted: SortedScores
        var sweep: SweepTable
    }

    /// Runs `first` and `second` at the same time (on two cores when there are) and returns both results.
    static func inParallel<A: Sendable, B: Sendable>(
        _ first: @Sendable () -> A, _ second: @Sendable () -> B
    ) -> (A, B) {
        let results = Mutex<(A?, B?)>((nil, nil))
        DispatchQueue.concurrentPerform(iterations: 2) { task in
            if task == 0 {
                let a = first()
                results.withLock { $0.0 = a }
            } else {
                let b = second()
                results.withLock { $0.1 = b }
            }
        }
        guard case let (a?, b?) = results.withLock({ $0 }) else {
            preconditionFailure("concurrentPerform returned before both tasks ran")
        }
        return (a, b)
    }

    /// The detector's part of ``evaluate(_:_:)``: rankings, AP, FROC.
    func detectionPart(
        _ joined: Partial, capped cappedLists: (agnostic: [RankEntry], perClass: [[RankEntry]])?, images: Int
    ) -> DetectionPart {
        let classes = settings.incorrectAs.classes
        let faceTotal = joined.outcomes.count
        let (ranked, rankedImages) = Self.rank(joined.agnostic, positives: faceTotal)
        let (rankedCapped, rankedCappedImages) =
            cappedLists.map { Self.rank($0.agnostic, positives: faceTotal) } ?? (ranked, rankedImages)
        var ap = APSummary(
            voc: ranked.averagePrecision(.allPoint),
            elevenPoint: ranked.averagePrecision(.elevenPoint),
            coco: rankedCapped.averagePrecision(.coco101)
        )
        if faceTotal == 0 { ap = APSummary() }
        var apPerClass: [FaceClass: APSummary] = [:]
        for (k, c) in classes.enumerated() {
            let positives = joined.perClassPositives[k]
            let (r, _) = Self.rank(joined.perClass[k], positives: positives)
            let rc = cappedLists.map { Self.rank($0.perClass[k], positives: positives).0 } ?? r
            apPerClass[c] = APSummary(
                voc: r.averagePrecision(.allPoint),
                elevenPoint: r.averagePrecision(.elevenPoint),
                coco: rc.averagePrecision(.coco101)
            )
        }
        let apMean = APSummary(
            voc: Self.mean(classes.compactMap { apPerClass[$0]?.voc }),
            elevenPoint: Self.mean(classes.compactMap { apPerClass[$0]?.elevenPoint }),
            coco: Self.mean(classes.compactMap { apPerClass[$0]?.coco })
        )
        let (froc, lamr) = Self.froc(ranked, images: images)
        return DetectionPart(
            ranked: ranked,
            rankedImages: rankedImages,
            rankedCapped: rankedCapped,
            rankedCappedImages: rankedCappedImages,
            ap: ap,
            apPerClass: apPerClass,
            apMean: apMean,
            froc: froc,
            logAverageMissRate: lamr,
            precisionAtRecall: rankedCapped.positives > 0 ? rankedCapped.interpolatedPrecision() : []
        )
    }

    /// The pipeline's and the classifier's part of ``evaluate(_:_:)``: counts, ROC curves, the sweep.
    func outcomePart(_ outcomes: [FaceOutcome], _ extras: [ExtraDetection]) -> OutcomePart {
        let classes = settings.incorrectAs.classes
        var outcomeCounts = Array(repeating: ClassOutcome(), count: classes.count)
        var confusion = ConfusionMatrix(classes: classes)
        var missedCounts = Array(repeating: 0, count: classes.count)
        for o in outcomes {
            let t = o.truth.index
            outcomeCounts[t].groundTruth += 1
            if let call = o.call {
                confusion.counts[t][call.index] += 1
                if call == o.truth { outcomeCounts[t].correct += 1 } else { outcomeCounts[t].wrong += 1 }
            } else {
                outcomeCounts[t].missed += 1
                missedCounts[t] += 1
            }
        }
        var extraCounts = Array(repeating: 0, count: classes.count)
        for e in extras { extraCounts[e.call.index] += 1 }

        // ROC of the whole pipeline: one point per face.
        var pipelineScores: [Double] = []
        var pipelineLabels: [Bool] = []
        var pipelineImages: [Int] = []
        for o in outcomes {
            guard let score = o.maskScore ?? settings.missedFaceScore else { continue }
            pipelineScores.append(score)
            pipelineLabels.append(o.truth == .masked)
            pipelineImages.append(o.image)
        }
        // ROC of the classifier on matched faces.
        var matchedScores: [Double] = []
        var matchedLabels: [Bool] = []
        var matchedImages: [Int] = []
        for o in outcomes {
            guard let score = o.maskScore else { continue }
            matchedScores.append(score)
            matchedLabels.append(o.truth == .masked)
            matchedImages.append(o.image)
        }
        return OutcomePart(
            outcomeCounts: outcomeCounts,
            confusion: confusion,
            missedCounts: missedCounts,
            extraCounts: extraCounts,
            pipelineROC: Self.curve(pipelineScores, pipelineLabels),
            matchedROC: Self.curve(matchedScores, matchedLabels),
            pipelineSorted: Self.sortedForAUC(pipelineScores, pipelineLabels, pipelineImages),
            matchedSorted: Self.sortedForAUC(matchedScores, matchedLabels, matchedImages),
            sweep: Self.sweep(outcomes: outcomes, extras: extras)
        )
    }

    /// Evaluates `predictions` against `dataset`.
    public func evaluate(_ dataset: Dataset, _ predictions: PredictionSet) -> Evaluation {
        let policy = settings.incorrectAs
        let threshold = settings.threshold
        let classes = policy.classes

        let joined = matchAll(dataset, predictions)
        let outcomes = joined.outcomes
        let extras = joined.extras
        let facesPerImage = joined.facesPerImage
        let predictionCount = joined.predictionCount
        let matchedPredictions = joined.matchedPredictions
        let capped = joined.capped
        let cappedLists = capped ? cappedEntries(dataset, predictions) : nil
        let faceTotal = outcomes.count
        let imageCount = dataset.images.count

        // The detector's metrics and the pipeline's do not depend on each other: both at once.
        let (detection, outcome) = Self.inParallel(
            { detectionPart(joined, capped: cappedLists, images: imageCount) },
            { outcomePart(outcomes, extras) }
        )
        let ranked = detection.ranked
        let rankedImages = detection.rankedImages
        let rankedCapped = detection.rankedCapped
        let rankedCappedImages = detection.rankedCappedImages
        let ap = detection.ap

        // MARK: Pipeline

        let outcomeCounts = outcome.outcomeCounts
        let confusion = outcome.confusion
        func byClass(_ values: [Int]) -> [FaceClass: Int] {
            Dictionary(uniqueKeysWithValues: zip(classes, values).filter { $0.1 > 0 })
        }
        let classOutcomes = Dictionary(uniqueKeysWithValues: zip(classes, outcomeCounts))
        let missedByClass = byClass(outcome.missedCounts)
        let extrasByCall = byClass(outcome.extraCounts)
        let unmasked = outcomeCounts[FaceClass.unmasked.index]
        let masked = outcomeCounts[FaceClass.masked.index]
        let pipelineROC = outcome.pipelineROC
        let matchedROC = outcome.matchedROC
        let truePositives = faceTotal - missedByClass.values.reduce(0, +)

        // MARK: Bootstrap

        let pipelineSorted = outcome.pipelineSorted
        let matchedSorted = outcome.matchedSorted
        let faceCounts = facesPerImage
        let intervals = settings.bootstrap.intervals(imageCount: imageCount, count: 4) {
            var scratch: [(tp: Bootstrap.Lanes, called: Bootstrap.Lanes)] = []
            return { weights in
                var positives = Bootstrap.Lanes.zero
                for (w, n) in zip(weights, faceCounts) { positives += w * Double(n) }
                let ap = ranked.weightedAveragePrecisions(
                    positives: positives,
                    images: rankedImages,
                    imageWeights: weights,
                    scratch: &scratch
                )
                let cappedAP =
                    capped
                    ? rankedCapped.weightedAveragePrecisions(
                        positives: positives,
                        images: rankedCappedImages,
                        imageWeights: weights,
                        scratch: &scratch
                    ) : ap
                return [
                    pipelineSorted.weightedAUC(imageWeights: weights),
                    matchedSorted.weightedAUC(imageWeights: weights),
                    ap.allPoint,
                    cappedAP.coco,
                ]
            }
        }

        let detector = DetectorMetrics(
            truePositives: truePositives,
            falsePositives: extras.count,
            falseNegatives: faceTotal - truePositives,
            precision: Rate(matchedPredictions, of: predictionCount),
            recall: Rate(truePositives, of: faceTotal),
            missed: missedByClass,
            ap: ap,
            apVOCInterval: Estimate(value: ap.voc, low: intervals[2]?.low, high: intervals[2]?.high),
            apCOCOInterval: Estimate(value: ap.coco, low: intervals[3]?.low, high: intervals[3]?.high),
            apPerClass: detection.apPerClass,
            apMeanOverClasses: detection.apMean,
            precisionAtRecall: detection.precisionAtRecall,
            froc: detection.froc,
            logAverageMissRate: detection.logAverageMissRate
        )
        let pipeline = PipelineMetrics(
            threshold: threshold,
            tnr: Rate(unmasked.correct, of: unmasked.groundTruth),
            fnr: Rate(masked.groundTruth - masked.correct - masked.missed, of: masked.groundTruth),
            outcomes: classOutcomes,
            extraDetections: extras.count,
            falseAlarms: extras.filter { $0.call != .masked }.count,
            extraDetectionsByCall: extrasByCall,
            roc: pipelineROC,
            auc: Estimate(value: pipelineROC?.auc, low: intervals[0]?.low, high: intervals[0]?.high),
            sweep: outcome.sweep
        )
        let classifier = ClassifierMetrics(
            accuracy: Rate(confusion.diagonal, of: confusion.total),
            confusion: confusion,
            roc: matchedROC,
            auc: Estimate(value: matchedROC?.auc, low: intervals[1]?.low, high: intervals[1]?.high)
        )
        return Evaluation(
            settings: settings,
            images: imageCount,
            annotatedFaces: dataset.faceCounts(),
            predictions: predictionCount,
            outcomes: outcomes,
            extras: extras,
            detector: detector,
            pipeline: pipeline,
            matchedClassifier: classifier
        )
    }

    // MARK: - Helpers

    static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// The ROC curve when both classes are present; otherwise it is undefined.
    static func curve(_ scores: [Double], _ labels: [Bool]) -> ROCCurve? {
        let curve = ROCCurve(scores: scores, labels: labels)
        return curve.positives > 0 && curve.negatives > 0 ? curve : nil
    }

    static func sortedForAUC(_ scores: [Double], _ labels: [Bool], _ images: [Int]) -> SortedScores {
        let order = ScoreSort.descendingOrder(scores)
        return SortedScores(
            scores: order.map { scores[Int($0)] },
            labels: order.map { labels[Int($0)] },
            images: order.map { Int32(truncatingIfNeeded: images[Int($0)]) }
        )
    }

    /// Scores from highest to lowest with their labels and images, for the bootstrap's AUC.
    struct SortedScores: Sendable {
        var scores: [Double]
        var labels: [Bool]
        var images: [Int32]

        /// ``ROCCurve/weightedAUC(sortedScores:labels:weights:)`` of four bootstrap replicates at once, each
        /// sample weighted by its image; NaN in a lane without positives or negatives.
        func weightedAUC(imageWeights: [Bootstrap.Lanes]) -> Bootstrap.Lanes {
            var tp = Bootstrap.Lanes.zero
            var fp = Bootstrap.Lanes.zero
            var area = Bootstrap.Lanes.zero
            scores.withUnsafeBufferPointer { score in
                labels.withUnsafeBufferPointer { label in
                    images.withUnsafeBufferPointer { image in
                        imageWeights.withUnsafeBufferPointer { weight in
                            var k = 0
                            while k < score.count {
                                var dtp = Bootstrap.Lanes.zero
                                var dfp = Bootstrap.Lanes.zero
                                let s = score[k]
                                while k < score.count, score[k] == s {
                                    // Branch-free: labels are as good as random, a branch would mispredict.
                                    let w = weight[Int(image[k])]
                                    let positive = w * (label[k] ? 1 : 0)
                                    dtp += positive
                                    dfp += w - positive
                                    k += 1
                                }
                                area += dfp * (tp + dtp * 0.5)
                                tp += dtp
                                fp += dfp
                            }
                        }
                    }
                }
            }
            let auc = area / (tp * fp)
            return auc.replacing(with: .nan, where: (tp .== 0) .| (fp .== 0))
        }
    }

    /// The nine FPPI levels of the Caltech log-average miss rate, `logspace(-2, 0, 9)`, then 2, 4 and 8.
    static let frocLevels: [Double] = (0..<9).map { pow(10, -2 + Double($0) / 4) } + [2, 4, 8]

    /// Miss rate at each FPPI level: the lowest threshold whose false positives per image stay at or
    /// below the level. Returns the points and the log-average miss rate over the first nine.
    static func froc(_ ranked: RankedDetections, images: Int) -> ([FROCPoint], Double?) {
        guard images > 0, ranked.positives > 0 else { return ([], nil) }
        // Operating points at each distinct score: (fppi, missRate, threshold).
        var points: [(fppi: Double, miss: Double, threshold: Double)] = []
        var tp = 0
        var fp = 0
        for k in ranked.scores.indices {
            if ranked.isTruePositive[k] { tp += 1 } else { fp += 1 }
            if k + 1 == ranked.scores.count || ranked.scores[k + 1] != ranked.scores[k] {
                points.append(
                    (Double(fp) / Double(images), 1 - Double(tp) / Double(ranked.positives), ranked.scores[k])
                )
            }
        }
        var result: [FROCPoint] = []
        for level in frocLevels {
            let reachable = points.last { $0.fppi <= level }
            result.append(
                FROCPoint(
                    falsePositivesPerImage: level,
                    missRate: reachable?.miss ?? 1,
                    threshold: reachable?.threshold
                )
            )
        }
        let logs = result.prefix(9).map { log(max($0.missRate, 1e-10)) }
        return (result, exp(logs.reduce(0, +) / Double(logs.count)))
    }

    /// TNR, FNR and false alarms at every distinct maskScore of the found faces and extra detections.
    ///
    /// At threshold t a face is called masked when `maskScore >= t`. Missed faces count as failures for
    /// TNR and never as false negatives, as at the operating threshold.
    static func sweep(outcomes: [FaceOutcome], extras: [ExtraDetection]) -> SweepTable {
        var unmaskedScores: [Double] = []
        var maskedScores: [Double] = []
        var unmaskedTotal = 0
        var maskedTotal = 0
        for o in outcomes {
            switch o.truth {
            case .unmasked:
                unmaskedTotal += 1
                if let s = o.maskScore { unmaskedScores.append(s) }
            case .masked:
                maskedTotal += 1
                if let s = o.maskScore { maskedScores.append(s) }
            case .incorrect:
                break
            }
        }
        let extraScores = extras.map(\.maskScore).sorted()
        unmaskedScores.sort()
        maskedScores.sort()
        var thresholds = (unmaskedScores + maskedScores + extraScores).sorted()
        thresholds.removeDuplicates()
        func below(_ sorted: [Double], _ t: Double) -> Int {
            var lo = 0
            var hi = sorted.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if sorted[mid] < t { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        return SweepTable(
            thresholds: thresholds,
            tnr: thresholds.map { unmaskedTotal > 0 ? Double(below(unmaskedScores, $0)) / Double(unmaskedTotal) : nil },
            fnr: thresholds.map { maskedTotal > 0 ? Double(below(maskedScores, $0)) / Double(maskedTotal) : nil },
            falseAlarms: thresholds.map { below(extraScores, $0) }
        )
    }
}

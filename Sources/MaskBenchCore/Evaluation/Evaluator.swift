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
    static func rank(_ entries: [RankEntry], positives: Int) -> (RankedDetections, images: [Int]) {
        let sorted = entries.sorted { a, b in
            if a.score != b.score { return a.score > b.score }
            if a.image != b.image { return a.image < b.image }
            return a.order < b.order
        }
        return (
            RankedDetections(
                isTruePositive: sorted.map(\.isTruePositive),
                scores: sorted.map(\.score),
                positives: positives
            ),
            sorted.map(\.image)
        )
    }

    // MARK: - Evaluate

    /// Evaluates `predictions` against `dataset`.
    public func evaluate(_ dataset: Dataset, _ predictions: PredictionSet) -> Evaluation {
        let policy = settings.incorrectAs
        let threshold = settings.threshold
        let matching = settings.matching
        let matcher = Matcher(settings: matching)
        // AP needs a one-to-one assignment; the dataroots rule is not one, so AP uses pycocotools' rule there.
        var apMatching = matching
        if apMatching.mode == .dataroots { apMatching.mode = .coco }
        let apMatcher = Matcher(settings: apMatching)
        let classes = policy.classes

        var outcomes: [FaceOutcome] = []
        outcomes.reserveCapacity(dataset.faceCount)
        var extras: [ExtraDetection] = []
        var agnostic: [RankEntry] = []
        var agnosticCapped: [RankEntry] = []
        var perClass: [FaceClass: [RankEntry]] = [:]
        var perClassCapped: [FaceClass: [RankEntry]] = [:]
        var perClassPositives: [FaceClass: Int] = [:]
        var facesPerImage: [Int] = []
        var predictionCount = 0
        var matchedPredictions = 0
        let cap = settings.maxDetectionsPerImage

        for (imageIndex, image) in dataset.images.enumerated() {
            let all = predictions[image.name]
            var kept: [Int] = []
            kept.reserveCapacity(all.count)
            for (k, p) in all.enumerated() where p.faceScore >= matching.minFaceScore { kept.append(k) }
            let preds = kept.map { all[$0] }
            predictionCount += preds.count
            facesPerImage.append(image.faces.count)
            let truths = image.faces.map { policy.resolve($0.label) }
            let calls = preds.map { policy.resolve($0.call(threshold: threshold)) }

            let match = matcher.match(preds, to: image.faces)
            for (f, face) in image.faces.enumerated() {
                var outcome = FaceOutcome(image: imageIndex, face: f, truth: truths[f])
                if let p = match.faceMatches[f] {
                    outcome.prediction = kept[p]
                    outcome.faceScore = preds[p].faceScore
                    outcome.maskScore = preds[p].maskScore
                    outcome.iou = preds[p].box.iou(with: face.box, pixels: matching.pixels)
                    outcome.call = calls[p]
                }
                outcomes.append(outcome)
            }
            for (p, pred) in preds.enumerated() {
                if match.predictionMatches[p] == nil {
                    extras.append(
                        ExtraDetection(
                            image: imageIndex,
                            prediction: kept[p],
                            faceScore: pred.faceScore,
                            maskScore: pred.maskScore,
                            call: calls[p]
                        )
                    )
                } else {
                    matchedPredictions += 1
                }
            }

            // Class-agnostic detection, for AP.
            let apMatch = matching.mode == .dataroots ? apMatcher.match(preds, to: image.faces) : match
            let agnosticEntries = preds.indices.map { p in
                RankEntry(
                    score: preds[p].faceScore,
                    image: imageIndex,
                    order: p,
                    isTruePositive: apMatch.predictionMatches[p] != nil
                )
            }
            agnostic += agnosticEntries
            agnosticCapped +=
                preds.count > cap
                ? cappedEntries(preds, faces: image.faces, matcher: apMatcher, image: imageIndex, cap: cap)
                : agnosticEntries

            // Class-aware detection: a prediction is of the class it is called.
            for c in classes {
                let faces = image.faces.indices.filter { truths[$0] == c }.map { image.faces[$0] }
                perClassPositives[c, default: 0] += faces.count
                let indices = preds.indices.filter { calls[$0] == c }
                let classPreds = indices.map { preds[$0] }
                let classMatch = apMatcher.match(classPreds, to: faces)
                let classEntries = indices.enumerated().map { k, p in
                    RankEntry(
                        score: preds[p].faceScore,
                        image: imageIndex,
                        order: p,
                        isTruePositive: classMatch.predictionMatches[k] != nil
                    )
                }
                perClass[c, default: []] += classEntries
                perClassCapped[c, default: []] +=
                    classPreds.count > cap
                    ? cappedEntries(classPreds, faces: faces, matcher: apMatcher, image: imageIndex, cap: cap)
                        .map { RankEntry(score: $0.score, image: $0.image, order: indices[$0.order], isTruePositive: $0.isTruePositive) }
                    : classEntries
            }
        }

        let faceTotal = outcomes.count
        let (ranked, rankedImages) = Self.rank(agnostic, positives: faceTotal)
        let (rankedCapped, rankedCappedImages) = Self.rank(agnosticCapped, positives: faceTotal)

        // MARK: Pipeline

        var classOutcomes: [FaceClass: ClassOutcome] = [:]
        for c in classes { classOutcomes[c] = ClassOutcome(groundTruth: 0, correct: 0, wrong: 0, missed: 0) }
        var confusion = ConfusionMatrix(classes: classes)
        var missedByClass: [FaceClass: Int] = [:]
        for o in outcomes {
            classOutcomes[o.truth, default: ClassOutcome(groundTruth: 0, correct: 0, wrong: 0, missed: 0)]
                .groundTruth += 1
            if let call = o.call {
                confusion[o.truth, call] += 1
                if call == o.truth { classOutcomes[o.truth]?.correct += 1 } else { classOutcomes[o.truth]?.wrong += 1 }
            } else {
                classOutcomes[o.truth]?.missed += 1
                missedByClass[o.truth, default: 0] += 1
            }
        }
        let unmasked = classOutcomes[.unmasked] ?? ClassOutcome(groundTruth: 0, correct: 0, wrong: 0, missed: 0)
        let masked = classOutcomes[.masked] ?? ClassOutcome(groundTruth: 0, correct: 0, wrong: 0, missed: 0)
        var extrasByCall: [FaceClass: Int] = [:]
        for e in extras { extrasByCall[e.call, default: 0] += 1 }

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
        let pipelineROC = Self.curve(pipelineScores, pipelineLabels)
        let matchedROC = Self.curve(matchedScores, matchedLabels)

        // MARK: Detector

        var ap = APSummary(
            voc: ranked.averagePrecision(.allPoint),
            elevenPoint: ranked.averagePrecision(.elevenPoint),
            coco: rankedCapped.averagePrecision(.coco101)
        )
        if faceTotal == 0 { ap = APSummary() }
        var apPerClass: [FaceClass: APSummary] = [:]
        for c in classes {
            let positives = perClassPositives[c] ?? 0
            let (r, _) = Self.rank(perClass[c] ?? [], positives: positives)
            let (rc, _) = Self.rank(perClassCapped[c] ?? [], positives: positives)
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
        let truePositives = faceTotal - missedByClass.values.reduce(0, +)
        let (froc, lamr) = Self.froc(ranked, images: dataset.images.count)

        // MARK: Bootstrap

        let pipelineSorted = Self.sortedForAUC(pipelineScores, pipelineLabels, pipelineImages)
        let matchedSorted = Self.sortedForAUC(matchedScores, matchedLabels, matchedImages)
        let faceCounts = facesPerImage
        let intervals = settings.bootstrap.intervals(imageCount: dataset.images.count, count: 4) { weights in
            let positives = zip(weights, faceCounts).reduce(0.0) { $0 + $1.0 * Double($1.1) }
            return [
                ROCCurve.weightedAUC(
                    sortedScores: pipelineSorted.scores,
                    labels: pipelineSorted.labels,
                    weights: pipelineSorted.images.map { weights[$0] }
                ),
                ROCCurve.weightedAUC(
                    sortedScores: matchedSorted.scores,
                    labels: matchedSorted.labels,
                    weights: matchedSorted.images.map { weights[$0] }
                ),
                ranked.averagePrecision(
                    .allPoint,
                    weights: rankedImages.map { weights[$0] },
                    positives: positives
                ),
                rankedCapped.averagePrecision(
                    .coco101,
                    weights: rankedCappedImages.map { weights[$0] },
                    positives: positives
                ),
            ]
        }

        let sweep = Self.sweep(outcomes: outcomes, extras: extras)
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
            apPerClass: apPerClass,
            apMeanOverClasses: apMean,
            precisionAtRecall: rankedCapped.positives > 0 ? rankedCapped.interpolatedPrecision() : [],
            froc: froc,
            logAverageMissRate: lamr
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
            sweep: sweep
        )
        let classifier = ClassifierMetrics(
            accuracy: Rate(confusion.diagonal, of: confusion.total),
            confusion: confusion,
            roc: matchedROC,
            auc: Estimate(value: matchedROC?.auc, low: intervals[1]?.low, high: intervals[1]?.high)
        )
        return Evaluation(
            settings: settings,
            images: dataset.images.count,
            annotatedFaces: dataset.faceCounts(),
            predictions: predictionCount,
            outcomes: outcomes,
            extras: extras,
            detector: detector,
            pipeline: pipeline,
            matchedClassifier: classifier
        )
    }

    /// Rank entries for the 101-point AP: only the `cap` highest-scoring predictions of the image take part,
    /// matched again among themselves when the cap cut any (pycocotools' `maxDets`).
    private func cappedEntries(
        _ preds: [Prediction],
        faces: [GroundTruthFace],
        matcher: Matcher,
        image: Int,
        cap: Int
    ) -> [RankEntry] {
        var indices = Array(preds.indices)
        if preds.count > cap { indices = Array(Matcher.rankedByScore(preds.map(\.faceScore)).prefix(cap)).sorted() }
        let subset = indices.map { preds[$0] }
        let match = matcher.match(subset, to: faces)
        return indices.enumerated().map { k, p in
            RankEntry(
                score: preds[p].faceScore,
                image: image,
                order: p,
                isTruePositive: match.predictionMatches[k] != nil
            )
        }
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

    static func sortedForAUC(
        _ scores: [Double],
        _ labels: [Bool],
        _ images: [Int]
    ) -> (scores: [Double], labels: [Bool], images: [Int]) {
        let (sorted, order) = ScoreSort.descending(scores, payload: scores.indices.map { UInt32($0) })
        return (sorted, order.map { labels[Int($0)] }, order.map { images[Int($0)] })
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
        let thresholds = Array(Set(unmaskedScores + maskedScores + extraScores)).sorted()
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

/// The pipeline's and the classifier's numbers: counts, ROC curves, the sweep.
extension Evaluator {
    // MARK: - Outcomes

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

    /// The pipeline's and the classifier's part of ``evaluate(_:_:)``: counts, ROC curves, the sweep.
    func outcomePart(_ outcomes: [FaceOutcome], _ extras: [ExtraDetection]) -> OutcomePart {
        let classes = settings.incorrectAs.classes
        var outcomeCounts = Array(repeating: ClassOutcome(), count: classes.count)
        var confusion = ConfusionMatrix(classes: classes)
        var missedCounts = Array(repeating: 0, count: classes.count)
        for o in outcomes where o.ignoreRegion == nil {
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
        for o in outcomes where o.ignoreRegion == nil {
            guard let score = o.maskScore ?? settings.missedFaceScore else { continue }
            pipelineScores.append(score)
            pipelineLabels.append(o.truth == .masked)
            pipelineImages.append(o.image)
        }
        // ROC of the classifier on matched faces.
        var matchedScores: [Double] = []
        var matchedLabels: [Bool] = []
        var matchedImages: [Int] = []
        for o in outcomes where o.ignoreRegion == nil {
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
            pipelineSorted: SortedScores(scores: pipelineScores, labels: pipelineLabels, images: pipelineImages),
            matchedSorted: SortedScores(scores: matchedScores, labels: matchedLabels, images: matchedImages),
            sweep: Self.sweep(outcomes: outcomes, extras: extras)
        )
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
        for o in outcomes where o.ignoreRegion == nil {
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

import MaskBenchCore

/// A number of a `metrics.json` that the run's own per-face records recompute to another value.
public struct RecordDisagreement: Sendable, Hashable {
    /// The dotted `metrics.json` path, as `pipeline.tnr.count`.
    public var field: String
    /// The value `metrics.json` holds, as JSON spells it (`null` when undefined).
    public var recorded: String
    /// The value recomputed from the faces (and extra detections).
    public var recomputed: String

    /// The first six of `list` in a sentence, `pipeline.tnr.count is 125 in the metrics but 115 from the faces;
    /// …; and 3 more`, with the two sides named `recorded` and `recomputed`.
    public static func sentence(_ list: [RecordDisagreement], recorded: String, recomputed: String) -> String {
        let shown = list.prefix(6).map {
            "\($0.field) is \($0.recorded) \(recorded) but \($0.recomputed) \(recomputed)"
        }
        return shown.joined(separator: "; ")
            + (list.count > shown.count ? "; and \(list.count - shown.count) more" : "")
    }
}

extension MetricsDocument {
    /// The numbers of this document that `faces` (its run's `faces.csv`) and `extras` (its `extras.csv`, when
    /// the run kept one) recompute to other values: what a cut-short table or a number edited by hand shows.
    ///
    /// Recomputed from the faces: the face count, each class's outcome row (ground truth, correct, wrong,
    /// missed), the detector's true positives, false negatives and missed faces per class, recall, TNR and FNR
    /// (count, total and value), the pipeline ROC's AUC (one point per face, a missed face at
    /// `settings.missedFaceScore`) and the classifier's accuracy, confusion matrix and AUC on the found faces;
    /// from the extras: the extra detections (the detector's false positives) and those called unmasked; from
    /// both, the detector's precision and its class-agnostic APs at the matching threshold
    /// (``apDisagreements(faces:extras:)``). Every rate's Wilson interval is recomputed from its count and
    /// total; the bootstrap intervals are only checked to be intervals (``intervalDisagreements()``). Counts
    /// are compared exactly, other values to within 1e-9 (they are recomputed by the same code from the same
    /// numbers).
    ///
    /// Ignore regions (rows with truth `ignored`) are not faces and take part in none of these numbers.
    ///
    /// - Returns: the disagreements in that order; empty when the records agree.
    public func disagreements(faces: [FaceRecord], extras: [ExtraRecord]? = nil) -> [RecordDisagreement] {
        let faces = faces.filter { !$0.ignored }
        var found: [RecordDisagreement] = []
        func count(_ field: String, _ recorded: Int?, _ recomputed: Int) {
            if recorded != recomputed {
                found.append(
                    RecordDisagreement(
                        field: field, recorded: recorded.map(String.init) ?? "null", recomputed: "\(recomputed)"))
            }
        }
        func number(_ field: String, _ recorded: Double?, _ recomputed: Double?) {
            switch (recorded, recomputed) {
            case (nil, nil): return
            case (let a?, let b?) where abs(a - b) <= 1e-9: return
            default:
                found.append(
                    RecordDisagreement(
                        field: field, recorded: recorded.map { "\($0)" } ?? "null",
                        recomputed: recomputed.map { "\($0)" } ?? "null"))
            }
        }
        // A rate's value and its Wilson interval are those of its count and total.
        func rate(_ field: String, _ recorded: Rate, count right: Int, of total: Int) {
            count(field + ".count", recorded.count, right)
            count(field + ".total", recorded.total, total)
            let recomputed = Rate(right, of: total)
            number(field + ".value", recorded.value, recomputed.value)
            number(field + ".low", recorded.low, recomputed.low)
            number(field + ".high", recorded.high, recomputed.high)
        }

        let classes = settings.incorrectAs.classes
        count("dataset.faces.total", dataset.faces.total, faces.count)
        var outcomes = [FaceClass: ClassOutcome]()
        for face in faces {
            var row = outcomes[face.truth] ?? ClassOutcome()
            row.groundTruth += 1
            if !face.detected {
                row.missed += 1
            } else if face.correct {
                row.correct += 1
            } else {
                row.wrong += 1
            }
            outcomes[face.truth] = row
        }
        for c in classes {
            let recomputed = outcomes[c] ?? ClassOutcome()
            let recorded = pipeline.outcomes[c.rawValue]
            let path = "pipeline.outcomes.\(c.rawValue)"
            count(path + ".groundTruth", recorded?.groundTruth, recomputed.groundTruth)
            count(path + ".correct", recorded?.correct, recomputed.correct)
            count(path + ".wrong", recorded?.wrong, recomputed.wrong)
            count(path + ".missed", recorded?.missed, recomputed.missed)
            count("detector.missed.\(c.rawValue)", detector.missed[c.rawValue], recomputed.missed)
        }
        let detected = faces.filter(\.detected).count
        count("detector.truePositives", detector.truePositives, detected)
        count("detector.falseNegatives", detector.falseNegatives, faces.count - detected)
        rate("detector.recall", detector.recall, count: detected, of: faces.count)
        let unmasked = outcomes[.unmasked] ?? ClassOutcome()
        let masked = outcomes[.masked] ?? ClassOutcome()
        rate("pipeline.tnr", pipeline.tnr, count: unmasked.correct, of: unmasked.groundTruth)
        rate("pipeline.fnr", pipeline.fnr, count: masked.wrong, of: masked.groundTruth)

        var pipelineScores: [Double] = []
        var pipelineLabels: [Bool] = []
        var matchedScores: [Double] = []
        var matchedLabels: [Bool] = []
        var confusion: [String: [String: Int]] = [:]
        for truth in classes {
            confusion[truth.rawValue] = Dictionary(uniqueKeysWithValues: classes.map { ($0.rawValue, 0) })
        }
        for face in faces {
            if let score = face.maskScore ?? settings.missedFaceScore {
                pipelineScores.append(score)
                pipelineLabels.append(face.truth == .masked)
            }
            guard let call = face.call else { continue }
            confusion[face.truth.rawValue, default: [:]][call.rawValue, default: 0] += 1
            if let score = face.maskScore {
                matchedScores.append(score)
                matchedLabels.append(face.truth == .masked)
            }
        }
        number("pipeline.roc.auc", pipeline.roc.auc, Self.auc(pipelineScores, pipelineLabels))
        let matched = classifier.matched
        count("classifier.matched.faces", matched.faces, detected)
        rate("classifier.matched.accuracy", matched.accuracy, count: faces.filter(\.correct).count, of: detected)
        for truth in classes {
            for call in classes {
                count(
                    "classifier.matched.confusion.\(truth.rawValue).\(call.rawValue)",
                    matched.confusion[truth.rawValue]?[call.rawValue], confusion[truth.rawValue]?[call.rawValue] ?? 0)
            }
        }
        number("classifier.matched.auc", matched.auc, Self.auc(matchedScores, matchedLabels))

        if let extras {
            count("pipeline.extraDetections.total", pipeline.extraDetections.total, extras.count)
            count("detector.falsePositives", detector.falsePositives, extras.count)
            count(
                "pipeline.extraDetections.calledUnmasked", pipeline.extraDetections.calledUnmasked,
                extras.filter { $0.call != .masked }.count)
        }
        // Precision: the predictions matched to a face over those matched to a face or to nothing. Outside
        // `dataroots` matching (where several predictions may match one face) the first are the found faces.
        let falsePositives = extras?.count ?? detector.falsePositives
        let matchedPredictions = settings.matching.mode == .dataroots ? detector.precision.count : detected
        rate(
            "detector.precision", detector.precision, count: matchedPredictions, of: matchedPredictions + falsePositives
        )
        if let extras { found += apDisagreements(faces: faces, extras: extras) }
        found += intervalDisagreements()
        return found
    }

    /// The detector's class-agnostic APs at the matching threshold that the faces (found ones with their
    /// faceScore) and extras determine: VOC all-point and 11-point, and pycocotools' 101-point when no image
    /// has more detections than its per-image cap and no prediction matched an ignore region (whose
    /// detections hold places under the cap but are in neither table). Not under `dataroots` matching, whose
    /// assignment is not AP's, nor when a found face has no faceScore (older records).
    ///
    /// Scores that tie between a true and a false positive are ranked by the evaluator in dataset order,
    /// which the records do not keep: the recorded AP must then lie between the AP of the ties ranked true
    /// positives first and false positives first (one value when nothing ties).
    private func apDisagreements(faces: [FaceRecord], extras: [ExtraRecord]) -> [RecordDisagreement] {
        guard settings.matching.mode != .dataroots, faces.allSatisfy({ $0.detected == ($0.faceScore != nil) })
        else { return [] }
        var images: [String: Int] = [:]
        let detections = RecordedDetections(faces: faces, extras: extras) { name in
            if let index = images[name] { return index }
            images[name] = images.count
            return images.count - 1
        }
        let (best, _) = detections.ranked(ties: .truePositivesFirst)
        let (worst, _) = detections.ranked(ties: .falsePositivesFirst)
        var perImage = [Int](repeating: 0, count: images.count)
        for image in detections.images { perImage[image] += 1 }
        let uncapped = perImage.allSatisfy { $0 <= settings.maxDetectionsPerImage }
        var checked: [(String, Double?, APInterpolation)] = [
            ("detector.ap.voc", detector.ap.voc, .allPoint),
            ("detector.ap.elevenPoint", detector.ap.elevenPoint, .elevenPoint),
        ]
        if uncapped && ignoredDetectionsAreNone { checked.append(("detector.ap.coco", detector.ap.coco, .coco101)) }
        var found: [RecordDisagreement] = []
        for (field, recorded, interpolation) in checked {
            let low = worst.averagePrecision(interpolation)
            let high = best.averagePrecision(interpolation)
            switch (recorded, low, high) {
            case (nil, nil, _): continue
            case (let value?, let low?, let high?) where value >= low - 1e-9 && value <= high + 1e-9: continue
            default:
                let recomputed =
                    switch (low, high) {
                    case (let low?, let high?) where abs(high - low) > 1e-9:
                        "\(low) to \(high) (ties ranked either way)"
                    case (let low?, _): "\(low)"
                    default: "null"
                    }
                found.append(
                    RecordDisagreement(
                        field: field, recorded: recorded.map { "\($0)" } ?? "null", recomputed: recomputed))
            }
        }
        return found
    }

    /// Whether no prediction matched an ignore region: `detector.ignoredDetections` is 0 (documents that
    /// lack it count as having some).
    private var ignoredDetectionsAreNone: Bool { detector.ignoredDetections == 0 }

    /// The bootstrap intervals (of the AUCs and APs) that cannot be: only one bound, a bound outside [0, 1]
    /// or `low > high`, a bound beside an undefined value, or a bound when the document states that no
    /// interval was computed (`intervalMethod.name` `none`). The bounds themselves are not recomputed: the
    /// replicates resample the dataset's images by their index, and the records keep neither the images
    /// without faces or detections nor the dataset's order. A percentile interval need not hold its point
    /// estimate, so `low <= value <= high` is not required.
    private func intervalDisagreements() -> [RecordDisagreement] {
        let noIntervals = intervalMethod?.name == "none"
        var found: [RecordDisagreement] = []
        func check(_ field: String, _ interval: Interval?, value: Double?) {
            guard let interval else { return }
            let problem: String? =
                switch (interval.low, interval.high) {
                case (nil, nil): nil
                case (let low?, let high?):
                    if noIntervals {
                        "a bound though intervalMethod is none"
                    } else if value == nil {
                        "a bound of an undefined value"
                    } else if !(0 <= low && low <= high && high <= 1) {
                        "not 0 <= low <= high <= 1"
                    } else {
                        nil
                    }
                default: "only one bound"
                }
            guard let problem else { return }
            let shown = [interval.low, interval.high].map { $0.map { "\($0)" } ?? "null" }.joined(separator: ", ")
            found.append(RecordDisagreement(field: field, recorded: "[\(shown)]", recomputed: problem))
        }
        check("pipeline.roc.aucInterval", pipeline.roc.aucInterval, value: pipeline.roc.auc)
        check("classifier.matched.aucInterval", classifier.matched.aucInterval, value: classifier.matched.auc)
        check("detector.ap.vocInterval", detector.ap.vocInterval, value: detector.ap.voc)
        check("detector.ap.elevenPointInterval", detector.ap.elevenPointInterval, value: detector.ap.elevenPoint)
        check("detector.ap.cocoInterval", detector.ap.cocoInterval, value: detector.ap.coco)
        return found
    }

    /// The area under the ROC curve of `scores`, `nil` without both classes (as the evaluator has it).
    private static func auc(_ scores: [Double], _ labels: [Bool]) -> Double? {
        let curve = ROCCurve(scores: scores, labels: labels)
        return curve.positives > 0 && curve.negatives > 0 ? curve.auc : nil
    }
}

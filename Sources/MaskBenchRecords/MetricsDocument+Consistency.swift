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
    /// from the extras: the extra detections (the detector's false positives) and those called unmasked. Values are compared exactly, a rate's
    /// value and an AUC to within 1e-9 (they are recomputed by the same code from the same numbers).
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
        func rate(_ field: String, _ recorded: Rate, count right: Int, of total: Int) {
            count(field + ".count", recorded.count, right)
            count(field + ".total", recorded.total, total)
            number(field + ".value", recorded.value, total > 0 ? Double(right) / Double(total) : nil)
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
        return found
    }

    /// The area under the ROC curve of `scores`, `nil` without both classes (as the evaluator has it).
    private static func auc(_ scores: [Double], _ labels: [Bool]) -> Double? {
        let curve = ROCCurve(scores: scores, labels: labels)
        return curve.positives > 0 && curve.negatives > 0 ? curve.auc : nil
    }
}

public import MaskBenchRecords

/// The gate's judgement of one rule.
public struct Verdict: Sendable, Hashable {
    /// Whether the rule held.
    public enum Outcome: String, Sendable, Hashable {
        /// Within tolerance, or better.
        case pass
        /// Worse by more than the tolerance, but the change is not significant at the rule's level.
        case notSignificant = "not significant"
        /// Worse by more than the tolerance (and significant, when the rule asks for it).
        case regression
    }

    /// A significance test of the change, on the paired per-face outcomes.
    public enum Test: Sendable, Hashable {
        /// Exact McNemar: `b` faces went from right to wrong for the metric, `c` from wrong to right.
        case mcNemar(b: Int, c: Int, pValue: Double)
        /// Paired bootstrap over images of `current − baseline`: its percentile interval and p-value.
        case bootstrap(low: Double, high: Double, pValue: Double, replicates: Int)

        /// The two-sided p-value.
        public var pValue: Double {
            switch self {
            case .mcNemar(_, _, let p), .bootstrap(_, _, let p, _): return p
            }
        }

        /// `=0.0020`, or `<0.0010` when no bootstrap replicate fell on the other side of 0 (the p-value is
        /// below the bootstrap's resolution).
        var pValueText: String {
            if case .bootstrap(_, _, let p, let replicates) = self, p == 0, replicates > 0 {
                return "<" + Format.pValue(1 / Double(replicates))
            }
            return "=" + Format.pValue(pValue)
        }
    }

    public var rule: GateRule
    /// The metric in the baseline; `nil` when undefined (`null`) there.
    public var baseline: Double?
    /// The metric now; `nil` when undefined now.
    public var current: Double?
    /// The test, for metrics that have one (TNR, FNR, detector recall, pipeline AUC).
    public var test: Test?
    public var outcome: Outcome
    /// Why: the tolerance and the test, in a sentence.
    public var reason: String

    /// `current − baseline`, when both are defined.
    public var delta: Double? {
        guard let baseline, let current else { return nil }
        return current - baseline
    }
}

/// The images whose faces changed correctness against the baseline.
public struct ImageChange: Sendable, Hashable {
    public var image: String
    /// Faces right in the baseline and wrong now (missed, or called wrongly).
    public var gainedMistakes: Int
    /// Faces wrong in the baseline and right now.
    public var lostMistakes: Int
}

/// Everything the gate found: one verdict per rule and the faces that changed.
public struct GateReport: Sendable, Hashable {
    public var verdicts: [Verdict]
    /// Per image, the faces that changed correctness; only images with a change, sorted by name.
    public var changedImages: [ImageChange]
    /// The baseline's and the current dataset fingerprints.
    public var baselineFingerprint: String
    public var currentFingerprint: String
    /// Faces present in only one of the two runs (only when the dataset changed).
    public var unpairedBaselineFaces: Int
    public var unpairedCurrentFaces: Int
    /// The settings that differ from the baseline's (allowed by `--allow-settings-change`).
    public var settingChanges: [SettingChange] = []
    /// Images that failed in the run and not in the baseline: they are left out of the run's numbers, so its
    /// dataset differs from the baseline's. A finding: the gate fails, and without `--allow-dataset-change`
    /// judges no rule.
    public var newFailures: [MetricsDocument.RunSummary.Failure] = []

    /// Whether no rule found a regression and no image failed anew.
    public var passed: Bool { newFailures.isEmpty && !verdicts.contains { $0.outcome == .regression } }

    /// Whether the two runs were made on different data (allowed with `--allow-dataset-change`).
    public var datasetChanged: Bool { baselineFingerprint != currentFingerprint }

    /// Images that gained mistakes, most first, then by name.
    public var imagesWithNewMistakes: [ImageChange] {
        changedImages.filter { $0.gainedMistakes > 0 }.sorted {
            $0.gainedMistakes != $1.gainedMistakes ? $0.gainedMistakes > $1.gainedMistakes : $0.image < $1.image
        }
    }

    /// Images that lost mistakes, most first, then by name.
    public var imagesWithFixedMistakes: [ImageChange] {
        changedImages.filter { $0.lostMistakes > 0 }.sorted {
            $0.lostMistakes != $1.lostMistakes ? $0.lostMistakes > $1.lostMistakes : $0.image < $1.image
        }
    }
}

import MaskBenchCore
public import MaskBenchRecords

/// Compares a run with a baseline under a list of rules.
///
/// Every input problem is found before anything is judged, so a caller that writes outputs only after
/// ``check(_:baseline:current:)`` returns writes nothing on an input error.
public struct RegressionGate: Sendable {
    public var rules: [GateRule]
    /// Whether a baseline made on other data (another dataset fingerprint) may be used.
    public var allowDatasetChange: Bool
    /// The bootstrap of AUC changes.
    public var bootstrap: PairedBootstrap

    /// A worsening this close to the tolerance counts as within it, so that `0.885 → 0.875` is exactly
    /// one point and not `0.010000000000000009`.
    static let slack = 1e-9

    /// Creates a gate.
    public init(
        rules: [GateRule] = GateRule.defaults,
        allowDatasetChange: Bool = false,
        bootstrap: PairedBootstrap = PairedBootstrap()
    ) {
        self.rules = rules
        self.allowDatasetChange = allowDatasetChange
        self.bootstrap = bootstrap
    }

    /// One run: its `metrics.json` and its per-face outcomes, with the file names used in errors.
    public struct Run: Sendable {
        public var metrics: MetricsDocument
        public var faces: [FaceRecord]
        /// The run's `extras.csv`, when it has one.
        public var extras: [ExtraRecord]?
        /// The file the run is read from (the baseline, or `metrics.json`), for messages.
        public var file: String

        public init(metrics: MetricsDocument, faces: [FaceRecord], extras: [ExtraRecord]? = nil, file: String) {
            self.metrics = metrics
            self.faces = faces
            self.extras = extras
            self.file = file
        }
    }

    /// The paired test each metric has; metrics not listed have none.
    enum PairedTest {
        /// McNemar on the faces in `population`; `right` says whether a face counts as right for the metric
        /// (called unmasked for TNR, not called unmasked when masked for FNR, found for recall).
        case mcNemar(population: @Sendable (FaceRecord) -> Bool, right: @Sendable (FaceRecord) -> Bool)
        case aucBootstrap
        /// A paired bootstrap of the detector's VOC all-point AP, from the faces' and extras' faceScores.
        case apBootstrap
    }

    static let pairedTests: [String: PairedTest] = [
        "pipeline.tnr.value": .mcNemar(population: { $0.truth == .unmasked }, right: { $0.correct }),
        "pipeline.fnr.value": .mcNemar(population: { $0.truth == .masked }, right: { !$0.detected || $0.correct }),
        "detector.recall.value": .mcNemar(population: { _ in true }, right: { $0.detected }),
        "pipeline.roc.auc": .aucBootstrap,
        "detector.ap.voc": .apBootstrap,
    ]

    /// The metrics a rule may set `significance` on.
    public static var metricsWithSignificanceTests: [String] { pairedTests.keys.sorted() }

    /// Judges `current` against `baseline`.
    ///
    /// - Throws: ``GateError`` when the dataset fingerprints differ (unless ``allowDatasetChange``), when a
    ///   rule names a metric that is not a number in either `metrics.json`, or sets `significance` on a
    ///   metric without a paired test.
    public func check(baseline: Baseline, baselineFile: String, current: Run) throws -> GateReport {
        let currentFingerprint = current.metrics.dataset.fingerprint
        if baseline.datasetFingerprint != currentFingerprint, !allowDatasetChange {
            throw GateError(
                file: current.file,
                "dataset fingerprint \(currentFingerprint) differs from the baseline's \(baseline.datasetFingerprint) (\(baselineFile)): the run is on other data; pass --allow-dataset-change to compare anyway, or record a new baseline"
            )
        }
        let before = try MetricValues(baseline.metrics)
        let after = try MetricValues(current.metrics)
        for rule in rules {
            for (values, file) in [(before, baselineFile), (after, current.file)]
            where values.lookup(rule.metric) == .notANumber {
                throw rule.error(
                    "unknown metric '\(rule.metric)': not a number in \(file) (e.g. pipeline.tnr.value, detector.ap.coco)"
                )
            }
            if rule.significance != nil, Self.pairedTests[rule.metric] == nil {
                throw rule.error(
                    "significance is not available for '\(rule.metric)'; it is for \(Self.metricsWithSignificanceTests.joined(separator: ", ")); remove it to gate on the tolerance alone"
                )
            }
        }

        let pairs = Self.pair(baseline.faces, current.faces)
        let detections = Self.detections(baseline, current, pairs: pairs.paired)
        let verdicts = rules.map { rule in
            verdict(
                rule, before.lookup(rule.metric), after.lookup(rule.metric), pairs: pairs.paired,
                missedScores: (baseline.settings.missedFaceScore, current.metrics.settings.missedFaceScore),
                detections: detections)
        }
        return GateReport(
            verdicts: verdicts,
            changedImages: Self.changedImages(pairs.paired),
            baselineFingerprint: baseline.datasetFingerprint,
            currentFingerprint: currentFingerprint,
            unpairedBaselineFaces: pairs.onlyBaseline,
            unpairedCurrentFaces: pairs.onlyCurrent
        )
    }

    // MARK: - Pairing

    typealias Pair = (baseline: FaceRecord, current: FaceRecord)

    /// Faces present in both runs (same image and index, same truth), sorted by image then face.
    static func pair(
        _ baseline: [FaceRecord], _ current: [FaceRecord]
    ) -> (
        paired: [Pair], onlyBaseline: Int, onlyCurrent: Int
    ) {
        var byKey: [FaceRecord.Key: FaceRecord] = [:]
        for face in current { byKey[face.key] = face }
        var paired: [Pair] = []
        for face in baseline {
            if let other = byKey[face.key], other.truth == face.truth { paired.append((face, other)) }
        }
        paired.sort { $0.baseline.key < $1.baseline.key }
        return (paired, baseline.count - paired.count, current.count - paired.count)
    }

    static func changedImages(_ pairs: [Pair]) -> [ImageChange] {
        var changes: [String: ImageChange] = [:]
        for (a, b) in pairs where a.correct != b.correct {
            var change = changes[a.image] ?? ImageChange(image: a.image, gainedMistakes: 0, lostMistakes: 0)
            if a.correct { change.gainedMistakes += 1 } else { change.lostMistakes += 1 }
            changes[a.image] = change
        }
        return changes.values.sorted { $0.image < $1.image }
    }

    // MARK: - Verdicts

    func verdict(
        _ rule: GateRule,
        _ baseline: MetricValues.Lookup,
        _ current: MetricValues.Lookup,
        pairs: [Pair],
        missedScores: (Double?, Double?),
        detections: PairedDetections? = nil
    ) -> Verdict {
        var verdict = Verdict(rule: rule, baseline: nil, current: nil, test: nil, outcome: .pass, reason: "")
        if case .number(let value) = baseline { verdict.baseline = value }
        if case .number(let value) = current { verdict.current = value }
        verdict.test = test(rule.metric, pairs: pairs, missedScores: missedScores, detections: detections)
        guard let before = verdict.baseline else {
            verdict.reason = "undefined in the baseline: nothing to compare"
            return verdict
        }
        guard let after = verdict.current else {
            verdict.outcome = .regression
            verdict.reason = "defined in the baseline (\(Format.number(before))) but undefined now"
            return verdict
        }
        let worse = rule.worsening(from: before, to: after)
        let tolerance = rule.tolerance(around: before)
        if worse <= tolerance + Self.slack {
            verdict.reason = worse < 0 ? "better" : "within tolerance \(Format.number(tolerance))"
            return verdict
        }
        let beyond = "worse by \(Format.number(worse)), beyond tolerance \(Format.number(tolerance))"
        guard let alpha = rule.significance else {
            verdict.outcome = .regression
            verdict.reason = beyond
            return verdict
        }
        guard let test = verdict.test else {
            verdict.outcome = .regression
            verdict.reason =
                beyond
                + (Self.pairedTests[rule.metric].map { if case .apBootstrap = $0 { true } else { false } } == true
                    ? "; AP significance needs extras.csv in both runs and coco or voc matching"
                    : "; no paired faces to test significance on")
            return verdict
        }
        if test.pValue < alpha {
            verdict.outcome = .regression
            verdict.reason = beyond + " and significant (p\(test.pValueText) < \(Format.number(alpha)))"
        } else {
            verdict.outcome = .notSignificant
            verdict.reason = beyond + " but not significant (p\(test.pValueText) >= \(Format.number(alpha)))"
        }
        return verdict
    }

    /// The metric's paired test on `pairs`, or `nil` when it has none or there is nothing to test.
    func test(
        _ metric: String, pairs: [Pair], missedScores: (Double?, Double?), detections: PairedDetections? = nil
    ) -> Verdict.Test? {
        switch Self.pairedTests[metric] {
        case .mcNemar(let population, let right)?:
            var b = 0
            var c = 0
            for (before, after) in pairs where population(before) {
                if right(before) && !right(after) { b += 1 }
                if !right(before) && right(after) { c += 1 }
            }
            return .mcNemar(b: b, c: c, pValue: McNemar.pValue(b: b, c: c))
        case .aucBootstrap?:
            var images: [String: Int] = [:]
            var before: [PairedBootstrap.Sample] = []
            var after: [PairedBootstrap.Sample] = []
            for (a, b) in pairs {
                let image = images[a.image] ?? images.count
                images[a.image] = image
                if let score = a.maskScore ?? missedScores.0 {
                    before.append(PairedBootstrap.Sample(score: score, positive: a.truth == .masked, image: image))
                }
                if let score = b.maskScore ?? missedScores.1 {
                    after.append(PairedBootstrap.Sample(score: score, positive: b.truth == .masked, image: image))
                }
            }
            guard let result = bootstrap.aucDifference(baseline: before, current: after, imageCount: images.count)
            else { return nil }
            return .bootstrap(
                low: result.low, high: result.high, pValue: result.pValue, replicates: result.replicates)
        case .apBootstrap?:
            guard let detections,
                let result = bootstrap.apDifference(
                    baseline: detections.baseline, current: detections.current, imageCount: detections.imageCount)
            else { return nil }
            return .bootstrap(
                low: result.low, high: result.high, pValue: result.pValue, replicates: result.replicates)
        case nil:
            return nil
        }
    }

    /// Both runs' ranked detections over the paired faces' images: each matched face is a true positive at
    /// its faceScore, each extra detection a false positive. `nil` without `extras.csv` in both runs or
    /// faceScores in both, or under `dataroots` matching (whose assignment is not AP's).
    struct PairedDetections {
        var baseline: PairedBootstrap.Detections
        var current: PairedBootstrap.Detections
        var imageCount: Int
    }

    static func detections(_ baseline: Baseline, _ current: Run, pairs: [Pair]) -> PairedDetections? {
        guard let baselineExtras = baseline.extras, let currentExtras = current.extras,
            baseline.settings.matching.mode != .dataroots, current.metrics.settings.matching.mode != .dataroots,
            pairs.allSatisfy({
                ($0.baseline.detected == ($0.baseline.faceScore != nil))
                    && ($0.current.detected == ($0.current.faceScore != nil))
            })
        else { return nil }
        var images: [String: Int] = [:]
        for (a, _) in pairs where images[a.image] == nil { images[a.image] = images.count }
        func ranked(_ faces: [FaceRecord], _ extras: [ExtraRecord]) -> PairedBootstrap.Detections {
            var detections = PairedBootstrap.Detections()
            for face in faces {
                guard let image = images[face.image] else { continue }
                detections.positives.append(image)
                if let score = face.faceScore { detections.append(score: score, truePositive: true, image: image) }
            }
            for extra in extras {
                guard let image = images[extra.image] else { continue }
                detections.append(score: extra.faceScore, truePositive: false, image: image)
            }
            return detections
        }
        return PairedDetections(
            baseline: ranked(pairs.map(\.baseline), baselineExtras),
            current: ranked(pairs.map(\.current), currentExtras),
            imageCount: images.count)
    }
}

import MaskBenchCore
public import MaskBenchRecords

/// Compares a run with a baseline under a list of rules, failing closed.
///
/// Every input problem is found before anything is judged, so a caller that writes outputs only after
/// ``check(baseline:baselineFile:current:)`` returns writes nothing on an input error. The gate never passes
/// because it could not compare: records that disagree with themselves, other settings, other data, an
/// undefined value are input errors; images that failed in the run are a finding; a significance test with
/// nothing (or too little) to pair gives way to the tolerance alone.
public struct RegressionGate: Sendable {
    public var rules: [GateRule]
    /// Whether a baseline made on other data (another dataset fingerprint) may be used.
    public var allowDatasetChange: Bool
    /// Whether a baseline evaluated under other settings (any field of `settings` in `metrics.json`) may be
    /// used; the differences are then listed above the verdicts.
    public var allowSettingsChange: Bool
    /// The bootstrap of AUC changes.
    public var bootstrap: PairedBootstrap

    /// A worsening this close to the tolerance counts as within it, so that `0.885 → 0.875` is exactly
    /// one point and not `0.010000000000000009`.
    static let slack = 1e-9

    /// Creates a gate.
    public init(
        rules: [GateRule] = GateRule.defaults,
        allowDatasetChange: Bool = false,
        allowSettingsChange: Bool = false,
        bootstrap: PairedBootstrap = PairedBootstrap()
    ) {
        self.rules = rules
        self.allowDatasetChange = allowDatasetChange
        self.allowSettingsChange = allowSettingsChange
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
        /// McNemar on the faces in `population` (named `faces` in messages); `right` says whether a face counts
        /// as right for the metric (called unmasked for TNR, not called unmasked when masked for FNR, found for
        /// recall).
        case mcNemar(
            faces: String, population: @Sendable (FaceRecord) -> Bool, right: @Sendable (FaceRecord) -> Bool)
        case aucBootstrap
        /// A paired bootstrap of the detector's VOC all-point AP, from the faces' and extras' faceScores.
        case apBootstrap
    }

    static let pairedTests: [String: PairedTest] = [
        "pipeline.tnr.value": .mcNemar(
            faces: "unmasked faces", population: { $0.truth == .unmasked }, right: { $0.correct }),
        "pipeline.fnr.value": .mcNemar(
            faces: "masked faces", population: { $0.truth == .masked }, right: { !$0.detected || $0.correct }),
        "detector.recall.value": .mcNemar(faces: "faces", population: { _ in true }, right: { $0.detected }),
        "pipeline.roc.auc": .aucBootstrap,
        "detector.ap.voc": .apBootstrap,
    ]

    /// The metrics a rule may set `significance` on.
    public static var metricsWithSignificanceTests: [String] { pairedTests.keys.sorted() }

    /// Judges `current` against `baseline`.
    ///
    /// Images that failed in the run (and not in the baseline) are a finding: the report fails. When they are
    /// the only reason the dataset fingerprints differ, no rule is judged (the numbers leave them out) unless
    /// ``allowDatasetChange``.
    ///
    /// - Throws: ``GateError``, before judging anything, when either run's records disagree with themselves
    ///   (`faces.csv` or the baseline's faces recompute to other numbers than its `metrics.json`; a baseline's
    ///   copies of the fingerprint, settings or harness are not its metrics'; a face twice), when the dataset
    ///   fingerprints differ for another reason than images that failed in the run (unless
    ///   ``allowDatasetChange``), when any setting differs (unless ``allowSettingsChange``; every such refusal
    ///   in one error), when the fingerprints and settings are the same but faces do not pair, when a rule
    ///   names a metric that is not a number in either run or is undefined (`null`) there without
    ///   `allowUndefined`, or sets `significance` on a metric without a paired test.
    public func check(baseline: Baseline, baselineFile: String, current: Run) throws -> GateReport {
        try Self.checkCopies(of: baseline, file: baselineFile)
        try Self.checkRecords(
            of: baseline.metrics, faces: baseline.faces, extras: baseline.extras, file: baselineFile,
            names: ("the baseline's faces disagree with its metrics", "in the metrics", "from the faces"))
        try Self.checkRecords(
            of: current.metrics, faces: current.faces, extras: current.extras, file: current.file,
            names: ("faces.csv disagrees with metrics.json", "in metrics.json", "from faces.csv"))

        let pairs = Self.pair(baseline.faces, current.faces)
        let currentFingerprint = current.metrics.dataset.fingerprint
        let datasetChanged = baseline.datasetFingerprint != currentFingerprint
        let baselineFailures = Set((baseline.metrics.run?.failures ?? []).map(\.image))
        let newFailures = (current.metrics.run?.failures ?? []).filter { !baselineFailures.contains($0.image) }
        let settingChanges = SettingChange.differences(baseline.metrics, current.metrics)

        var refusals: [String] = []
        if datasetChanged, !allowDatasetChange,
            newFailures.isEmpty
                || !Self.onlyFailuresDiffer(pairs, failed: Set(newFailures.map(\.image)), baseline: baselineFailures)
        {
            let failures =
                newFailures.isEmpty
                ? ""
                : " (\(GateReport.plural(newFailures.count, "image")) failed in the run, but that alone does not explain the difference: other faces differ too)"
            refusals.append(
                "dataset fingerprint \(currentFingerprint) differs from the baseline's \(baseline.datasetFingerprint) (\(baselineFile)): the run is on other data\(failures); pass --allow-dataset-change to compare anyway, or record a new baseline"
            )
        }
        if !settingChanges.isEmpty, !allowSettingsChange {
            refusals.append(
                "settings differ from the baseline's (\(baselineFile)): "
                    + settingChanges.map(\.description).joined(separator: "; ")
                    + "; evaluate under the baseline's settings, record a new baseline, or pass --allow-settings-change to compare anyway"
            )
        }
        if !datasetChanged, settingChanges.isEmpty, !pairs.onlyBaseline.isEmpty || !pairs.onlyCurrent.isEmpty {
            // The same data under the same settings gives the same faces with the same truths.
            refusals.append(
                "the dataset fingerprint is the baseline's (\(baselineFile)), but \(pairs.onlyBaseline.count) of its faces and \(pairs.onlyCurrent.count) of the run's do not pair (same image, face index and truth), e.g. \(Self.example(pairs)): one of the two was edited; record the baseline or evaluate again"
            )
        }
        if !refusals.isEmpty { throw GateError(file: current.file, refusals.joined(separator: "; and ")) }

        let before = try MetricValues(baseline.metrics)
        let after = try MetricValues(current.metrics)
        for rule in rules {
            for (values, file) in [(before, baselineFile), (after, current.file)] {
                switch values.lookup(rule.metric) {
                case .notANumber:
                    throw rule.error(
                        "unknown metric '\(rule.metric)': not a number in \(file) (e.g. pipeline.tnr.value, detector.ap.coco)"
                    )
                case .undefined where !rule.allowsUndefined:
                    throw rule.error(
                        "\(rule.metric) is undefined (null) in \(file): there is nothing to compare (a rate over no faces, an AUC without both classes); set allowUndefined: true on the rule (in a --rules file) to let it pass when undefined"
                    )
                default:
                    break
                }
            }
            if rule.significance != nil, Self.pairedTests[rule.metric] == nil {
                throw rule.error(
                    "significance is not available for '\(rule.metric)'; it is for \(Self.metricsWithSignificanceTests.joined(separator: ", ")); remove it to gate on the tolerance alone"
                )
            }
        }

        // A run whose dataset differs only because images failed is judged only when other data is allowed:
        // its numbers leave those images out.
        let judged = !datasetChanged || allowDatasetChange
        let detections = Self.detections(baseline, current, pairs: pairs.paired)
        let verdicts =
            judged
            ? rules.map { rule in
                verdict(
                    rule, before.lookup(rule.metric), after.lookup(rule.metric), pairs: pairs,
                    missedScores: (baseline.metrics.settings.missedFaceScore, current.metrics.settings.missedFaceScore),
                    detections: detections)
            } : []
        return GateReport(
            verdicts: verdicts,
            changedImages: Self.changedImages(pairs.paired),
            baselineFingerprint: baseline.datasetFingerprint,
            currentFingerprint: currentFingerprint,
            unpairedBaselineFaces: pairs.onlyBaseline.count,
            unpairedCurrentFaces: pairs.onlyCurrent.count,
            settingChanges: settingChanges,
            newFailures: newFailures
        )
    }

    /// Whether the faces that do not pair are all on images that failed in one of the runs: those that failed
    /// in the run (`failed`) missing from it, those that failed in the baseline (`baseline`) only in the run.
    static func onlyFailuresDiffer(_ pairs: Pairing, failed: Set<String>, baseline: Set<String>) -> Bool {
        pairs.onlyBaseline.allSatisfy { failed.contains($0.image) }
            && pairs.onlyCurrent.allSatisfy { baseline.contains($0.image) }
    }

    /// One face that does not pair, for a message: `img3.jpg face 1 (only in the baseline)`.
    static func example(_ pairs: Pairing) -> String {
        if let face = pairs.onlyBaseline.first { return "\(face.image) face \(face.face) (only in the baseline)" }
        if let face = pairs.onlyCurrent.first { return "\(face.image) face \(face.face) (only in the run)" }
        return "none"
    }

    /// Throws when a baseline's copies of its run's fingerprint, settings and harness are not its metrics': the
    /// gate reads the one and recomputes from the other, so they must be the same run.
    static func checkCopies(of baseline: Baseline, file: String) throws {
        var differ: [String] = []
        if baseline.datasetFingerprint != baseline.metrics.dataset.fingerprint {
            differ.append(
                "datasetFingerprint is \(baseline.datasetFingerprint) but metrics.dataset.fingerprint is \(baseline.metrics.dataset.fingerprint)"
            )
        }
        if baseline.pipelineFingerprint != baseline.metrics.run?.pipelineFingerprint {
            differ.append(
                "pipelineFingerprint is \(baseline.pipelineFingerprint ?? "absent") but metrics.run.pipelineFingerprint is \(baseline.metrics.run?.pipelineFingerprint ?? "absent")"
            )
        }
        for change in SettingChange.differences(baseline.settings, baseline.metrics.settings) {
            differ.append(
                "settings.\(change.setting) is \(change.baseline) but metrics.settings.\(change.setting) is \(change.current)"
            )
        }
        if baseline.harness != baseline.metrics.tool {
            differ.append("harness is not metrics.tool")
        }
        var seen = Set<FaceRecord.Key>()
        if let twice = baseline.faces.first(where: { !seen.insert($0.key).inserted }) {
            differ.append("faces holds \(twice.image) face \(twice.face) twice")
        }
        guard !differ.isEmpty else { return }
        throw GateError(
            file: file,
            "the baseline disagrees with itself: \(differ.joined(separator: "; ")); was it edited by hand? Record it again with `maskbench baseline record`"
        )
    }

    /// Throws when `metrics` is not what `faces` and `extras` recompute to.
    ///
    /// - Parameter names: the message's subject and the two sides' names.
    static func checkRecords(
        of metrics: MetricsDocument, faces: [FaceRecord], extras: [ExtraRecord]?, file: String,
        names: (subject: String, recorded: String, recomputed: String)
    ) throws {
        let disagreements = metrics.disagreements(faces: faces, extras: extras)
        guard !disagreements.isEmpty else { return }
        let list = RecordDisagreement.sentence(disagreements, recorded: names.recorded, recomputed: names.recomputed)
        throw GateError(
            file: file,
            "\(names.subject) (\(faces.count) faces): \(list); were they cut short or edited by hand? Evaluate (or record the baseline) again"
        )
    }

    // MARK: - Pairing

    typealias Pair = (baseline: FaceRecord, current: FaceRecord)

    /// The faces of two runs: those in both (same image, index and truth), and those in only one.
    struct Pairing {
        /// Sorted by image then face.
        var paired: [Pair]
        var onlyBaseline: [FaceRecord]
        var onlyCurrent: [FaceRecord]
    }

    /// Faces present in both runs (same image and index, same truth), sorted by image then face.
    static func pair(_ baseline: [FaceRecord], _ current: [FaceRecord]) -> Pairing {
        // Ignore regions are not faces: neither paired nor counted.
        let baseline = baseline.filter { !$0.ignored }
        let current = current.filter { !$0.ignored }
        var byKey: [FaceRecord.Key: FaceRecord] = [:]
        for face in current { byKey[face.key] = face }
        var pairing = Pairing(paired: [], onlyBaseline: [], onlyCurrent: [])
        var pairedKeys = Set<FaceRecord.Key>()
        for face in baseline {
            if let other = byKey[face.key], other.truth == face.truth, pairedKeys.insert(face.key).inserted {
                pairing.paired.append((face, other))
            } else {
                pairing.onlyBaseline.append(face)
            }
        }
        pairing.onlyCurrent = current.filter { !pairedKeys.contains($0.key) }
        pairing.paired.sort { $0.baseline.key < $1.baseline.key }
        return pairing
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
        pairs: Pairing,
        missedScores: (Double?, Double?),
        detections: PairedDetections? = nil
    ) -> Verdict {
        var verdict = Verdict(rule: rule, baseline: nil, current: nil, test: nil, outcome: .pass, reason: "")
        if case .number(let value) = baseline { verdict.baseline = value }
        if case .number(let value) = current { verdict.current = value }
        verdict.test = test(rule.metric, pairs: pairs.paired, missedScores: missedScores, detections: detections)
        // check(baseline:baselineFile:current:) has refused undefined values unless the rule allows them.
        guard let before = verdict.baseline, let after = verdict.current else {
            let which =
                verdict.baseline == nil && verdict.current == nil
                ? "in the baseline and now" : verdict.baseline == nil ? "in the baseline" : "now"
            verdict.reason = "undefined \(which): not compared (allowUndefined)"
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
        let untestable = Self.untestable(rule.metric, tested: verdict.test != nil, pairs: pairs, alpha: alpha)
        guard let test = verdict.test, untestable == nil else {
            verdict.outcome = .regression
            verdict.reason = beyond + "; " + (untestable ?? "") + ": decided on the tolerance alone"
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

    /// Why the metric's paired test cannot decide a change beyond tolerance, or `nil` when it can: it had nothing
    /// to test (`tested` false), faces of its population are in only one run (the test leaves them out, yet
    /// they move the metric), or McNemar has too few paired faces to ever reach `alpha`.
    static func untestable(_ metric: String, tested: Bool, pairs: Pairing, alpha: Double) -> String? {
        guard let paired = pairedTests[metric] else { return nil }
        var population: (FaceRecord) -> Bool = { _ in true }
        var faces = "faces"
        switch paired {
        case .mcNemar(let name, let inPopulation, _):
            guard tested else { return "no paired \(name) to test significance on" }
            population = inPopulation
            faces = name
        case .aucBootstrap:
            guard tested else { return "no paired faces with both classes to test significance on" }
        case .apBootstrap:
            guard tested else {
                return "AP significance needs extras.csv and faceScores in both runs, and coco or voc matching"
            }
        }
        let unpaired = pairs.onlyBaseline.filter(population).count + pairs.onlyCurrent.filter(population).count
        if unpaired > 0 { return "\(faces) in only one of the runs: \(unpaired), which a paired test leaves out" }
        if case .mcNemar = paired {
            // With n paired faces the smallest p-value McNemar can give is 2 · 2⁻ⁿ (all n changed one way).
            let n = pairs.paired.filter { population($0.baseline) }.count
            if McNemar.pValue(b: n, c: 0) >= alpha {
                return "\(n) paired \(faces) cannot reach p < \(Format.number(alpha))"
            }
        }
        return nil
    }

    /// The metric's paired test on `pairs`, or `nil` when it has none or there is nothing to test.
    func test(
        _ metric: String, pairs: [Pair], missedScores: (Double?, Double?), detections: PairedDetections? = nil
    ) -> Verdict.Test? {
        switch Self.pairedTests[metric] {
        case .mcNemar(_, let population, let right)?:
            var b = 0
            var c = 0
            var paired = 0
            for (before, after) in pairs where population(before) {
                paired += 1
                if right(before) && !right(after) { b += 1 }
                if !right(before) && right(after) { c += 1 }
            }
            return paired == 0 ? nil : .mcNemar(b: b, c: c, pValue: McNemar.pValue(b: b, c: c))
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
        // Every image of the paired faces, and every image with an extra detection: a false alarm on an image
        // without faces lowers the AP, so the bootstrap must draw it too.
        var images: [String: Int] = [:]
        for (a, _) in pairs where images[a.image] == nil { images[a.image] = images.count }
        for extra in baselineExtras + currentExtras where images[extra.image] == nil {
            images[extra.image] = images.count
        }
        func ranked(_ faces: [FaceRecord], _ extras: [ExtraRecord]) -> PairedBootstrap.Detections {
            PairedBootstrap.Detections(faces: faces, extras: extras) { images[$0] }
        }
        return PairedDetections(
            baseline: ranked(pairs.map(\.baseline), baselineExtras),
            current: ranked(pairs.map(\.current), currentExtras),
            imageCount: images.count)
    }
}

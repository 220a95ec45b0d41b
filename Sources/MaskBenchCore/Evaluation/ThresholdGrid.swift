/// One operating point of a pipeline: a detector confidence threshold and a classifier threshold, and what
/// the pipeline does there.
public struct OperatingPoint: Sendable, Hashable, Codable {
    /// Predictions with a lower faceScore are dropped before matching (`--min-face-score`).
    public var detectorThreshold: Double
    /// A face is called masked when its maskScore is at least this (`--threshold`).
    public var classifierThreshold: Double
    /// Unmasked faces found and called unmasked, over all unmasked faces; `nil` without unmasked faces.
    @NullEncoded public var tnr: Double?
    /// Masked faces found and called unmasked, over all masked faces; `nil` without masked faces.
    @NullEncoded public var fnr: Double?
    /// Predictions matching no face, called unmasked.
    public var falseAlarms: Int
    /// Faces the detector found at ``detectorThreshold``, over all faces: what a stricter detector costs,
    /// which FNR hides (a missed masked face is never called unmasked). `nil` without faces, or in a
    /// document of an older version.
    @NullEncoded public var recall: Double?
    /// Faces the detector missed at ``detectorThreshold``; `nil` in a document of an older version.
    @NullEncoded public var missedFaces: Int?
    /// The highest maskScore of the row below ``classifierThreshold``: every classifier threshold above it,
    /// up to ``classifierThreshold``, gives this point. `nil` at the row's lowest score (any threshold up to
    /// it does), or in a document of an older version.
    @NullEncoded public var classifierThresholdAbove: Double?

    /// Creates a point.
    public init(
        detectorThreshold: Double, classifierThreshold: Double, tnr: Double?, fnr: Double?, falseAlarms: Int,
        recall: Double? = nil, missedFaces: Int? = nil, classifierThresholdAbove: Double? = nil
    ) {
        self.detectorThreshold = detectorThreshold
        self.classifierThreshold = classifierThreshold
        self.tnr = tnr
        self.fnr = fnr
        self.falseAlarms = falseAlarms
        self.recall = recall
        self.missedFaces = missedFaces
        self.classifierThresholdAbove = classifierThresholdAbove
    }
}

/// A condition an operating point must meet, as `fnr<=0.10`, `tnr>=0.95` or `falseAlarms<=20`.
public struct SweepTarget: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The quantity a target constrains.
    public enum Quantity: String, Sendable, Hashable, Codable, CaseIterable {
        case tnr, fnr, falseAlarms
    }

    /// The constrained quantity.
    public var quantity: Quantity
    /// `true` for `>=`, `false` for `<=`.
    public var atLeast: Bool
    /// The bound.
    public var bound: Double

    /// Creates a target.
    public init(_ quantity: Quantity, atLeast: Bool, _ bound: Double) {
        self.quantity = quantity
        self.atLeast = atLeast
        self.bound = bound
    }

    /// Parses `fnr<=0.10`, `tnr >= 0.95`, `falseAlarms<=20` (spaces allowed; `<`/`>` mean the same as `<=`/`>=`
    /// since the grid's rates are exact counts).
    ///
    /// - Returns: `nil` when the text is not such a condition.
    public init?(_ text: String) {
        let compact = Array(text.filter { !$0.isWhitespace })
        guard let symbol = compact.firstIndex(where: { $0 == "<" || $0 == ">" }) else { return nil }
        let atLeast = compact[symbol] == ">"
        let valueStart = symbol + 1 < compact.count && compact[symbol + 1] == "=" ? symbol + 2 : symbol + 1
        let name = String(compact[..<symbol]).lowercased()
        guard
            let quantity = Quantity.allCases.first(where: { $0.rawValue.lowercased() == name }),
            let bound = Double(String(compact[valueStart...])), bound.isFinite
        else { return nil }
        self.init(quantity, atLeast: atLeast, bound)
    }

    /// Conditions that must all hold, separated by commas: `fnr<=0.05,falseAlarms<=20`.
    ///
    /// - Returns: `nil` when any part is not a condition, or there is none.
    public static func all(_ text: String) -> [SweepTarget]? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        let conditions = parts.compactMap { SweepTarget(String($0)) }
        guard !conditions.isEmpty, conditions.count == parts.count else { return nil }
        return conditions
    }

    /// `fnr<=0.1`, `falseAlarms<=20`: the bound as its shortest decimal, a whole bound without `.0`.
    public var description: String {
        let text = bound == bound.rounded() && abs(bound) < 1e15 ? String(Int(bound)) : "\(bound)"
        return "\(quantity.rawValue)\(atLeast ? ">=" : "<=")\(text)"
    }

    /// Whether `point` meets the target; a rate that is undefined meets nothing.
    public func isMet(by point: OperatingPoint) -> Bool {
        let value: Double?
        switch quantity {
        case .tnr: value = point.tnr
        case .fnr: value = point.fnr
        case .falseAlarms: value = Double(point.falseAlarms)
        }
        guard let value else { return false }
        return atLeast ? value >= bound : value <= bound
    }
}

/// TNR, FNR and false alarms at every pair of a detector confidence threshold (from a list) and a classifier
/// threshold (every distinct maskScore, as ``SweepTable``), the Pareto front of that grid, and the point a
/// target picks.
///
/// Each detector threshold is a full re-match: dropping low-confidence predictions can turn a matched face
/// into a missed one (and, under `voc` or `dataroots` matching, change which prediction a face gets).
public struct ThresholdGrid: Sendable, Hashable {
    /// The detector thresholds, ascending.
    public var detectorThresholds: [Double]
    /// `rows[i]`: the classifier sweep at `detectorThresholds[i]`.
    public var rows: [SweepTable]
    /// `recall[i]`: faces found at `detectorThresholds[i]` over all faces; `nil` without faces.
    public var recall: [Double?]
    /// `missedFaces[i]`: faces missed at `detectorThresholds[i]`.
    public var missedFaces: [Int]

    /// Sweeps `predictions` on `dataset` under `settings` (whose own detector threshold is replaced by each of
    /// `detectorThresholds` in turn).
    public init(
        _ dataset: Dataset, _ predictions: PredictionSet, settings: EvaluationSettings, detectorThresholds: [Double]
    ) {
        var thresholds = detectorThresholds.sorted()
        thresholds.removeDuplicates()
        self.detectorThresholds = thresholds
        var rows: [SweepTable] = []
        var recall: [Double?] = []
        var missedFaces: [Int] = []
        for threshold in thresholds {
            var at = settings
            at.matching.minFaceScore = threshold
            let (outcomes, extras) = Evaluator(settings: at).outcomes(dataset, predictions)
            rows.append(Evaluator.sweep(outcomes: outcomes, extras: extras))
            let faces = outcomes.filter { $0.ignoreRegion == nil }
            let missed = faces.reduce(0) { $0 + ($1.isMissed ? 1 : 0) }
            missedFaces.append(missed)
            recall.append(faces.isEmpty ? nil : Double(faces.count - missed) / Double(faces.count))
        }
        self.rows = rows
        self.recall = recall
        self.missedFaces = missedFaces
    }

    /// Number of points in the grid.
    public var count: Int { rows.reduce(0) { $0 + $1.thresholds.count } }

    /// Calls `body` with every point, row by row, classifier thresholds ascending.
    public func forEachPoint(_ body: (OperatingPoint) throws -> Void) rethrows {
        for r in rows.indices {
            for k in rows[r].thresholds.indices {
                try body(point(r, k))
            }
        }
    }

    private func point(_ r: Int, _ k: Int) -> OperatingPoint {
        let row = rows[r]
        return OperatingPoint(
            detectorThreshold: detectorThresholds[r],
            classifierThreshold: row.thresholds[k],
            tnr: row.tnr[k],
            fnr: row.fnr[k],
            falseAlarms: row.falseAlarms[k],
            recall: recall[r],
            missedFaces: missedFaces[r],
            classifierThresholdAbove: k > 0 ? row.thresholds[k - 1] : nil
        )
    }

    /// The points no other point beats: none has a TNR at least as high and an FNR at least as low with one
    /// of them strictly better. Of points equal in both, the one with the fewest false alarms stands for them
    /// (then the higher detector threshold, then the lower classifier threshold). Ordered by FNR ascending.
    /// Empty when the dataset lacks masked or unmasked faces (the rates are undefined).
    public func paretoFront() -> [OperatingPoint] {
        // Within a row, false alarms never fall as the classifier threshold rises, so of a run of points with
        // the same TNR and FNR the first has the fewest: rows shrink to those before the global sweep.
        var candidates: [OperatingPoint] = []
        for (r, row) in rows.enumerated() {
            for k in row.thresholds.indices where row.tnr[k] != nil && row.fnr[k] != nil {
                if k > 0, row.tnr[k - 1] == row.tnr[k], row.fnr[k - 1] == row.fnr[k] { continue }
                candidates.append(point(r, k))
            }
        }
        candidates.sort(by: Self.frontOrder)
        var front: [OperatingPoint] = []
        var bestTNR = -Double.infinity
        for point in candidates {
            guard let tnr = point.tnr, tnr > bestTNR else { continue }
            front.append(point)
            bestTNR = tnr
        }
        return front
    }

    /// FNR ascending, then TNR descending, then the tie-breaks of ``paretoFront()``.
    private static func frontOrder(_ a: OperatingPoint, _ b: OperatingPoint) -> Bool {
        let (fa, fb) = (a.fnr ?? .infinity, b.fnr ?? .infinity)
        if fa != fb { return fa < fb }
        let (ta, tb) = (a.tnr ?? -.infinity, b.tnr ?? -.infinity)
        if ta != tb { return ta > tb }
        return tieBreak(a, b)
    }

    /// Fewer false alarms, then the higher detector threshold, then the lower classifier threshold.
    private static func tieBreak(_ a: OperatingPoint, _ b: OperatingPoint) -> Bool {
        if a.falseAlarms != b.falseAlarms { return a.falseAlarms < b.falseAlarms }
        if a.detectorThreshold != b.detectorThreshold { return a.detectorThreshold > b.detectorThreshold }
        return a.classifierThreshold < b.classifierThreshold
    }

    /// The point that meets every target and is best on what the targets leave free: the highest TNR when
    /// only FNR (or false alarms) is constrained, the lowest FNR when TNR is constrained, the fewest false
    /// alarms when both rates are; then the tie-breaks of ``paretoFront()``. `nil` when no point meets them.
    public func best(meeting targets: [SweepTarget]) -> OperatingPoint? {
        let constrained = Set(targets.map(\.quantity))
        let better: (OperatingPoint, OperatingPoint) -> Bool
        switch (constrained.contains(.tnr), constrained.contains(.fnr)) {
        case (false, _):
            better = { a, b in
                let (ta, tb) = (a.tnr ?? -.infinity, b.tnr ?? -.infinity)
                if ta != tb { return ta > tb }
                let (fa, fb) = (a.fnr ?? .infinity, b.fnr ?? .infinity)
                if fa != fb { return fa < fb }
                return Self.tieBreak(a, b)
            }
        case (true, false):
            better = { a, b in
                let (fa, fb) = (a.fnr ?? .infinity, b.fnr ?? .infinity)
                if fa != fb { return fa < fb }
                let (ta, tb) = (a.tnr ?? -.infinity, b.tnr ?? -.infinity)
                if ta != tb { return ta > tb }
                return Self.tieBreak(a, b)
            }
        case (true, true):
            better = { a, b in
                if a.falseAlarms != b.falseAlarms { return a.falseAlarms < b.falseAlarms }
                let (ta, tb) = (a.tnr ?? -.infinity, b.tnr ?? -.infinity)
                if ta != tb { return ta > tb }
                let (fa, fb) = (a.fnr ?? .infinity, b.fnr ?? .infinity)
                if fa != fb { return fa < fb }
                return Self.tieBreak(a, b)
            }
        }
        var chosen: OperatingPoint?
        forEachPoint { point in
            guard targets.allSatisfy({ $0.isMet(by: point) }) else { return }
            if let current = chosen, !better(point, current) { return }
            chosen = point
        }
        return chosen
    }
}

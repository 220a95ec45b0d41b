/// One thing the gate checks: a metric of `metrics.json` that may not get worse by more than a tolerance.
///
/// A rule fails when the metric moved in the bad ``direction`` by more than
/// `max(absoluteTolerance, relativeTolerance × |baseline|)` and, when ``significance`` is set, the change
/// is statistically significant at that level (`p < significance`): the exact McNemar test on the paired
/// per-face outcomes for TNR, FNR and detector recall, a paired bootstrap over images for the pipeline AUC.
public struct GateRule: Sendable, Hashable {
    /// Which way is better.
    public enum Direction: String, Sendable, Hashable, CaseIterable {
        /// Higher is better (TNR, recall, AUC, AP): a drop is a regression.
        case higher
        /// Lower is better (FNR, false alarms): a rise is a regression.
        case lower
    }

    /// A dotted path into `metrics.json` that leads to a number, such as `pipeline.tnr.value`.
    public var metric: String
    public var direction: Direction
    /// The change allowed in the metric's own units (`0.01` is one percentage point of a rate); `>= 0`.
    public var absoluteTolerance: Double
    /// The change allowed as a fraction of the baseline value (`0.05` is 5%); `>= 0`.
    public var relativeTolerance: Double
    /// When set, a change beyond tolerance fails only when its p-value is below this level, in `(0, 1)`.
    public var significance: Double?
    /// Whether the metric may be undefined (`null`) in either run: the rule then passes without comparing.
    /// Otherwise an undefined value is an input error, never a pass (rules file key `allowUndefined`).
    public var allowsUndefined: Bool
    /// The rules file the rule comes from; `nil` for a default rule.
    public var file: String?
    /// The 1-based line of the rule in ``file``.
    public var line: Int?

    /// Creates a rule.
    public init(
        metric: String,
        direction: Direction,
        absoluteTolerance: Double = 0,
        relativeTolerance: Double = 0,
        significance: Double? = nil,
        allowsUndefined: Bool = false,
        file: String? = nil,
        line: Int? = nil
    ) {
        self.metric = metric
        self.direction = direction
        self.absoluteTolerance = absoluteTolerance
        self.relativeTolerance = relativeTolerance
        self.significance = significance
        self.allowsUndefined = allowsUndefined
        self.file = file
        self.line = line
    }

    /// The rules used without `--rules`: TNR, detector recall and pipeline AUC higher-is-better, FNR
    /// lower-is-better, each with an absolute tolerance of 0.01 and significance 0.05.
    public static let defaults: [GateRule] = [
        GateRule(metric: "pipeline.tnr.value", direction: .higher, absoluteTolerance: 0.01, significance: 0.05),
        GateRule(metric: "pipeline.fnr.value", direction: .lower, absoluteTolerance: 0.01, significance: 0.05),
        GateRule(metric: "detector.recall.value", direction: .higher, absoluteTolerance: 0.01, significance: 0.05),
        GateRule(metric: "pipeline.roc.auc", direction: .higher, absoluteTolerance: 0.01, significance: 0.05),
    ]

    /// The largest harmless move away from `baseline`: `max(absoluteTolerance, relativeTolerance × |baseline|)`.
    public func tolerance(around baseline: Double) -> Double {
        max(absoluteTolerance, relativeTolerance * abs(baseline))
    }

    /// How much worse `current` is than `baseline` (negative when it is better).
    public func worsening(from baseline: Double, to current: Double) -> Double {
        direction == .higher ? baseline - current : current - baseline
    }

    /// The error to throw about this rule: at its line in its file, or about the default rules.
    func error(_ message: String, column: Int? = nil) -> GateError {
        GateError(file: file ?? "default rules", line: line, column: column, "rule for '\(metric)': \(message)")
    }
}

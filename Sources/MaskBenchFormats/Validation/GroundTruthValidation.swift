public import MaskBenchCore
import MaskBenchFiles

/// The result of ``GroundTruthValidator/validate(path:options:)``: what was read and what was found.
public struct GroundTruthValidation: Sendable {
    /// The format the ground truth was read as.
    public var format: GroundTruthFormat
    /// The dataset as MaskBench would evaluate it (boxes clamped, faces with unknown labels left out).
    public var dataset: Dataset
    /// Everything found, reader findings first (in file order), then the checks against the images.
    public var findings: [ValidationFinding]

    /// Creates a result.
    public init(format: GroundTruthFormat, dataset: Dataset, findings: [ValidationFinding]) {
        self.format = format
        self.dataset = dataset
        self.findings = findings
    }

    /// The findings of `kind`.
    public func findings(of kind: ValidationFinding.Kind) -> [ValidationFinding] {
        findings.filter { $0.kind == kind }
    }

    /// Whether any finding is a warning (notes alone do not count).
    public var hasWarnings: Bool { findings.contains { $0.severity == .warning } }
}

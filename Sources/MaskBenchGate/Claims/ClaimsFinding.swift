/// One result of checking claims: a number stated several ways, a recomputed rate, a claim against a run.
public struct ClaimsFinding: Sendable, Hashable {
    /// What the check concluded.
    public enum Verdict: String, Sendable, Hashable {
        /// Every way the README gives the number agrees.
        case consistent
        /// The README gives the number two ways that disagree.
        case inconsistent
        /// Nothing to recompute the claim from.
        case unchecked
        /// The run's number equals the claim (within tolerance for rates).
        case matches
        /// The run's number differs from the claim.
        case mismatch
        /// The run has no such number.
        case notInRun = "not in run"
        /// A quote is not on the line the claims file gives for it.
        case wrongLine = "wrong line"
    }

    /// One way the number is obtained: stated, or computed from stated numbers.
    public struct Evidence: Sendable, Hashable {
        /// The number, with its arithmetic: `249`, `10 + 8 = 18`, `115/130 = 88.46%`.
        public var value: String
        /// Where it comes from: `dataset.faces.total`, `the outcome table's missed column`.
        public var origin: String
        /// The README lines of the claims used; empty for the run.
        public var lines: [Int]
        /// For a recomputed rate: whether it rounds to the claim.
        public var agrees: Bool?

        /// Creates a piece of evidence.
        public init(value: String, origin: String, lines: [Int], agrees: Bool? = nil) {
            self.value = value
            self.origin = origin
            self.lines = lines
            self.agrees = agrees
        }
    }

    public var verdict: Verdict
    /// What was checked: `ground-truth faces`, `TNR 88.5%`.
    public var subject: String
    public var evidence: [Evidence]

    /// Creates a finding.
    public init(_ verdict: Verdict, _ subject: String, _ evidence: [Evidence]) {
        self.verdict = verdict
        self.subject = subject
        self.evidence = evidence
    }

    /// Every README line the finding draws on, ascending.
    public var lines: [Int] { Array(Set(evidence.flatMap(\.lines))).sorted() }

    /// Whether the finding makes the check fail.
    public var isProblem: Bool { verdict == .inconsistent || verdict == .mismatch || verdict == .wrongLine }
}

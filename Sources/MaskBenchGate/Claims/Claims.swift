/// The numbers a README publishes, read from a claims file (`Baselines/claims/*.yml`).
///
/// Every claim keeps the README line it comes from and the quoted text, so that a check can say where an
/// inconsistent number was written. The format is described in `Baselines/claims/README.md`.
public struct Claims: Sendable, Hashable {
    /// The claims file, as the user named it.
    public var file: String
    /// Where the claims were published.
    public var source: Source
    /// The integer claims, in file order: the `totals` first, then the `counts`.
    public var counts: [CountClaim]
    /// The rate claims, in file order.
    public var rates: [RateClaim]

    /// Creates a set of claims.
    public init(file: String, source: Source, counts: [CountClaim], rates: [RateClaim]) {
        self.file = file
        self.source = source
        self.counts = counts
        self.rates = rates
    }

    /// The project and file the claims were published in.
    public struct Source: Sendable, Hashable {
        /// The project, as people call it.
        public var project: String
        /// The file quoted, `README.md`.
        public var file: String
        /// The project's address, if given.
        public var url: String?
        /// The copy of the file whose line numbers the claims use, if it is not `file` itself.
        public var lines: String?

        /// Creates a source.
        public init(project: String, file: String, url: String? = nil, lines: String? = nil) {
            self.project = project
            self.file = file
            self.url = url
            self.lines = lines
        }
    }

    /// The first claim of `name`, if the README states it.
    public func count(_ name: CountName) -> CountClaim? {
        counts.first { $0.name == name }
    }
}

/// Where in the README a claim was written.
public struct ClaimQuote: Sendable, Hashable {
    /// The README line (1-based).
    public var line: Int
    /// The words quoted from that line.
    public var text: String

    /// Creates a quote.
    public init(line: Int, text: String) {
        self.line = line
        self.text = text
    }
}

/// One integer a README states: "249 faces", a cell of the outcome table.
public struct CountClaim: Sendable, Hashable {
    public var name: CountName
    public var value: Int
    public var quote: ClaimQuote

    /// Creates a count claim.
    public init(_ name: CountName, _ value: Int, quote: ClaimQuote) {
        self.name = name
        self.value = value
        self.quote = quote
    }
}

/// One rate a README states, as written ("88.5%"), with the count and total the same sentence gives.
public struct RateClaim: Sendable, Hashable {
    public var name: RateName
    public var value: WrittenPercentage
    /// "115 of the 130": the numerator, when the sentence states it.
    public var count: Int?
    /// The denominator, when the sentence states it.
    public var total: Int?
    public var quote: ClaimQuote

    /// Creates a rate claim.
    public init(_ name: RateName, _ value: WrittenPercentage, count: Int? = nil, total: Int? = nil, quote: ClaimQuote) {
        self.name = name
        self.value = value
        self.count = count
        self.total = total
        self.quote = quote
    }
}

/// Checks that the numbers a README publishes agree with each other.
///
/// Every quantity the README can give in more than one way is collected from each way it is given, e.g. the
/// ground-truth faces: stated in the dataset sentence, the sum of the outcome table's ground-truth column,
/// and the detector paragraph's total. Values that differ make the quantity inconsistent. Every rate is
/// recomputed from each pair of counts that defines it (its own sentence's "115 of the 130", the outcome
/// table, the detector counts) and must round to the percentage as written (``WrittenPercentage``).
public enum ClaimsCheck {
    /// The consistency findings for `claims`: the quantities given more than once, then the rates.
    public static func consistency(of claims: Claims) -> [ClaimsFinding] {
        let book = ClaimsBook(claims: claims)
        var findings: [ClaimsFinding] = []
        for quantity in book.quantities() {
            let sources = quantity.sources.flatMap { $0 }
            guard sources.count >= 2 else { continue }
            let agree = Set(sources.map(\.number)).count == 1
            findings.append(
                ClaimsFinding(
                    agree ? .consistent : .inconsistent, quantity.subject,
                    sources.map { ClaimsFinding.Evidence(value: $0.arithmetic, origin: $0.origin, lines: $0.lines) }
                )
            )
        }
        findings += book.bounds()
        findings += claims.rates.map { book.recompute($0) }
        return findings
    }
}

// MARK: - Sources of a number

/// A number obtained from stated claims.
struct ClaimsDerived: Hashable {
    var number: Int
    /// `10 + 8 = 18`, or `249` when stated.
    var arithmetic: String
    var origin: String
    var lines: [Int]
}

/// A quantity and every way the claims give it; each way may be given several times.
struct ClaimsQuantity {
    var subject: String
    var sources: [[ClaimsDerived]]
}

/// The claims, indexed for deriving quantities.
struct ClaimsBook {
    var claims: Claims

    func stated(_ name: CountName) -> [ClaimsDerived] {
        claims.counts.filter { $0.name == name }.map {
            ClaimsDerived(number: $0.value, arithmetic: "\($0.value)", origin: name.rawValue, lines: [$0.quote.line])
        }
    }

    /// `a + b + …` when every name is stated (the first statement of each).
    func sum(_ names: [CountName], _ origin: String) -> [ClaimsDerived] {
        let parts = names.compactMap { claims.count($0) }
        guard parts.count == names.count else { return [] }
        let total = parts.reduce(0) { $0 + $1.value }
        let arithmetic = parts.map { "\($0.value)" }.joined(separator: " + ") + " = \(total)"
        return [
            ClaimsDerived(number: total, arithmetic: arithmetic, origin: origin, lines: lines(parts.map(\.quote.line)))
        ]
    }

    /// `a − b` when both are stated.
    func difference(_ a: CountName, _ b: CountName, _ origin: String) -> [ClaimsDerived] {
        guard let x = claims.count(a), let y = claims.count(b) else { return [] }
        return [
            ClaimsDerived(
                number: x.value - y.value, arithmetic: "\(x.value) − \(y.value) = \(x.value - y.value)", origin: origin,
                lines: lines([x.quote.line, y.quote.line])
            )
        ]
    }

    /// A rate sentence's own count or total ("115 of the 130").
    func fromRate(_ name: RateName, total: Bool) -> [ClaimsDerived] {
        claims.rates.filter { $0.name == name }.compactMap { rate in
            guard let number = total ? rate.total : rate.count else { return nil }
            let origin = "\(name.title) \(rate.value)'s \(total ? "total" : "count")"
            return ClaimsDerived(number: number, arithmetic: "\(number)", origin: origin, lines: [rate.quote.line])
        }
    }

    func rateDifference(_ name: RateName, _ origin: String) -> [ClaimsDerived] {
        claims.rates.filter { $0.name == name }.compactMap { rate in
            guard let count = rate.count, let total = rate.total else { return nil }
            return ClaimsDerived(
                number: total - count, arithmetic: "\(total) − \(count) = \(total - count)", origin: origin,
                lines: [rate.quote.line]
            )
        }
    }

    func lines(_ lines: [Int]) -> [Int] { Array(Set(lines)).sorted() }

    static let tableFound: [CountName] = [.maskedCorrect, .maskedWrong, .unmaskedCorrect, .unmaskedWrong]

    func quantities() -> [ClaimsQuantity] {
        [
            ClaimsQuantity(
                subject: "ground-truth faces",
                sources: [
                    stated(.faces),
                    sum([.maskedGroundTruth, .unmaskedGroundTruth], "outcome table, ground truth masked + unmasked"),
                    sum([.maskedFaces, .unmaskedFaces], "dataset.faces masked + unmasked"),
                    stated(.detectorFaces),
                    sum([.truePositives, .falseNegatives], "detector found + missed"),
                    fromRate(.detectorRecall, total: true),
                ]
            ),
            ClaimsQuantity(
                subject: "masked faces",
                sources: [
                    stated(.maskedFaces),
                    difference(.faces, .unmaskedFaces, "dataset.faces total − unmasked"),
                    stated(.maskedGroundTruth),
                    sum(
                        [.maskedCorrect, .maskedWrong, .maskedMissed], "outcome table, masked correct + wrong + missed"),
                    fromRate(.fnr, total: true),
                ]
            ),
            ClaimsQuantity(
                subject: "unmasked faces",
                sources: [
                    stated(.unmaskedFaces),
                    difference(.faces, .maskedFaces, "dataset.faces total − masked"),
                    stated(.unmaskedGroundTruth),
                    sum(
                        [.unmaskedCorrect, .unmaskedWrong, .unmaskedMissed],
                        "outcome table, unmasked correct + wrong + missed"
                    ),
                    fromRate(.tnr, total: true),
                ]
            ),
            ClaimsQuantity(
                subject: "unmasked faces found and called unmasked",
                sources: [stated(.unmaskedCorrect), fromRate(.tnr, total: false)]
            ),
            ClaimsQuantity(
                subject: "masked faces found and called unmasked",
                sources: [stated(.maskedWrong), fromRate(.fnr, total: false)]
            ),
            ClaimsQuantity(
                subject: "faces the detector found",
                sources: [
                    stated(.truePositives),
                    fromRate(.detectorRecall, total: false),
                    sum(Self.tableFound, "outcome table, correct + wrong of both classes"),
                ]
            ),
            ClaimsQuantity(
                subject: "faces the detector missed",
                sources: [
                    stated(.falseNegatives),
                    sum([.missedMasked, .missedUnmasked], "detector.missed masked + unmasked"),
                    sum([.maskedMissed, .unmaskedMissed], "outcome table, missed masked + unmasked"),
                    difference(.detectorFaces, .truePositives, "detector faces − found"),
                    rateDifference(.detectorRecall, "detector recall total − count"),
                ]
            ),
            ClaimsQuantity(
                subject: "masked faces the detector missed",
                sources: [stated(.missedMasked), stated(.maskedMissed)]
            ),
            ClaimsQuantity(
                subject: "unmasked faces the detector missed",
                sources: [stated(.missedUnmasked), stated(.unmaskedMissed)]
            ),
            ClaimsQuantity(
                subject: "extra detections (boxes matching no face)",
                sources: [stated(.extraDetections), stated(.falsePositives)]
            ),
            ClaimsQuantity(subject: "images", sources: [stated(.images)]),
            ClaimsQuantity(subject: "extra detections called unmasked", sources: [stated(.extraCalledUnmasked)]),
        ]
    }

    /// Parts that cannot exceed their whole: extra detections called unmasked ≤ extra detections.
    func bounds() -> [ClaimsFinding] {
        var findings: [ClaimsFinding] = []
        let parts = stated(.extraCalledUnmasked)
        let wholes = stated(.extraDetections) + stated(.falsePositives)
        for part in parts where !wholes.isEmpty {
            let fits = wholes.allSatisfy { part.number <= $0.number }
            var evidence = [ClaimsFinding.Evidence(value: part.arithmetic, origin: part.origin, lines: part.lines)]
            evidence += wholes.map {
                ClaimsFinding.Evidence(
                    value: "\($0.number)", origin: "at most \($0.origin)", lines: $0.lines,
                    agrees: part.number <= $0.number
                )
            }
            findings.append(
                ClaimsFinding(fits ? .consistent : .inconsistent, "extra detections called unmasked", evidence)
            )
        }
        return findings
    }

    // MARK: - Rates

    /// The (count, total) pairs that define `name`, each from the claims it uses.
    func definitions(of name: RateName) -> [(count: ClaimsDerived, total: ClaimsDerived)] {
        func pair(_ count: [ClaimsDerived], _ total: [ClaimsDerived]) -> [(count: ClaimsDerived, total: ClaimsDerived)]
        {
            guard let count = count.first, let total = total.first else { return [] }
            return [(count, total)]
        }
        let found = sum(Self.tableFound, "outcome table found (correct + wrong)")
        switch name {
        case .tnr:
            return pair(stated(.unmaskedCorrect), stated(.unmaskedGroundTruth))
        case .fnr:
            return pair(stated(.maskedWrong), stated(.maskedGroundTruth))
        case .detectorRecall:
            return pair(stated(.truePositives), stated(.detectorFaces))
                + pair(stated(.truePositives), sum([.truePositives, .falseNegatives], "detector"))
                + pair(found, sum([.maskedGroundTruth, .unmaskedGroundTruth], "ground truth"))
        case .detectorPrecision:
            return pair(stated(.truePositives), sum([.truePositives, .falsePositives], "detector"))
                + pair(found, sum(Self.tableFound + [.extraDetections], "(found + extra detections)"))
        case .matchedAccuracy:
            return pair(sum([.maskedCorrect, .unmaskedCorrect], "outcome table correct"), found)
        case .groundTruthAccuracy:
            return []
        }
    }

    func recompute(_ rate: RateClaim) -> ClaimsFinding {
        let subject = "\(rate.name.title) \(rate.value)"
        var evidence: [ClaimsFinding.Evidence] = []
        var seen: Set<[Int]> = []
        func add(count: Int, total: Int, origin: String, lines: [Int]) {
            guard seen.insert([count, total] + lines).inserted else { return }
            guard total > 0 else {
                evidence.append(.init(value: "\(count)/0", origin: origin, lines: lines, agrees: false))
                return
            }
            let value = Double(count) / Double(total)
            evidence.append(
                .init(
                    value: "\(count)/\(total) = \(claimsPercent(value))", origin: origin, lines: lines,
                    agrees: rate.value.matches(value)
                )
            )
        }
        if let count = rate.count, let total = rate.total {
            add(count: count, total: total, origin: "the same sentence", lines: [rate.quote.line])
        }
        for (count, total) in definitions(of: rate.name) {
            let origin = count.origin == total.origin ? count.origin : "\(count.origin) / \(total.origin)"
            add(count: count.number, total: total.number, origin: origin, lines: lines(count.lines + total.lines))
        }
        guard !evidence.isEmpty else {
            let note = "no counts to recompute it from"
            return ClaimsFinding(
                .unchecked, subject, [.init(value: rate.value.text, origin: note, lines: [rate.quote.line])])
        }
        let verdict: ClaimsFinding.Verdict = evidence.allSatisfy { $0.agrees == true } ? .consistent : .inconsistent
        return ClaimsFinding(
            verdict, subject, [.init(value: rate.value.text, origin: "stated", lines: [rate.quote.line])] + evidence)
    }
}

/// `0.88461…` as `88.46%`: two decimals, one more than claims usually give.
func claimsPercent(_ value: Double) -> String {
    let hundredths = (value * 10_000).rounded()
    let whole = Int(hundredths) / 100
    let fraction = Int(hundredths) % 100
    return "\(whole).\(fraction < 10 ? "0" : "")\(fraction)%"
}

import MaskBenchCore
public import MaskBenchRecords

extension ClaimsCheck {
    /// Compares every claim with a run's `metrics.json`.
    ///
    /// Counts must be equal. A rate matches when the run's value is within `tolerance` of the claim or
    /// rounds to it as written (`88.5%` accepts [0.8845, 0.8855]); a count and total the claim's sentence
    /// gives must equal the run's. A claim `metrics.json` has no field for is reported as not in the run.
    ///
    /// - Parameters:
    ///   - claims: The README's claims.
    ///   - run: The run's metrics.
    ///   - tolerance: Absolute tolerance on rates, as a fraction (0.001 is 0.1 percentage point).
    /// - Returns: One finding per claim, in file order (counts, then rates).
    public static func compare(_ claims: Claims, with run: MetricsDocument, tolerance: Double) -> [ClaimsFinding] {
        var findings: [ClaimsFinding] = []
        for claim in claims.counts {
            let subject = "\(claim.name.rawValue) \(claim.value)"
            let stated = ClaimsFinding.Evidence(value: "\(claim.value)", origin: "stated", lines: [claim.quote.line])
            guard let actual = run.claimedCount(claim.name) else {
                findings.append(ClaimsFinding(.notInRun, subject, [stated]))
                continue
            }
            let evidence = ClaimsFinding.Evidence(
                value: "\(actual)", origin: "run", lines: [], agrees: actual == claim.value)
            findings.append(ClaimsFinding(actual == claim.value ? .matches : .mismatch, subject, [stated, evidence]))
        }
        for claim in claims.rates {
            let subject = "\(claim.name.rawValue) \(claim.value)"
            let stated = ClaimsFinding.Evidence(value: claim.value.text, origin: "stated", lines: [claim.quote.line])
            guard let actual = run.claimedRate(claim.name), let value = actual.value else {
                findings.append(ClaimsFinding(.notInRun, subject, [stated]))
                continue
            }
            var agrees = abs(value - claim.value.value) <= tolerance + 1e-12 || claim.value.matches(value)
            if let count = claim.count, let total = claim.total {
                agrees = agrees && count == actual.count && total == actual.total
            }
            let evidence = ClaimsFinding.Evidence(
                value: "\(actual.count)/\(actual.total) = \(claimsPercent(value))", origin: "run", lines: [],
                agrees: agrees
            )
            findings.append(ClaimsFinding(agrees ? .matches : .mismatch, subject, [stated, evidence]))
        }
        return findings
    }
}

extension MetricsDocument {
    /// The run's value of a claimed count; `nil` when the run has no such number (a class it did not see).
    func claimedCount(_ name: CountName) -> Int? {
        let masked = pipeline.outcomes["masked"]
        let unmasked = pipeline.outcomes["unmasked"]
        switch name {
        case .images: return dataset.images
        case .faces: return dataset.faces.total
        case .maskedFaces: return dataset.faces.masked
        case .unmaskedFaces: return dataset.faces.unmasked
        case .detectorFaces: return detector.truePositives + detector.falseNegatives
        case .truePositives: return detector.truePositives
        case .falsePositives: return detector.falsePositives
        case .falseNegatives: return detector.falseNegatives
        case .missedMasked: return detector.missed["masked"]
        case .missedUnmasked: return detector.missed["unmasked"]
        case .maskedGroundTruth: return masked?.groundTruth
        case .maskedCorrect: return masked?.correct
        case .maskedWrong: return masked?.wrong
        case .maskedMissed: return masked?.missed
        case .unmaskedGroundTruth: return unmasked?.groundTruth
        case .unmaskedCorrect: return unmasked?.correct
        case .unmaskedWrong: return unmasked?.wrong
        case .unmaskedMissed: return unmasked?.missed
        case .extraDetections: return pipeline.extraDetections.total
        case .extraCalledUnmasked: return pipeline.extraDetections.calledUnmasked
        }
    }

    /// The run's value of a claimed rate; `nil` for a rate the run did not measure (ground-truth crops
    /// outside `maskbench run`).
    func claimedRate(_ name: RateName) -> Rate? {
        switch name {
        case .tnr: pipeline.tnr
        case .fnr: pipeline.fnr
        case .detectorRecall: detector.recall
        case .detectorPrecision: detector.precision
        case .matchedAccuracy: classifier.matched.accuracy
        case .groundTruthAccuracy: classifier.groundTruthCrops?.accuracy
        }
    }
}

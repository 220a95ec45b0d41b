import Foundation
import MaskBenchCore
import MaskBenchGate
import MaskBenchTestSupport
import Testing

/// Reading claims files: the shipped seed-001 file, written percentages, and malformed files.
@Suite struct ClaimsParsingTests {
    static let seed001 = Fixtures.packageRoot.appendingPathComponent("Baselines/claims/seed001.yml").path

    static let minimal = """
        claims: 1
        source: {project: p, file: README.md}
        counts:
          - line: 3
            text: "| masked | 10 | 8 | 1 | 1 |"
            values:
              pipeline.outcomes.masked.groundTruth: 10
        """

    @Test func readsSeed001sClaimsWithTheirLines() throws {
        let claims = try Claims.read(path: Self.seed001)
        #expect(claims.source.project == "dataroots face-mask-detection")
        #expect(claims.counts.count == 19)
        #expect(claims.rates.count == 4)
        let faces = try #require(claims.count(.faces))
        #expect(faces.value == 249)
        #expect(faces.quote.line == 74)
        #expect(claims.count(.detectorFaces)?.value == 266)
        #expect(claims.count(.detectorFaces)?.quote.line == 94)
        #expect(claims.count(.maskedMissed)?.value == 10)
        #expect(claims.count(.missedMasked)?.value == 3)
        #expect(claims.count(.extraDetections)?.value == 15)
        #expect(claims.count(.falsePositives)?.value == 9)
        let tnr = try #require(claims.rates.first { $0.name == .tnr })
        #expect(tnr.value.text == "88.5%")
        #expect(tnr.count == 115 && tnr.total == 130)
        #expect(tnr.quote.line == 86)
        #expect(claims.rates.first { $0.name == .groundTruthAccuracy }?.value.decimals == 0)
    }

    @Test func aMinimalFileParses() throws {
        let claims = try Claims.parse(yaml: Self.minimal, file: "min.yml")
        #expect(
            claims.counts == [
                CountClaim(.maskedGroundTruth, 10, quote: ClaimQuote(line: 3, text: "| masked | 10 | 8 | 1 | 1 |"))
            ])
    }

    @Test(arguments: [
        ("88.5%", 0.885, 1), ("90%", 0.90, 0), ("11.76 %", 0.1176, 2), ("100%", 1.0, 0),
    ])
    func writtenPercentagesKeepTheirPrecision(text: String, value: Double, decimals: Int) throws {
        let written = try #require(WrittenPercentage(text))
        #expect(abs(written.value - value) < 1e-12)
        #expect(written.decimals == decimals)
    }

    @Test(arguments: ["88.5", "-1%", "abc%", "1e2%", "101%", "88.%", ".5%", ""])
    func malformedPercentagesAreRejected(text: String) {
        #expect(WrittenPercentage(text) == nil)
    }

    @Test func aWrittenPercentageMatchesWhatRoundsToIt() throws {
        let tnr = try #require(WrittenPercentage("88.5%"))
        #expect(tnr.matches(115.0 / 130.0))  // 88.46%
        #expect(tnr.matches(0.8845))
        #expect(!tnr.matches(0.8844))
        #expect(!tnr.matches(0.8856))
        let accuracy = try #require(WrittenPercentage("90%"))
        #expect(accuracy.matches(0.904))
        #expect(!accuracy.matches(210.0 / 231.0))  // 90.9%
    }

    /// Each malformed file names the line of the problem.
    @Test(arguments: [
        (
            "claims: 1\nsource: {project: p, file: R}\ncounts:\n  - line: 3\n    text: t\n    values:\n      dataset.facez: 4\n",
            7, "unknown count 'dataset.facez'"
        ),
        (
            "claims: 1\nsource: {project: p, file: R}\nrates:\n  - line: 3\n    text: t\n    rate: pipeline.tnr\n    value: 0.885\n",
            7, "must be a percentage"
        ),
        (
            "claims: 1\nsource: {project: p, file: R}\nrates:\n  - line: 3\n    text: t\n    rate: pipeline.tnr\n    value: 88.5%\n    count: 115\n",
            4, "give both 'count' and 'total'"
        ),
        ("claims: 2\nsource: {project: p, file: R}\n", 1, "version 2 is not supported"),
        (
            "claims: 1\nsource: {project: p, file: R}\ncounts:\n  - line: x\n    text: t\n    values: {dataset.images: 3}\n",
            4, "'line' must be a whole number"
        ),
        ("claims: 1\nsource: {project: p, file: R}\ncounts:\n  - line: 3\n    txt: t\n", 5, "unknown key 'txt'"),
        (
            "claims: 1\nsource: {project: p, file: R}\ncounts:\n  - line: 3\n    text: \"unterminated\n", 6,
            "not valid YAML"
        ),
        (
            "claims: 1\nsource: {project: p, file: R}\ncounts:\n  - line: 3\n    text: t\n    values: {pipeline.tnr: -4}\n",
            6, "unknown count 'pipeline.tnr'"
        ),
    ])
    func malformedFilesNameTheLine(yaml: String, line: Int, message: String) {
        #expect {
            _ = try Claims.parse(yaml: yaml, file: "bad.yml")
        } throws: { error in
            guard let error = error as? ClaimsError else { return false }
            return error.file == "bad.yml" && error.line == line && error.message.contains(message)
                && error.description.hasPrefix("bad.yml:\(line): ")
        }
    }

    @Test func aMissingFileIsAClaimsError() {
        #expect(throws: ClaimsError.self) { _ = try Claims.read(path: "/nonexistent/claims.yml") }
    }
}

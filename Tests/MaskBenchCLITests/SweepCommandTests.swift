import Foundation
import MaskBenchTestSupport
import Testing

/// `maskbench sweep` end to end: the chosen operating point against a brute-force search of the full grid.
@Suite struct SweepCommandTests {
    static let sample = "Annotations/seed001-table/"

    struct Point: Equatable {
        var detector: Double
        var classifier: Double
        var tnr: Double
        var fnr: Double
        var falseAlarms: Int
    }

    /// Rows of a sweep CSV (the header checked, every rate defined in this sample).
    func points(_ url: URL) throws -> [Point] {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "detectorThreshold,classifierThreshold,tnr,fnr,falseAlarms")
        return try lines.dropFirst().map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Point(
                detector: try #require(Double(f[0])),
                classifier: try #require(Double(f[1])),
                tnr: try #require(Double(f[2])),
                fnr: try #require(Double(f[3])),
                falseAlarms: try #require(Int(f[4]))
            )
        }
    }

    func sweep(_ extra: [String]) throws -> (Command.Result, URL) {
        let out = try Command.temporaryDirectory()
        let result = try Command.maskbench(
            [
                "sweep", "--ground-truth", Self.sample + "ground-truth.csv", "--predictions",
                Self.sample + "predictions.csv", "--out", out.path, "--bootstrap", "0",
                "--grid-csv", out.appendingPathComponent("grid.csv").path,
            ] + extra
        )
        return (result, out)
    }

    func chosen(_ out: URL, target index: Int) throws -> [String: Any]? {
        let object = try JSONSerialization.jsonObject(
            with: Data(contentsOf: out.appendingPathComponent("metrics.json")))
        let document = try #require(object as? [String: Any])
        let section = try #require(document["operatingPoints"] as? [String: Any])
        let targets = try #require(section["targets"] as? [[String: Any]])
        return targets[index]["point"] as? [String: Any]
    }

    @Test(arguments: [("fnr<=0.10", true), ("fnr<=0.05", true), ("tnr>=0.9", false), ("tnr>=0.6", false)])
    func theTargetPicksWhatABruteForceSearchOfTheGridPicks(target: String, boundsFNR: Bool) throws {
        let (result, out) = try sweep(["--target", target, "--detector-thresholds", "0,0.5,0.8,0.9"])
        #expect(result.status == 0, "\(result.stderr)")
        let grid = try points(out.appendingPathComponent("grid.csv"))
        #expect(Set(grid.map(\.detector)) == [0, 0.5, 0.8, 0.9])
        let bound = try #require(Double(target.split(separator: "=").last.map(String.init) ?? ""))
        let meeting = grid.filter { boundsFNR ? $0.fnr <= bound : $0.tnr >= bound }
        let point = try #require(try chosen(out, target: 0))
        // (Foundation's JSON reader on Linux can differ from the writer in the last bit, hence isClose.)
        if boundsFNR {
            let best = try #require(meeting.map(\.tnr).max())
            #expect(try #require(point["tnr"] as? Double).isClose(to: best))
        } else {
            let best = try #require(meeting.map(\.fnr).min())
            #expect(try #require(point["fnr"] as? Double).isClose(to: best))
        }
        // The chosen point is one of the grid's, and sweep.csv's front is drawn from the grid too.
        let detector = try #require(point["detectorThreshold"] as? Double)
        let classifier = try #require(point["classifierThreshold"] as? Double)
        let match = grid.contains {
            $0.detector.isClose(to: detector) && $0.classifier.isClose(to: classifier)
                && $0.falseAlarms == point["falseAlarms"] as? Int
        }
        #expect(match)
        let front = try points(out.appendingPathComponent("sweep.csv"))
        #expect(!front.isEmpty && front.allSatisfy { grid.contains($0) })
    }

    @Test func anUnreachableTargetExitsOneAndSaysSo() throws {
        let (result, out) = try sweep(["--target", "tnr>=0.999"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("tnr>=0.999: no operating point of the grid meets it"))
        #expect(try chosen(out, target: 0) == nil)
    }

    @Test(arguments: ["auc>=0.9", "fnr<=1.5", "fnr=0.1"])
    func aMalformedTargetIsAUsageError(target: String) throws {
        let (result, out) = try sweep(["--target", target])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--target"))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("metrics.json").path))
    }
}

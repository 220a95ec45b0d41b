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
        #expect(lines.first == "detectorThreshold,classifierThreshold,tnr,fnr,falseAlarms,recall,missedFaces")
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

    @Test(arguments: ["fnr<=0.15,falseAlarms<=3", "tnr>=0.8,fnr<=0.2", "fnr<=0.3,falseAlarms<=0"])
    func combinedTargetsPickTheBestOfTheGridPointsMeetingThemAll(target: String) throws {
        let (result, out) = try sweep(["--target", target, "--detector-thresholds", "0,0.6,0.8,0.9"])
        #expect(result.status == 0, "\(result.stderr)")
        let grid = try points(out.appendingPathComponent("grid.csv"))
        func meets(_ p: Point, _ condition: Substring) -> Bool {
            let parts = condition.split(separator: "=")
            let bound = Double(parts[1]) ?? .nan
            switch parts[0] {
            case "fnr<": return p.fnr <= bound
            case "tnr>": return p.tnr >= bound
            default: return Double(p.falseAlarms) <= bound
            }
        }
        let conditions = target.split(separator: ",")
        let meeting = grid.filter { p in conditions.allSatisfy { meets(p, $0) } }
        #expect(!meeting.isEmpty)
        let point = try #require(try chosen(out, target: 0))
        let tnr = try #require(point["tnr"] as? Double)
        let fnr = try #require(point["fnr"] as? Double)
        let alarms = try #require(point["falseAlarms"] as? Int)
        #expect(meeting.contains { $0.tnr.isClose(to: tnr) && $0.fnr.isClose(to: fnr) && $0.falseAlarms == alarms })
        if target.hasPrefix("tnr") {
            // Both rates bounded: the fewest false alarms.
            #expect(alarms == meeting.map(\.falseAlarms).min())
        } else {
            #expect(tnr.isClose(to: try #require(meeting.map(\.tnr).max())))
        }
        // Echoed as typed, with detector recall and missed faces.
        #expect(result.stdout.contains("\n\(target): detector ≥ "))
        #expect(try #require(point["recall"] as? Double) > 0)
        #expect(point["missedFaces"] is Int)
    }

    @Test func theChosenPointsAreInTheSummaryAndTheReport() throws {
        let (result, out) = try sweep(["--target", "falseAlarms<=5", "--target", "fnr<=0.1,falseAlarms<=4"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\nfalseAlarms<=5: detector ≥ "))
        #expect(result.stdout.contains("← falseAlarms<=5") || result.stdout.contains("falseAlarms<=5\n"))
        let summary = try String(contentsOf: out.appendingPathComponent("summary.md"), encoding: .utf8)
        #expect(summary.contains("## Operating points"))
        #expect(summary.contains("| `falseAlarms<=5` | "))
        #expect(summary.contains("| `fnr<=0.1,falseAlarms<=4` | "))
        let html = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(html.contains("Operating points chosen by maskbench sweep"))
        // Breakable only between conditions.
        #expect(html.contains(">fnr&lt;=0.1,<wbr>falseAlarms&lt;=4</th>"))
        let chart = try String(contentsOf: out.appendingPathComponent("charts/threshold-sweep.svg"), encoding: .utf8)
        #expect(chart.contains(">falseAlarms&lt;=5: detector ≥ "))
    }

    @Test func detectorThresholdsBelowTheLowestFaceScoreAreWarnedAbout() throws {
        // The sample's lowest faceScore is 0.516: the default rows 0 to 0.5 drop nothing.
        let (result, _) = try sweep([])
        #expect(result.status == 0)
        #expect(
            result.stderr.contains(
                "warning: detector thresholds 0.0, 0.1, 0.2, 0.3, 0.4, 0.5 are at or below the lowest faceScore "
                    + "in the predictions (0.5160)"))
        let (above, _) = try sweep(["--detector-thresholds", "0,0.6,0.8"])
        #expect(!above.stderr.contains("warning: detector thresholds"))
    }

    @Test func theWholeFrontIsPrintedOrTheRowsLeftOutAreCounted() throws {
        let (result, out) = try sweep(["--detector-thresholds", "0,0.6,0.7,0.8,0.9"])
        #expect(result.status == 0)
        let front = try points(out.appendingPathComponent("sweep.csv"))
        // Front rows: thresholds, no "detector" (the lines of the chosen points have it).
        let printed = result.stdout.split(separator: "\n").filter { $0.contains("≥") && !$0.contains("detector") }
        if front.count <= 40 {
            #expect(printed.count == front.count)
        } else {
            #expect(result.stdout.contains("of the \(front.count) points on the front left out here"))
        }
    }

    @Test func anUnreachableTargetExitsOneAndSaysSo() throws {
        let (result, out) = try sweep(["--target", "tnr>=0.999"])
        #expect(result.status == 1)
        #expect(
            result.stdout.contains(
                "tnr>=0.999: no operating point of the grid meets it (best in the grid, each on its own: TNR "))
        #expect(try chosen(out, target: 0) == nil)
    }

    @Test(arguments: ["auc>=0.9", "fnr<=1.5", "fnr=0.1", "fnr<=0.1,", "fnr<=0.1,tnr>=2"])
    func aMalformedTargetIsAUsageError(target: String) throws {
        let (result, out) = try sweep(["--target", target])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--target"))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("metrics.json").path))
    }
}

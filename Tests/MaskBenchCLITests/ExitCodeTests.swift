import Foundation
import MaskBenchTestSupport
import Testing

/// The exit-code contract: 0 success, 1 a finding, 2 every usage or input problem (whichever module found
/// it), 70 an internal error, never 1 for anything but a finding.
@Suite struct ExitCodeTests {
    static let sample = "Annotations/seed001-table/"

    /// A scratch folder with a few broken input files.
    struct Scratch: Sendable {
        let root: URL
        var path: String { root.path }

        init() throws {
            root = try Command.temporaryDirectory()
            func write(_ name: String, _ text: String) throws {
                try Data(text.utf8).write(to: root.appendingPathComponent(name))
            }
            try write("gt.csv", "with_mask,1,2,3,4,a.png,10,10\nwith_mask,1,2,x,4,a.png,10,10\n")
            try write("rules.yml", "rules:\n  - metric: pipeline.tnr.value\n    direction: sideways\n")
            try write("claims.yml", "source: {project: x, file: README.md}\ncounts: [1, 2\n")
            try write("pipeline.yml", "detector: res10\ndetectorConfidence: high\n")
            try write("climb.csv", "with_mask,1,2,3,4,../outside.png,10,10\n")
        }
    }

    /// One input problem per module that reports them, and the place its message must name.
    static let problems:
        [(name: String, arguments: @Sendable (Scratch) -> [String], message: @Sendable (Scratch) -> String)] = [
            (
                "FormatError (a reader)", { ["validate", "--ground-truth", $0.path + "/gt.csv"] },
                { "error: \($0.path)/gt.csv:2:4: expected a number for bbox_width" }
            ),
            (
                "GateError (a rules file)",
                {
                    [
                        "gate", "--baseline", "Baselines/kaggle-ssd-mobilenetv2.json", "--metrics",
                        "Reports/seed001-table/metrics.json", "--rules", $0.path + "/rules.yml",
                    ]
                },
                { "error: \($0.path)/rules.yml:3:16: rule 1 (pipeline.tnr.value): direction must be higher or lower" }
            ),
            (
                "ClaimsError (a claims file)", { ["claims", "check", $0.path + "/claims.yml"] },
                { "error: \($0.path)/claims.yml" }
            ),
            (
                "ConfigurationError (a pipeline config)",
                {
                    [
                        "run", "--config", $0.path + "/pipeline.yml", "--ground-truth", sample + "ground-truth.csv",
                        "--out", $0.path + "/out",
                    ]
                },
                { "error: \($0.path)/pipeline.yml:2:21: detectorConfidence: expected a number, got 'high'" }
            ),
            (
                "InferenceError (a missing model)",
                {
                    [
                        "run", "--pipeline", "ssd-mobilenetv2", "--models", $0.path + "/no-models", "--ground-truth",
                        sample + "ground-truth.csv", "--out", $0.path + "/out",
                    ]
                },
                { "error: \($0.path)/no-models/" }
            ),
            (
                "ImagingError (an image name leaving the images folder)",
                {
                    [
                        "run", "--external", "/bin/cat", "--ground-truth", $0.path + "/climb.csv", "--out",
                        $0.path + "/out",
                    ]
                },
                { "error: \($0.path)/climb.csv" }
            ),
            (
                "InputError (a worker that cannot start)",
                {
                    [
                        "run", "--external", $0.path + "/no-such-worker", "--ground-truth", sample + "ground-truth.csv",
                        "--out", $0.path + "/out",
                    ]
                },
                { _ in "error: cannot start the external worker" }
            ),
            (
                "OutputError (an output folder that is a file)",
                {
                    [
                        "evaluate", "--ground-truth", sample + "ground-truth.csv", "--predictions",
                        sample + "predictions.csv", "--out", $0.path + "/gt.csv/out", "--bootstrap", "0",
                    ]
                },
                { "error: \($0.path)/gt.csv/out" }
            ),
        ]

    @Test(arguments: problems.indices)
    func everyInputProblemExitsTwoNamingThePlace(_ index: Int) throws {
        let problem = Self.problems[index]
        let scratch = try Scratch()
        defer { try? FileManager.default.removeItem(at: scratch.root) }
        let result = try Command.maskbench(problem.arguments(scratch))
        #expect(result.status == 2, "\(problem.name): \(result.stderr)")
        #expect(result.stderr.hasPrefix(problem.message(scratch)), "\(problem.name): \(result.stderr)")
    }

    @Test(arguments: [
        ["evaluate", "--ground-truth", "x.csv"],  // a required option missing
        ["evaluate", "--no-such-flag"],
        ["gate", "--baseline", "b.json", "--metrics", "m.json", "--rules"],
        ["no-such-command"],
        ["evaluate", "--ground-truth", "x.csv", "--predictions", "y.csv", "--iou", "2"],  // validate()
    ])
    func usageErrorsExitTwo(_ arguments: [String]) throws {
        let result = try Command.maskbench(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }

    @Test func anInternalErrorIsNeverAFinding() throws {
        let result = try Command.maskbench(
            ["validate", "--ground-truth", Self.sample + "ground-truth.csv"],
            environment: ["MASKBENCH_INJECT_FAULT": "internal"], executable: "maskbench-fault-harness")
        #expect(result.status == 70)
        #expect(result.stderr.hasPrefix("error: internal error: fault injected by MASKBENCH_INJECT_FAULT"))
        #expect(result.stderr.contains("This is a bug in maskbench"))
    }

    /// Fault injection is a seam of the test-only `maskbench-fault-harness`; the shipped program reads no such
    /// variable.
    @Test(arguments: ["internal", "fail:staged", "pause:staged"])
    func theShippedProgramIgnoresTheFaultInjectionVariable(_ fault: String) throws {
        let out = try Command.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try Command.maskbench(
            [
                "evaluate", "--ground-truth", Self.sample + "ground-truth.csv", "--predictions",
                Self.sample + "predictions.csv", "--out", out.path, "--bootstrap", "0", "--no-report", "--quiet",
            ],
            environment: ["MASKBENCH_INJECT_FAULT": fault], hangGuard: 600)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: out.path + "/metrics.json"))
    }

    @Test func helpAndVersionExitZero() throws {
        #expect(try Command.maskbench(["--help"]).status == 0)
        #expect(try Command.maskbench(["--version"]).status == 0)
        #expect(try Command.maskbench(["gate", "--help"]).status == 0)
    }
}

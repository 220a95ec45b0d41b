// Times MaskBench's ROC curve + AUC on a roc_<n>.bin file from ../shared/bench/gen_dataset.py
// (n float32 scores, then n uint8 labels), the same input bench_roc.py gives scikit-learn.
//   roc-bench bench-data/roc_1m.bin [--runs 3]
// Prints one JSON line: the median and all run times, the AUC and the number of thresholds.
import Foundation
import MaskBenchCore

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: roc-bench FILE [--runs N]\n".utf8))
    exit(2)
}
let runs = arguments.firstIndex(of: "--runs").flatMap { Int(arguments[$0 + 1]) } ?? 3
let data = try Data(contentsOf: URL(fileURLWithPath: arguments[1]))
let n = data.count / 5
var scores = [Double](repeating: 0, count: n)
var labels = [Bool](repeating: false, count: n)
data.withUnsafeBytes { raw in
    for i in 0..<n {
        scores[i] = Double(Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self).littleEndian))
        labels[i] = raw[4 * n + i] != 0
    }
}
var times: [Double] = []
var curve: ROCCurve?
for _ in 0..<runs {
    let start = DispatchTime.now().uptimeNanoseconds
    curve = ROCCurve(scores: scores, labels: labels)
    _ = curve?.auc
    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}
let median = times.sorted()[times.count / 2]
let auc = curve?.auc ?? .nan
print(
    #"{"tool": "maskbench", "n": \#(n), "median_s": \#(median), "runs_s": \#(times), "auc": \#(auc), "n_thresholds": \#(curve?.thresholds.count ?? 0)}"#
)

import Foundation
public import MaskBenchCore
import MaskBenchFormats

/// `faces.csv`: what happened to every ground-truth face, the per-face record a gate pairs with a baseline.
///
/// Header `image,face,truth,call,maskScore,faceScore,iou`; one row per face in dataset order; `image` is the
/// file name, `face` the index within the image, `truth` and `call` are `masked`, `unmasked` or `incorrect`
/// (after `--incorrect-as`); `call` and the numbers are empty for a face the detector missed.
public enum FaceOutcomesCSV {
    public static let header = ["image", "face", "truth", "call", "maskScore", "faceScore", "iou"]

    /// The CSV text of `evaluation`'s outcomes on `dataset`.
    ///
    /// Rows are assembled here rather than through ``MaskBenchFormats/CSVWriter/appendRow(_:)``: a 50k-image
    /// run has 325k rows, and only the image names can need quoting, so each name is encoded (through
    /// libcsv) once.
    public static func encode(_ evaluation: Evaluation, dataset: Dataset) -> [UInt8] {
        var header = CSVWriter()
        header.appendRow(Self.header)
        let names = dataset.images.map { CSVWriter.encodeField($0.name) }
        // Rows are independent: encode runs of them on every core, then join in order.
        let outcomes = evaluation.outcomes
        let runs = outcomes.count < 20_000 ? 1 : max(1, ProcessInfo.processInfo.activeProcessorCount)
        let bounds = (0...runs).map { $0 * outcomes.count / runs }
        let parts = Mutex([[UInt8]](repeating: [], count: runs))
        DispatchQueue.concurrentPerform(iterations: runs) { run in
            let part = rows(outcomes[bounds[run]..<bounds[run + 1]], names: names)
            parts.withLock { $0[run] = part }
        }
        return parts.withLock { $0.reduce(header.bytes, +) }
    }

    private static func rows(_ outcomes: ArraySlice<FaceOutcome>, names: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(outcomes.count * 64)
        let comma = UInt8(ascii: ",")
        func number(_ value: Double?) {
            out.append(comma)
            if let value { out.append(contentsOf: value.description.utf8) }
        }
        for o in outcomes {
            out.append(contentsOf: names[o.image])
            out.append(comma)
            out.append(contentsOf: o.face.description.utf8)
            out.append(comma)
            out.append(contentsOf: o.truth.rawValue.utf8)
            out.append(comma)
            if let call = o.call { out.append(contentsOf: call.rawValue.utf8) }
            number(o.maskScore)
            number(o.faceScore)
            number(o.iou)
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// Writes `faces.csv` atomically.
    public static func write(_ evaluation: Evaluation, dataset: Dataset, to path: String) throws {
        try AtomicFile.write(Data(encode(evaluation, dataset: dataset)), to: path)
    }
}

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
    public static func encode(_ evaluation: Evaluation, dataset: Dataset) -> [UInt8] {
        var writer = CSVWriter()
        writer.appendRow(header)
        for o in evaluation.outcomes {
            writer.appendRow([
                dataset.images[o.image].name, String(o.face), o.truth.rawValue, o.call?.rawValue ?? "",
                o.maskScore.map { "\($0)" } ?? "", o.faceScore.map { "\($0)" } ?? "", o.iou.map { "\($0)" } ?? "",
            ])
        }
        return writer.bytes
    }

    /// Writes `faces.csv` atomically.
    public static func write(_ evaluation: Evaluation, dataset: Dataset, to path: String) throws {
        try AtomicFile.write(Data(encode(evaluation, dataset: dataset)), to: path)
    }
}

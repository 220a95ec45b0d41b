import Foundation
public import MaskBenchCore
import MaskBenchFiles

/// `sweep.csv`: operating points, one per row, header
/// `detectorThreshold,classifierThreshold,tnr,fnr,falseAlarms,recall,missedFaces` (an undefined number is an
/// empty field; recall and missed faces are the detector's at that detector threshold).
public enum OperatingPointsCSV {
    public static let header = [
        "detectorThreshold", "classifierThreshold", "tnr", "fnr", "falseAlarms", "recall", "missedFaces",
    ]

    /// The CSV text of `points`, in order.
    public static func encode(_ points: some Sequence<OperatingPoint>) -> [UInt8] {
        var writer = CSVWriter()
        writer.appendRow(header)
        for p in points {
            writer.appendRow([
                p.detectorThreshold.description, p.classifierThreshold.description,
                p.tnr?.description ?? "", p.fnr?.description ?? "", String(p.falseAlarms),
                p.recall?.description ?? "", p.missedFaces.map(String.init) ?? "",
            ])
        }
        return writer.bytes
    }

    /// Writes `points` to `path` atomically.
    public static func write(_ points: some Sequence<OperatingPoint>, to path: String) throws {
        try AtomicFile.write(Data(encode(points)), to: path)
    }
}

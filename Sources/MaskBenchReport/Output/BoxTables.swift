import Foundation
public import MaskBenchCore
import MaskBenchFormats

/// `boxes.csv` and `extras.csv`: the boxes behind `faces.csv`, which the report needs for face sizes and
/// the gallery of mistakes and which `maskbench report` reads back.
///
/// `boxes.csv` has one row per ground-truth face in `faces.csv` order:
/// `image,face,x,y,width,height,imageWidth,imageHeight,predX,predY,predWidth,predHeight` (the ground-truth
/// box, the image size when the annotation gives it, the matched prediction's box; empty when missed).
/// `extras.csv` has one row per extra detection (matching no face):
/// `image,prediction,x,y,width,height,faceScore,maskScore,call`, `prediction` being the index among that
/// image's predictions in the predictions file. Boxes are `x,y` top-left, in pixels.
public enum BoxTables {
    /// The columns of `boxes.csv`.
    public static let boxesHeader = [
        "image", "face", "x", "y", "width", "height", "imageWidth", "imageHeight", "predX", "predY", "predWidth",
        "predHeight",
    ]
    /// The columns of `extras.csv`.
    public static let extrasHeader = [
        "image", "prediction", "x", "y", "width", "height", "faceScore", "maskScore", "call",
    ]

    /// The `boxes.csv` text.
    public static func boxes(_ evaluation: Evaluation, dataset: Dataset, predictions: PredictionSet) -> [UInt8] {
        var header = CSVWriter()
        header.appendRow(boxesHeader)
        var out = header.bytes
        out.reserveCapacity(evaluation.outcomes.count * 80)
        var names: [Int: [UInt8]] = [:]
        for o in evaluation.outcomes {
            let image = dataset.images[o.image]
            let name = names[o.image] ?? CSVWriter.encodeField(image.name)
            names[o.image] = name
            var fields: [String] = [String(o.face)]
            let box = o.face < image.faces.count ? image.faces[o.face].box : nil
            fields += Self.box(box)
            fields += [image.width.map(String.init) ?? "", image.height.map(String.init) ?? ""]
            let all = predictions[image.name]
            let predicted = o.prediction.flatMap { $0 < all.count ? all[$0].box : nil }
            fields += Self.box(predicted)
            append(name, fields, to: &out)
        }
        return out
    }

    /// The `extras.csv` text.
    public static func extras(_ evaluation: Evaluation, dataset: Dataset, predictions: PredictionSet) -> [UInt8] {
        var header = CSVWriter()
        header.appendRow(extrasHeader)
        var out = header.bytes
        for e in evaluation.extras {
            let image = dataset.images[e.image]
            let all = predictions[image.name]
            let box = e.prediction < all.count ? all[e.prediction].box : nil
            let fields =
                [String(e.prediction)] + Self.box(box)
                + [e.faceScore.description, e.maskScore.description, e.call.rawValue]
            append(CSVWriter.encodeField(image.name), fields, to: &out)
        }
        return out
    }

    /// Writes both files into `folder`, atomically.
    ///
    /// - Throws: ``ReportError`` naming the file that could not be written.
    public static func write(
        _ evaluation: Evaluation, dataset: Dataset, predictions: PredictionSet, folder: String
    ) throws {
        try AtomicFile.write(
            Data(boxes(evaluation, dataset: dataset, predictions: predictions)), to: folder + "/boxes.csv")
        try AtomicFile.write(
            Data(extras(evaluation, dataset: dataset, predictions: predictions)), to: folder + "/extras.csv")
    }

    private static func box(_ box: Box?) -> [String] {
        guard let box else { return ["", "", "", ""] }
        return [box.x.description, box.y.description, box.width.description, box.height.description]
    }

    /// Appends a row whose first field is already encoded; the others are numbers or class names.
    private static func append(_ name: [UInt8], _ fields: [String], to out: inout [UInt8]) {
        out.append(contentsOf: name)
        for field in fields {
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: field.utf8)
        }
        out.append(UInt8(ascii: "\n"))
    }
}

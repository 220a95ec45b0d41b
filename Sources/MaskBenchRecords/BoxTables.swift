import Foundation
public import MaskBenchCore
import MaskBenchFiles

/// `boxes.csv` and `extras.csv`: the boxes behind `faces.csv`, which the report needs for face sizes and
/// the gallery of mistakes and which `maskbench report` reads back.
///
/// `boxes.csv` has one row per ground-truth face in `faces.csv` order:
/// `image,face,x,y,width,height,imageWidth,imageHeight,predX,predY,predWidth,predHeight,label` (the
/// ground-truth box, the image size when the annotation gives it, the matched prediction's box, empty when
/// missed, and the label as annotated, before `--incorrect-as`: `masked`, `unmasked` or `incorrect`).
/// `extras.csv` has one row per extra detection (matching no face):
/// `image,prediction,x,y,width,height,faceScore,maskScore,call`, `prediction` being the index among that
/// image's predictions in the predictions file. Boxes are `x,y` top-left, in pixels.
public enum BoxTables {
    /// The columns of `boxes.csv`.
    public static let boxesHeader = [
        "image", "face", "x", "y", "width", "height", "imageWidth", "imageHeight", "predX", "predY", "predWidth",
        "predHeight", "label",
    ]
    /// The columns of `extras.csv`.
    public static let extrasHeader = [
        "image", "prediction", "x", "y", "width", "height", "faceScore", "maskScore", "call",
    ]

    /// The `boxes.csv` text in parts of about `partSize` bytes (whole images' rows), handed to `part` in order: a
    /// table of millions of rows is written as it is made, never held whole.
    static func boxes(
        _ evaluation: Evaluation, dataset: Dataset, predictions: PredictionSet, partSize: Int = partSize,
        part: ([UInt8]) throws -> Void
    ) rethrows {
        var header = CSVWriter()
        header.appendRow(boxesHeader)
        var out = header.bytes
        out.reserveCapacity(partSize + 4096)
        // The current image's encoded name and predictions: rows come image by image.
        var current: (image: Int, name: [UInt8], predictions: [Prediction]) = (-1, [], [])
        for o in evaluation.outcomes {
            let image = dataset.images[o.image]
            if current.image != o.image {
                current = (o.image, CSVWriter.encodeField(image.name), predictions[image.name])
                if out.count >= partSize {
                    try part(out)
                    out.removeAll(keepingCapacity: true)
                }
            }
            out.append(contentsOf: current.name)
            out.append(comma)
            DecimalFormatting.appendInteger(o.face, to: &out)
            appendBox(o.face < image.faces.count ? image.faces[o.face].box : nil, to: &out)
            out.append(comma)
            if let width = image.width { DecimalFormatting.appendInteger(width, to: &out) }
            out.append(comma)
            if let height = image.height { DecimalFormatting.appendInteger(height, to: &out) }
            let predicted = o.prediction.flatMap { k in k < current.predictions.count ? current.predictions[k].box : nil
            }
            appendBox(predicted, to: &out)
            out.append(comma)
            if o.face < image.faces.count { out.append(contentsOf: image.faces[o.face].label.rawValue.utf8) }
            out.append(newline)
        }
        try part(out)
    }

    /// The `extras.csv` text in parts of about `partSize` bytes (whole images' rows), handed to `part` in order.
    static func extras(
        _ evaluation: Evaluation, dataset: Dataset, predictions: PredictionSet, partSize: Int = partSize,
        part: ([UInt8]) throws -> Void
    ) rethrows {
        var header = CSVWriter()
        header.appendRow(extrasHeader)
        var out = header.bytes
        out.reserveCapacity(partSize + 4096)
        // The current image's encoded name and predictions: rows come image by image.
        var current: (image: Int, name: [UInt8], predictions: [Prediction]) = (-1, [], [])
        for e in evaluation.extras {
            if current.image != e.image {
                let name = dataset.images[e.image].name
                current = (e.image, CSVWriter.encodeField(name), predictions[name])
                if out.count >= partSize {
                    try part(out)
                    out.removeAll(keepingCapacity: true)
                }
            }
            out.append(contentsOf: current.name)
            out.append(comma)
            DecimalFormatting.appendInteger(e.prediction, to: &out)
            let all = current.predictions
            appendBox(e.prediction < all.count ? all[e.prediction].box : nil, to: &out)
            out.append(comma)
            appendNumber(e.faceScore, to: &out)
            out.append(comma)
            appendNumber(e.maskScore, to: &out)
            out.append(comma)
            out.append(contentsOf: e.call.rawValue.utf8)
            out.append(newline)
        }
        try part(out)
    }

    /// About how many bytes of rows a part holds: small enough to stay in cache, large enough that each
    /// `write` carries many rows.
    static let partSize = 1 << 20

    private static let comma = UInt8(ascii: ",")
    private static let newline = UInt8(ascii: "\n")

    /// `,x,y,width,height`, or four empty fields.
    private static func appendBox(_ box: Box?, to out: inout [UInt8]) {
        guard let box else {
            out.append(contentsOf: [comma, comma, comma, comma])
            return
        }
        out.append(comma)
        appendNumber(box.x, to: &out)
        out.append(comma)
        appendNumber(box.y, to: &out)
        out.append(comma)
        appendNumber(box.width, to: &out)
        out.append(comma)
        appendNumber(box.height, to: &out)
    }

    /// Whole numbers (most box coordinates) as integers, others as Swift prints them (shortest round-trip).
    private static func appendNumber(_ value: Double, to out: inout [UInt8]) {
        if value == value.rounded(), abs(value) < 1e15 {
            DecimalFormatting.appendInteger(Int(value), to: &out)
        } else {
            DecimalFormatting.appendDescription(of: value, to: &out)
        }
    }

    /// Writes both files into `folder`, atomically, a part at a time.
    ///
    /// - Throws: ``MaskBenchFiles/OutputError`` naming the file that could not be written.
    public static func write(
        _ evaluation: Evaluation, dataset: Dataset, predictions: PredictionSet, folder: String
    ) throws {
        try writeBoxes(evaluation, dataset: dataset, predictions: predictions, to: folder + "/boxes.csv")
        try writeExtras(evaluation, dataset: dataset, predictions: predictions, to: folder + "/extras.csv")
    }

    /// Writes `boxes.csv` to `path`, atomically, a part at a time.
    ///
    /// - Throws: ``MaskBenchFiles/OutputError`` naming the file when it could not be written.
    public static func writeBoxes(
        _ evaluation: Evaluation, dataset: Dataset, predictions: PredictionSet, to path: String
    ) throws {
        try AtomicFile.write(to: path) { write in
            try boxes(evaluation, dataset: dataset, predictions: predictions, part: write)
        }
    }

    /// Writes `extras.csv` to `path`, atomically, a part at a time.
    ///
    /// - Throws: ``MaskBenchFiles/OutputError`` naming the file when it could not be written.
    public static func writeExtras(
        _ evaluation: Evaluation, dataset: Dataset, predictions: PredictionSet, to path: String
    ) throws {
        try AtomicFile.write(to: path) { write in
            try extras(evaluation, dataset: dataset, predictions: predictions, part: write)
        }
    }
}

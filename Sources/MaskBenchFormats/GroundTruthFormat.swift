public import MaskBenchCore
import MaskBenchFiles

/// The ground-truth formats MaskBench reads.
public enum GroundTruthFormat: String, Sendable, Codable, CaseIterable {
    /// makesense.ai CSV export: `label_name,bbox_x,bbox_y,bbox_width,bbox_height,image_name,image_width,image_height`.
    case makesense
    /// Seed 001's `test_validation_metadata.csv`: `class,x,y,w,h,image_urls,raw_img_dir,cropped_img_dir`.
    case dataroots
    /// Pascal VOC XML, a folder of files (or one file).
    case voc
    /// COCO JSON (`images`, `annotations`, `categories`).
    case coco
    /// YOLO txt labels: a folder of `class cx cy w h` files, normalised; image sizes from the images.
    case yolo
}

/// How a ground truth is read.
public struct GroundTruthOptions: Sendable {
    /// Raw label → canonical class.
    public var labelMap: LabelMap
    /// Force a format instead of detecting it.
    public var format: GroundTruthFormat?
    /// Folder of the images (needed for YOLO sizes; used by `validate`).
    public var imagesDirectory: String?
    /// Seed-001 metadata: which split to keep (`test` or `validation`); `nil` keeps all.
    public var split: String?
    /// YOLO class names by id; default the Kaggle set's `without_mask, with_mask, mask_weared_incorrect`.
    public var yoloClassNames: [String]?
    /// When true, an unknown label becomes a diagnostic and the face is skipped (for `validate`);
    /// otherwise it is an error.
    public var collectUnknownLabels: Bool
    /// Whether image names may lead out of the images folder (`--allow-outside-root`): absolute names,
    /// `..` components and symbolic links out of it are refused otherwise (see ``MaskBenchImaging/ImageRoot``).
    public var allowOutsideRoot: Bool
    /// File size, line length and faces-per-image bounds.
    public var limits: ReadLimits

    public init(
        labelMap: LabelMap = .defaults,
        format: GroundTruthFormat? = nil,
        imagesDirectory: String? = nil,
        split: String? = nil,
        yoloClassNames: [String]? = nil,
        collectUnknownLabels: Bool = false,
        allowOutsideRoot: Bool = false,
        limits: ReadLimits = .defaults
    ) {
        self.labelMap = labelMap
        self.format = format
        self.imagesDirectory = imagesDirectory
        self.split = split
        self.yoloClassNames = yoloClassNames
        self.collectUnknownLabels = collectUnknownLabels
        self.allowOutsideRoot = allowOutsideRoot
        self.limits = limits
    }
}

/// A ground truth as read: the dataset, the format it was read as, and what the reader noticed.
public struct LoadedGroundTruth: Sendable {
    public var dataset: Dataset
    public var format: GroundTruthFormat
    public var diagnostics: [Diagnostic]
    /// The COCO file as read (ids, categories), when the format is COCO: COCO results name images by id.
    public var coco: COCODataset?

    public init(
        dataset: Dataset,
        format: GroundTruthFormat,
        diagnostics: [Diagnostic] = [],
        coco: COCODataset? = nil
    ) {
        self.dataset = dataset
        self.format = format
        self.diagnostics = diagnostics
        self.coco = coco
    }
}

/// The prediction formats MaskBench reads and writes.
public enum PredictionFormat: String, Sendable, Codable, CaseIterable {
    /// CSV with header `image,x,y,width,height,faceScore,maskScore` (and optionally `label`).
    case csv
    /// JSON Lines, one face a line: `{"image", "box": [x, y, w, h], "faceScore", "maskScore"}`
    /// (optionally `"label"`).
    case jsonl
    /// COCO results JSON: a list of `{image_id, category_id, bbox, score}`; `score` is the faceScore and the
    /// predicted category gives maskScore 1 (masked) or 0.
    case cocoResults
}

/// Predictions as read.
public struct LoadedPredictions: Sendable {
    public var predictions: PredictionSet
    public var format: PredictionFormat
    public var diagnostics: [Diagnostic]

    public init(predictions: PredictionSet, format: PredictionFormat, diagnostics: [Diagnostic] = []) {
        self.predictions = predictions
        self.format = format
        self.diagnostics = diagnostics
    }
}

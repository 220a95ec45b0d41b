/// A COCO ground truth as written in the file: images, annotations and categories with their ids.
///
/// This is the raw structure a faithful COCO evaluation (``COCOEvaluator``) needs: ids, category ids, the
/// annotated `area` (which decides the small/medium/large range, not the box) and `iscrowd`. Converting it
/// to a MaskBench ``Dataset`` (labels mapped to ``FaceClass``) is the COCO reader's job.
public struct COCODataset: Sendable, Hashable {
    /// One entry of `images`.
    public struct Image: Sendable, Hashable, Codable {
        public var id: Int
        /// `file_name`: the key predictions refer to.
        public var fileName: String
        public var width: Int?
        public var height: Int?

        public init(id: Int, fileName: String, width: Int? = nil, height: Int? = nil) {
            self.id = id
            self.fileName = fileName
            self.width = width
            self.height = height
        }
    }

    /// One entry of `annotations` (only the box part; segmentations are not read).
    public struct Annotation: Sendable, Hashable, Codable {
        public var id: Int
        public var imageID: Int
        public var categoryID: Int
        /// `bbox` as `[x, y, width, height]`.
        public var bbox: Box
        /// `area` as annotated (for boxes usually `width * height`, for COCO's own data the mask area).
        public var area: Double
        /// `iscrowd`: a region of many objects; matches any number of detections and is never counted missed.
        public var isCrowd: Bool

        public init(id: Int, imageID: Int, categoryID: Int, bbox: Box, area: Double, isCrowd: Bool = false) {
            self.id = id
            self.imageID = imageID
            self.categoryID = categoryID
            self.bbox = bbox
            self.area = area
            self.isCrowd = isCrowd
        }
    }

    /// One entry of `categories`.
    public struct Category: Sendable, Hashable, Codable {
        public var id: Int
        public var name: String
        public var supercategory: String?

        public init(id: Int, name: String, supercategory: String? = nil) {
            self.id = id
            self.name = name
            self.supercategory = supercategory
        }
    }

    /// In file order.
    public var images: [Image]
    /// In file order.
    public var annotations: [Annotation]
    /// In file order.
    public var categories: [Category]

    public init(images: [Image], annotations: [Annotation], categories: [Category]) {
        self.images = images
        self.annotations = annotations
        self.categories = categories
    }
}

/// One detection of a COCO results file: `{image_id, category_id, bbox, score}`.
public struct COCODetection: Sendable, Hashable, Codable {
    public var imageID: Int
    public var categoryID: Int
    /// `bbox` as `[x, y, width, height]`.
    public var bbox: Box
    /// Detector confidence; detections are ranked by it.
    public var score: Double

    public init(imageID: Int, categoryID: Int, bbox: Box, score: Double) {
        self.imageID = imageID
        self.categoryID = categoryID
        self.bbox = bbox
        self.score = score
    }

    /// `width * height`, as pycocotools' `loadRes` sets it; decides the area range of an unmatched detection.
    @inlinable
    public var area: Double { bbox.width * bbox.height }
}

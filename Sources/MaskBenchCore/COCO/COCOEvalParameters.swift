/// The settings of a COCO bbox evaluation: pycocotools' `Params(iouType='bbox')`.
///
/// The defaults are pycocotools' to the bit: ten IoU thresholds built like
/// `np.linspace(.5, .95, int(np.round((.95 - .5) / .05)) + 1)`, 101 recall thresholds
/// `np.linspace(.0, 1.00, 101)`, the area ranges all / small (< 32²) / medium (32²–96²) / large (> 96²)
/// on the ground truth's `area` field, at most 1, 10 and 100 detections per image, categories evaluated
/// separately.
public struct COCOEvalParameters: Sendable, Hashable, Codable {
    /// An area range with its label (`all`, `small`, `medium`, `large`); both bounds are inclusive, as in
    /// pycocotools (`area < lower or area > upper` is outside).
    public struct AreaRange: Sendable, Hashable, Codable {
        public var label: String
        public var lower: Double
        public var upper: Double

        public init(label: String, lower: Double, upper: Double) {
            self.label = label
            self.lower = lower
            self.upper = upper
        }

        /// Whether `area` lies outside the range.
        @inlinable
        public func excludes(_ area: Double) -> Bool {
            area < lower || area > upper
        }
    }

    /// A detection matches a ground truth when IoU ≥ the threshold (capped at `1 - 1e-10`).
    public var iouThresholds: [Double]
    /// The recall levels where precision is sampled.
    public var recallThresholds: [Double]
    public var areaRanges: [AreaRange]
    /// Detections per image kept, highest score first; sorted ascending before evaluation, as pycocotools does.
    public var maxDetections: [Int]
    /// When false, categories are ignored (every detection may match every ground truth), as in proposal scoring.
    public var useCategories: Bool
    /// Images to evaluate; `nil` means every image of the ground truth.
    public var imageIDs: [Int]?
    /// Categories to evaluate; `nil` means every category of the ground truth.
    public var categoryIDs: [Int]?

    public init(
        iouThresholds: [Double] = Self.defaultIoUThresholds,
        recallThresholds: [Double] = Self.defaultRecallThresholds,
        areaRanges: [AreaRange] = Self.defaultAreaRanges,
        maxDetections: [Int] = [1, 10, 100],
        useCategories: Bool = true,
        imageIDs: [Int]? = nil,
        categoryIDs: [Int]? = nil
    ) {
        self.iouThresholds = iouThresholds
        self.recallThresholds = recallThresholds
        self.areaRanges = areaRanges
        self.maxDetections = maxDetections
        self.useCategories = useCategories
        self.imageIDs = imageIDs
        self.categoryIDs = categoryIDs
    }

    /// `.50:.05:.95`, bit for bit as numpy builds it (so `0.75` is found by exact comparison).
    public static let defaultIoUThresholds = linspace(0.5, 0.95, count: 10)
    /// `0:.01:1`, bit for bit as numpy builds it.
    public static let defaultRecallThresholds = linspace(0, 1, count: 101)
    /// all `[0, 1e5²]`, small `[0, 32²]`, medium `[32², 96²]`, large `[96², 1e5²]`.
    public static let defaultAreaRanges = [
        AreaRange(label: "all", lower: 0, upper: 1e10),
        AreaRange(label: "small", lower: 0, upper: 1024),
        AreaRange(label: "medium", lower: 1024, upper: 9216),
        AreaRange(label: "large", lower: 9216, upper: 1e10),
    ]

    /// `numpy.linspace(start, stop, count)` to the bit: `i * ((stop - start) / (count - 1)) + start`, the last
    /// value exactly `stop`.
    public static func linspace(_ start: Double, _ stop: Double, count: Int) -> [Double] {
        guard count > 1 else { return count == 1 ? [start] : [] }
        let step = (stop - start) / Double(count - 1)
        return (0..<count).map { $0 == count - 1 ? stop : Double($0) * step + start }
    }
}

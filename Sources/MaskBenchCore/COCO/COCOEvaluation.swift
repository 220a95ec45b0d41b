/// The accumulated result of a COCO evaluation: pycocotools' `eval` dictionary and `summarize()`.
///
/// Arrays are flat in C order, as numpy stores them: `precision` and `scores` are
/// `[T × R × K × A × M]` (IoU threshold, recall threshold, category, area range, max detections) and
/// `recall` is `[T × K × A × M]`. A value is -1 where the category has no non-ignored ground truth in that
/// area range; precision is 0 at recall levels the detections never reach.
public struct COCOEvaluation: Sendable, Hashable {
    /// The sizes of the five dimensions.
    public struct Shape: Sendable, Hashable, Codable {
        public var iouThresholds: Int
        public var recallThresholds: Int
        public var categories: Int
        public var areaRanges: Int
        public var maxDetections: Int

        public init(iouThresholds: Int, recallThresholds: Int, categories: Int, areaRanges: Int, maxDetections: Int) {
            self.iouThresholds = iouThresholds
            self.recallThresholds = recallThresholds
            self.categories = categories
            self.areaRanges = areaRanges
            self.maxDetections = maxDetections
        }

        var precisionCount: Int { iouThresholds * recallThresholds * categories * areaRanges * maxDetections }
        var recallCount: Int { iouThresholds * categories * areaRanges * maxDetections }

        @inlinable
        func precisionIndex(_ t: Int, _ r: Int, _ k: Int, _ a: Int, _ m: Int) -> Int {
            (((t * recallThresholds + r) * categories + k) * areaRanges + a) * maxDetections + m
        }

        @inlinable
        func recallIndex(_ t: Int, _ k: Int, _ a: Int, _ m: Int) -> Int {
            ((t * categories + k) * areaRanges + a) * maxDetections + m
        }
    }

    /// The parameters as evaluated: image and category ids resolved and sorted, `maxDetections` sorted.
    public var parameters: COCOEvalParameters
    /// The category of each index of the category dimension; `[-1]` when categories were ignored.
    public var categoryIDs: [Int]
    public var shape: Shape
    /// `[T × R × K × A × M]`, C order.
    public var precision: [Double]
    /// `[T × K × A × M]`, C order: the recall after the last detection.
    public var recall: [Double]
    /// `[T × R × K × A × M]`, C order: the score of the detection where each recall level is reached.
    public var scores: [Double]

    public init(
        parameters: COCOEvalParameters,
        categoryIDs: [Int],
        shape: Shape,
        precision: [Double],
        recall: [Double],
        scores: [Double]
    ) {
        self.parameters = parameters
        self.categoryIDs = categoryIDs
        self.shape = shape
        self.precision = precision
        self.recall = recall
        self.scores = scores
    }

    /// One precision value (-1 when undefined).
    public func precision(iou t: Int, recall r: Int, category k: Int, area a: Int, maxDetections m: Int) -> Double {
        precision[shape.precisionIndex(t, r, k, a, m)]
    }

    /// One recall value (-1 when undefined).
    public func recall(iou t: Int, category k: Int, area a: Int, maxDetections m: Int) -> Double {
        recall[shape.recallIndex(t, k, a, m)]
    }

    // MARK: - Summaries

    /// pycocotools' `_summarize`: the mean of the defined (> -1) precision values (`averagePrecision`) or
    /// recall values over the IoU thresholds (or only those equal to `iouThreshold`), the recall levels and
    /// the categories (or only `categoryID`), for the area ranges labelled `area` and the `maxDetections`
    /// setting; -1 when nothing is defined.
    ///
    /// IoU thresholds are found by exact comparison, as `np.where(iouThr == p.iouThrs)` does, which works
    /// for 0.5 and 0.75 because the default thresholds are built bit for bit as numpy builds them. The mean
    /// sums in numpy's order (C order, pairwise summation), so it equals `np.mean(s[s > -1])` to the bit.
    public func summarize(
        averagePrecision: Bool,
        iouThreshold: Double? = nil,
        area: String = "all",
        maxDetections: Int = 100,
        categoryID: Int? = nil
    ) -> Double {
        let ts = (0..<shape.iouThresholds).filter {
            iouThreshold == nil || parameters.iouThresholds[$0] == iouThreshold
        }
        let ks = (0..<shape.categories).filter { categoryID == nil || categoryIDs[$0] == categoryID }
        let areas = parameters.areaRanges.indices.filter { parameters.areaRanges[$0].label == area }
        let maxes = parameters.maxDetections.indices.filter { parameters.maxDetections[$0] == maxDetections }
        // numpy indexes `s[:, :, :, aind, mind]` with two index lists, which pair up (broadcast).
        let pairs: [(Int, Int)]
        if areas.count == maxes.count {
            pairs = Array(zip(areas, maxes))
        } else if areas.count == 1 {
            pairs = maxes.map { (areas[0], $0) }
        } else if maxes.count == 1 {
            pairs = areas.map { ($0, maxes[0]) }
        } else {
            return -1
        }
        var values: [Double] = []
        if averagePrecision {
            for t in ts {
                for r in 0..<shape.recallThresholds {
                    for k in ks {
                        for (a, m) in pairs {
                            let v = precision[shape.precisionIndex(t, r, k, a, m)]
                            if v > -1 { values.append(v) }
                        }
                    }
                }
            }
        } else {
            for t in ts {
                for k in ks {
                    for (a, m) in pairs {
                        let v = recall[shape.recallIndex(t, k, a, m)]
                        if v > -1 { values.append(v) }
                    }
                }
            }
        }
        guard !values.isEmpty else { return -1 }
        return pairwiseSum(values) / Double(values.count)
    }

    /// The twelve numbers pycocotools' `summarize()` prints for boxes.
    ///
    /// They use the first, second and third of the sorted ``COCOEvalParameters/maxDetections``; where a
    /// setting is missing (fewer than three values) the number is -1 (pycocotools would raise).
    public var summary: COCOSummary {
        let maxDets = parameters.maxDetections
        func value(_ ap: Bool, _ iou: Double? = nil, _ area: String = "all", _ m: Int) -> Double {
            guard m < maxDets.count else { return -1 }
            return summarize(averagePrecision: ap, iouThreshold: iou, area: area, maxDetections: maxDets[m])
        }
        return COCOSummary(stats: [
            value(true, nil, "all", 2),
            value(true, 0.5, "all", 2),
            value(true, 0.75, "all", 2),
            value(true, nil, "small", 2),
            value(true, nil, "medium", 2),
            value(true, nil, "large", 2),
            value(false, nil, "all", 0),
            value(false, nil, "all", 1),
            value(false, nil, "all", 2),
            value(false, nil, "small", 2),
            value(false, nil, "medium", 2),
            value(false, nil, "large", 2),
        ])
    }
}

/// pycocotools' twelve summary numbers for boxes, -1 where undefined.
public struct COCOSummary: Sendable, Hashable, Codable {
    /// In pycocotools' order: AP, AP50, AP75, APsmall, APmedium, APlarge, AR1, AR10, AR100, ARsmall,
    /// ARmedium, ARlarge.
    public var stats: [Double]

    public init(stats: [Double]) {
        precondition(stats.count == 12, "pycocotools reports 12 numbers")
        self.stats = stats
    }

    /// AP at IoU .50:.05:.95, all areas, 100 detections.
    public var averagePrecision: Double { stats[0] }
    /// AP at IoU 0.5.
    public var averagePrecision50: Double { stats[1] }
    /// AP at IoU 0.75.
    public var averagePrecision75: Double { stats[2] }
    public var averagePrecisionSmall: Double { stats[3] }
    public var averagePrecisionMedium: Double { stats[4] }
    public var averagePrecisionLarge: Double { stats[5] }
    /// AR with at most 1 detection per image.
    public var averageRecall1: Double { stats[6] }
    public var averageRecall10: Double { stats[7] }
    public var averageRecall100: Double { stats[8] }
    public var averageRecallSmall: Double { stats[9] }
    public var averageRecallMedium: Double { stats[10] }
    public var averageRecallLarge: Double { stats[11] }

    /// pycocotools' labels for the twelve numbers, in order.
    public static let labels = [
        "AP", "AP50", "AP75", "APsmall", "APmedium", "APlarge",
        "AR1", "AR10", "AR100", "ARsmall", "ARmedium", "ARlarge",
    ]
}

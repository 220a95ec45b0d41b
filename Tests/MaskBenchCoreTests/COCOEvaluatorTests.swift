import MaskBenchCore
import MaskBenchTestSupport
import Testing

/// Hand-made cases for the pycocotools rules ``COCOEvaluator`` ports; the peer vectors and the synthetic
/// 5k set (in MaskBenchFormatsTests, which can read JSON) check the numbers at scale.
@Suite struct COCOEvaluatorTests {
    // MARK: - Helpers

    private static func box(_ x: Double, _ y: Double, _ w: Double, _ h: Double) -> Box {
        Box(x: x, y: y, width: w, height: h)
    }

    /// One image (id 1), one category (id 1, "face") unless the annotations name others.
    private static func dataset(_ annotations: [COCODataset.Annotation], categories: [Int] = [1]) -> COCODataset {
        COCODataset(
            images: [COCODataset.Image(id: 1, fileName: "a.png")],
            annotations: annotations,
            categories: categories.map { COCODataset.Category(id: $0, name: "c\($0)") }
        )
    }

    private static func gt(
        _ id: Int, _ b: Box, area: Double? = nil, crowd: Bool = false, category: Int = 1
    ) -> COCODataset.Annotation {
        COCODataset.Annotation(
            id: id, imageID: 1, categoryID: category, bbox: b, area: area ?? b.width * b.height, isCrowd: crowd)
    }

    /// Precision is `tp / (tp + fp + ε)` as in pycocotools, so a perfect score is `1 / (1 + ε)`, not 1.
    private static func expectOne(_ value: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(value.isClose(to: 1, absolute: 1e-15, relative: 0), "\(value)", sourceLocation: sourceLocation)
    }

    private static func dt(_ b: Box, _ score: Double, category: Int = 1, image: Int = 1) -> COCODetection {
        COCODetection(imageID: image, categoryID: category, bbox: b, score: score)
    }

    // MARK: - Parameters

    @Test func defaultThresholdsAreNumpysBitForBit() {
        // np.linspace(.5, 0.95, 10) and the hex values numpy 2.4 prints for it.
        let expected: [Double] = [
            0x1.0000000000000p-1, 0x1.199999999999ap-1, 0x1.3333333333333p-1, 0x1.4cccccccccccdp-1,
            0x1.6666666666666p-1, 0x1.8000000000000p-1, 0x1.999999999999ap-1, 0x1.b333333333333p-1,
            0x1.cccccccccccccp-1, 0x1.e666666666666p-1,
        ]
        #expect(COCOEvalParameters.defaultIoUThresholds == expected)
        #expect(COCOEvalParameters.defaultIoUThresholds[5] == 0.75)
        #expect(COCOEvalParameters.defaultRecallThresholds.count == 101)
        #expect(COCOEvalParameters.defaultRecallThresholds[1] == 0.01)
        #expect(COCOEvalParameters.defaultRecallThresholds.last == 1)
    }

    // MARK: - Matching rules

    @Test func perfectDetectionGivesOneEverywhereDefined() {
        let gts = Self.dataset([Self.gt(1, Self.box(0, 0, 50, 50))])
        let result = COCOEvaluator().evaluate(groundTruth: gts, detections: [Self.dt(Self.box(0, 0, 50, 50), 0.9)])
        let stats = result.summary.stats
        // 2500 px² is medium: small and large have no ground truth.
        let expected: [Double] = [1, 1, 1, -1, 1, -1, 1, 1, 1, -1, 1, -1]
        #expect(zip(stats, expected).allSatisfy { $0.isClose(to: $1, absolute: 1e-15, relative: 0) }, "\(stats)")
    }

    @Test func groundTruthWithIdZeroMatchesLikeAnyOther() {
        // pycocotools stores the matched ground truth's id and reads 0 as "unmatched"; we match by index.
        let gts = Self.dataset([Self.gt(0, Self.box(0, 0, 50, 50))])
        let result = COCOEvaluator().evaluate(groundTruth: gts, detections: [Self.dt(Self.box(0, 0, 50, 50), 0.9)])
        Self.expectOne(result.summary.averagePrecision)
    }

    @Test func equalIoUGoesToTheLaterGroundTruth() {
        // det 1 overlaps A and B by exactly 1/3; taking B (the later one, pycocotools' `<` running best)
        // leaves A for det 2, so both are true positives. Taking A would make det 2 a false positive.
        let a = Self.box(0, 0, 10, 10)
        let b = Self.box(10, 0, 10, 10)
        let gts = Self.dataset([Self.gt(1, a), Self.gt(2, b)])
        let dets = [Self.dt(Self.box(5, 0, 10, 10), 0.9), Self.dt(a, 0.8)]
        var parameters = COCOEvalParameters()
        parameters.iouThresholds = [0.3]
        let result = COCOEvaluator(parameters: parameters).evaluate(groundTruth: gts, detections: dets)
        #expect(result.summarize(averagePrecision: true, maxDetections: 100) == 1)
        #expect(result.summarize(averagePrecision: false, maxDetections: 100) == 1)
    }

    @Test func crowdRegionAbsorbsDetectionsWithoutFalsePositives() {
        // Three detections inside a crowd region: IoU with a crowd is intersection / area(detection) = 1,
        // the crowd may match them all, and detections matched to it are ignored.
        let gts = Self.dataset([
            Self.gt(1, Self.box(0, 0, 40, 40)),
            Self.gt(2, Self.box(100, 100, 50, 50), crowd: true),
        ])
        let dets = [
            Self.dt(Self.box(100, 100, 10, 10), 0.95),
            Self.dt(Self.box(120, 120, 10, 10), 0.94),
            Self.dt(Self.box(130, 100, 10, 10), 0.93),
            Self.dt(Self.box(0, 0, 40, 40), 0.5),
        ]
        let result = COCOEvaluator().evaluate(groundTruth: gts, detections: dets)
        Self.expectOne(result.summary.averagePrecision)
        #expect(result.summary.averageRecall100 == 1)
    }

    @Test func areaRangeUsesTheAnnotatedAreaAndIgnoresOutsideDetections() {
        // The ground truth's annotated area (500, small) decides its range, not its 40×40 box. An unmatched
        // detection of 10,000 px² (large) is a false positive for "all" but ignored for "small".
        let gts = Self.dataset([Self.gt(1, Self.box(0, 0, 40, 40), area: 500)])
        let dets = [Self.dt(Self.box(200, 200, 100, 100), 0.9), Self.dt(Self.box(0, 0, 40, 40), 0.8)]
        let summary = COCOEvaluator().evaluate(groundTruth: gts, detections: dets).summary
        // "all": precision [0, 1/2] made monotone → 1/2 at every recall level.
        #expect(summary.averagePrecision.isClose(to: 0.5))
        Self.expectOne(summary.averagePrecisionSmall)
        #expect(summary.averagePrecisionMedium == -1)
        #expect(summary.averagePrecisionLarge == -1)
    }

    @Test func maxDetectionsKeepsTheBestPerImage() {
        let gts = Self.dataset([Self.gt(1, Self.box(0, 0, 40, 40)), Self.gt(2, Self.box(100, 0, 40, 40))])
        let dets = [Self.dt(Self.box(100, 0, 40, 40), 0.6), Self.dt(Self.box(0, 0, 40, 40), 0.7)]
        let summary = COCOEvaluator().evaluate(groundTruth: gts, detections: dets).summary
        #expect(summary.averageRecall1 == 0.5)
        #expect(summary.averageRecall10 == 1)
        Self.expectOne(summary.averagePrecision)
    }

    @Test func ignoringCategoriesLetsAnyCategoryMatch() {
        let gts = Self.dataset([Self.gt(1, Self.box(0, 0, 40, 40), category: 1)], categories: [1, 2])
        let dets = [Self.dt(Self.box(0, 0, 40, 40), 0.9, category: 2)]
        #expect(COCOEvaluator().evaluate(groundTruth: gts, detections: dets).summary.averagePrecision == 0)
        var parameters = COCOEvalParameters()
        parameters.useCategories = false
        let agnostic = COCOEvaluator(parameters: parameters).evaluate(groundTruth: gts, detections: dets)
        #expect(agnostic.categoryIDs == [-1])
        Self.expectOne(agnostic.summary.averagePrecision)
    }

    @Test func categoryWithoutGroundTruthStaysUndefined() {
        // Category 2 has detections but no ground truth: -1, left out of the means.
        let gts = Self.dataset([Self.gt(1, Self.box(0, 0, 40, 40))], categories: [1, 2])
        let dets = [Self.dt(Self.box(0, 0, 40, 40), 0.9), Self.dt(Self.box(50, 50, 10, 10), 0.95, category: 2)]
        let result = COCOEvaluator().evaluate(groundTruth: gts, detections: dets)
        #expect(result.precision(iou: 0, recall: 0, category: 1, area: 0, maxDetections: 2) == -1)
        Self.expectOne(result.summary.averagePrecision)
        #expect(result.summarize(averagePrecision: true, categoryID: 2) == -1)
    }

    @Test func noGroundTruthGivesMinusOneEverywhere() {
        let gts = COCODataset(images: [COCODataset.Image(id: 1, fileName: "a.png")], annotations: [], categories: [])
        let result = COCOEvaluator().evaluate(groundTruth: gts, detections: [])
        #expect(result.summary.stats == Array(repeating: -1, count: 12))
    }

    @Test func detectionsOfOtherImagesTakeNoPart() {
        let gts = Self.dataset([Self.gt(1, Self.box(0, 0, 40, 40))])
        let dets = [Self.dt(Self.box(0, 0, 40, 40), 0.9), Self.dt(Self.box(0, 0, 40, 40), 0.99, image: 2)]
        Self.expectOne(COCOEvaluator().evaluate(groundTruth: gts, detections: dets).summary.averagePrecision)
    }

    @Test func missingMaxDetectionSettingsGiveMinusOne() {
        var parameters = COCOEvalParameters()
        parameters.maxDetections = [100]
        let gts = Self.dataset([Self.gt(1, Self.box(0, 0, 40, 40))])
        let result = COCOEvaluator(parameters: parameters).evaluate(
            groundTruth: gts,
            detections: [Self.dt(Self.box(0, 0, 40, 40), 0.9)]
        )
        #expect(result.summary.averagePrecision == -1)  // needs maxDetections[2]
        Self.expectOne(result.summarize(averagePrecision: true, iouThreshold: 0.5, maxDetections: 100))
    }
}

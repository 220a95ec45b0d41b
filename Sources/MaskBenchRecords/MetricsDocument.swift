public import MaskBenchCore

/// `metrics.json`: the versioned public record of an evaluation that CI scripts read.
///
/// Field names and nesting are a contract: a change that removes or renames a field bumps
/// ``currentSchemaVersion`` and is noted in the README. Rates are objects `{value, low, high, count, total}`
/// (95% Wilson interval); AUC and AP carry bootstrap intervals; a number that is undefined (a rate over no
/// faces, an AUC without both classes) is `null`.
public struct MetricsDocument: Sendable, Hashable, Codable {
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var tool: Tool
    public var inputs: Inputs
    public var settings: EvaluationSettings
    public var dataset: DatasetSummary
    public var predictions: PredictionSummary
    public var detector: Detector
    public var pipeline: Pipeline
    public var classifier: Classifier
    /// The detector × classifier threshold grid of `maskbench sweep`; absent from `evaluate`'s documents.
    public var operatingPoints: OperatingPoints? = nil
    /// How the AUC and AP intervals were computed (Wilson intervals of rates need no statement); absent from
    /// files written before it was added.
    public var intervalMethod: IntervalMethod? = nil
    /// How `maskbench run` got the predictions: the pipeline, and the images that failed with their reasons
    /// (those are left out of every number). Absent for `maskbench evaluate`.
    public var run: RunSummary? = nil

    public struct Tool: Sendable, Hashable, Codable {
        public var name: String
        public var version: String
    }

    public struct Inputs: Sendable, Hashable, Codable {
        public var groundTruth: String
        public var groundTruthFormat: String
        public var predictions: String
        public var predictionsFormat: String
        @NullEncoded public var images: String?
        /// The `--label` entries added to the built-in label map, raw spelling → class (`masked`, `unmasked`,
        /// `incorrect`); absent when there were none. The gate compares the label maps as settings.
        public var labels: [String: String]?

        public init(
            groundTruth: String,
            groundTruthFormat: String,
            predictions: String,
            predictionsFormat: String,
            images: String?,
            labels: [String: String]? = nil
        ) {
            self.groundTruth = groundTruth
            self.groundTruthFormat = groundTruthFormat
            self.predictions = predictions
            self.predictionsFormat = predictionsFormat
            self.images = images
            self.labels = labels
        }
    }

    public struct DatasetSummary: Sendable, Hashable, Codable {
        /// ``MaskBenchCore/Dataset/fingerprint()``: `sha256:` of the images and faces as evaluated.
        public var fingerprint: String
        public var images: Int
        /// As annotated, before `incorrectAs` is applied.
        public var faces: FaceCounts
    }

    public struct FaceCounts: Sendable, Hashable, Codable {
        /// Faces to find, by annotated label; ignore regions are apart (unless `--ignore-regions count`).
        public var masked: Int
        public var unmasked: Int
        public var incorrect: Int
        public var total: Int
        /// Ignore regions (COCO crowd regions, VOC difficult faces): not faces to find. Absent in documents
        /// written before ignore regions existed.
        public var ignored: Int? = nil
    }

    public struct PredictionSummary: Sendable, Hashable, Codable {
        /// Predictions that took part (faceScore at or above `minFaceScore`).
        public var total: Int
    }

    public struct Interval: Sendable, Hashable, Codable {
        @NullEncoded public var low: Double?
        @NullEncoded public var high: Double?
    }

    public struct AP: Sendable, Hashable, Codable {
        @NullEncoded public var voc: Double?
        @NullEncoded public var elevenPoint: Double?
        @NullEncoded public var coco: Double?
        /// pycocotools' AP over IoU 0.50:0.05:0.95 and at 0.75 (`null` in older documents).
        @NullEncoded public var coco50to95: Double?
        @NullEncoded public var coco75: Double?

        public init(
            voc: Double? = nil, elevenPoint: Double? = nil, coco: Double? = nil, coco50to95: Double? = nil,
            coco75: Double? = nil
        ) {
            self.voc = voc
            self.elevenPoint = elevenPoint
            self.coco = coco
            self.coco50to95 = coco50to95
            self.coco75 = coco75
        }
    }

    public struct DetectorAP: Sendable, Hashable, Codable {
        /// Class-agnostic (a face is a face), VOC every-point.
        @NullEncoded public var voc: Double?
        @NullEncoded public var elevenPoint: Double?
        /// Class-agnostic, pycocotools' 101-point.
        @NullEncoded public var coco: Double?
        public var vocInterval: Interval
        /// Absent in documents written before it was computed.
        public var elevenPointInterval: Interval? = nil
        public var cocoInterval: Interval
        /// pycocotools' headline AP, class-agnostic: the 101-point AP averaged over IoU 0.50:0.05:0.95.
        @NullEncoded public var coco50to95: Double? = nil
        /// The class-agnostic 101-point AP at IoU 0.75.
        @NullEncoded public var coco75: Double? = nil
        /// Class-aware: a prediction belongs to the class it is called at the threshold.
        public var perClass: [String: AP]
        /// The mean over classes with faces, as pycocotools' summary reports it.
        public var meanOverClasses: AP
    }

    public struct Detector: Sendable, Hashable, Codable {
        public var truePositives: Int
        public var falsePositives: Int
        public var falseNegatives: Int
        /// Detections matched to an ignore region: neither true nor false positives (absent in older
        /// documents).
        public var ignoredDetections: Int? = nil
        public var precision: Rate
        public var recall: Rate
        /// Faces not found, by the class they are evaluated as.
        public var missed: [String: Int]
        public var ap: DetectorAP
        /// Interpolated precision at recall `0, 0.01, …, 1`.
        public var precisionAtRecall: [Double]
        public var froc: [FROCPoint]
        @NullEncoded public var logAverageMissRate: Double?
    }

    public struct Curve: Sendable, Hashable, Codable {
        @NullEncoded public var auc: Double?
        public var aucInterval: Interval
        public var falsePositiveRates: [Double]
        public var truePositiveRates: [Double]
        /// The first is `null`: +∞, as scikit-learn's `roc_curve` gives.
        public var thresholds: [Double?]

        init(_ roc: ROCCurve?, _ auc: Estimate) {
            self.auc = auc.value
            aucInterval = Interval(low: auc.low, high: auc.high)
            falsePositiveRates = roc?.falsePositiveRates ?? []
            truePositiveRates = roc?.truePositiveRates ?? []
            thresholds = roc?.thresholds.map { $0.isFinite ? $0 : nil } ?? []
        }
    }

    public struct ExtraDetections: Sendable, Hashable, Codable {
        public var total: Int
        /// False alarms: extra detections called anything but masked.
        public var calledUnmasked: Int
        public var byCall: [String: Int]
    }

    public struct Pipeline: Sendable, Hashable, Codable {
        public var threshold: Double
        public var tnr: Rate
        public var fnr: Rate
        public var outcomes: [String: ClassOutcome]
        public var extraDetections: ExtraDetections
        public var roc: Curve
        public var sweep: SweepTable
    }

    public struct ClassifierOnFaces: Sendable, Hashable, Codable {
        public var faces: Int
        public var accuracy: Rate
        @NullEncoded public var auc: Double?
        public var aucInterval: Interval
        /// `confusion[truth][call]`.
        public var confusion: [String: [String: Int]]
        public var roc: Curve
    }

    /// What `maskbench sweep` found: the grid's Pareto front over TNR and FNR and the point each target picks.
    public struct OperatingPoints: Sendable, Hashable, Codable {
        /// The detector confidence thresholds of the grid's rows; its columns are every distinct maskScore.
        public var detectorThresholds: [Double]
        /// Points in the grid.
        public var gridPoints: Int
        /// Points on the front (`sweep.csv` lists them all).
        public var frontSize: Int
        /// The front by FNR ascending; evenly thinned to at most ``maxFrontPoints`` (ends kept) when longer.
        public var front: [OperatingPoint]
        /// Each `--target` and the point it picked (`null` when no point meets it).
        public var targets: [TargetChoice]

        /// The most front points metrics.json holds.
        public static let maxFrontPoints = 1000

        /// A target and the point it picked.
        public struct TargetChoice: Sendable, Hashable, Codable {
            /// As typed: `fnr<=0.05,falseAlarms<=20` (conditions that must all hold).
            public var target: String
            @NullEncoded public var point: OperatingPoint?

            public init(target: String, point: OperatingPoint?) {
                self.target = target
                self.point = point
            }
        }

        /// The record of `grid` and `targets`, with the front computed once by the caller.
        ///
        /// - Parameter targets: each `--target` as typed, with its conditions; the point picked meets them all.
        public init(
            _ grid: ThresholdGrid, front: [OperatingPoint], targets: [(text: String, conditions: [SweepTarget])]
        ) {
            detectorThresholds = grid.detectorThresholds
            gridPoints = grid.count
            frontSize = front.count
            if front.count > Self.maxFrontPoints {
                let last = front.count - 1
                self.front = (0..<Self.maxFrontPoints).map { front[$0 * last / (Self.maxFrontPoints - 1)] }
            } else {
                self.front = front
            }
            self.targets = targets.map { TargetChoice(target: $0.text, point: grid.best(meeting: $0.conditions)) }
        }
    }

    public struct RunSummary: Sendable, Hashable, Codable {
        /// One image the pipeline failed on.
        public struct Failure: Sendable, Hashable, Codable {
            public var image: String
            public var reason: String

            public init(image: String, reason: String) {
                self.image = image
                self.reason = reason
            }
        }

        /// The pipeline's name and fingerprint (what cached results are keyed by).
        public var pipeline: String
        public var pipelineFingerprint: String
        /// Images in the ground truth; computed on this run, taken from the cache, failed.
        public var images: Int
        public var computed: Int
        public var cached: Int
        public var failed: Int
        /// The failed images in ground-truth order.
        public var failures: [Failure]
        /// The model files a built-in pipeline read, with their SHA-256 (absent for an external worker).
        public var models: [ModelFile]?

        public init(
            pipeline: String, pipelineFingerprint: String, images: Int, computed: Int, cached: Int,
            failures: [Failure], models: [ModelFile]? = nil
        ) {
            self.pipeline = pipeline
            self.pipelineFingerprint = pipelineFingerprint
            self.images = images
            self.computed = computed
            self.cached = cached
            self.failed = failures.count
            self.failures = failures
            self.models = models
        }
    }

    public struct Classifier: Sendable, Hashable, Codable {
        /// The classifier on the faces the detector found (matched detections).
        public var matched: ClassifierOnFaces
        /// The classifier on ground-truth crops, independent of the detector; only runs that classify the
        /// crops themselves have it (absent from the file otherwise, so older files still decode).
        public var groundTruthCrops: ClassifierOnFaces? = nil
    }
}

extension MetricsDocument.ClassifierOnFaces {
    /// The numbers of a classifier from its `confusion[truth, call]` and ROC (the ground-truth crops).
    public init(accuracy: Rate, confusion: ConfusionMatrix, roc: ROCCurve?, auc: Estimate) {
        var table: [String: [String: Int]] = [:]
        for truth in confusion.classes {
            table[truth.rawValue] = Dictionary(
                uniqueKeysWithValues: confusion.classes.map { ($0.rawValue, confusion[truth, $0]) })
        }
        self.init(
            faces: confusion.total,
            accuracy: accuracy,
            auc: auc.value,
            aucInterval: MetricsDocument.Interval(low: auc.low, high: auc.high),
            confusion: table,
            roc: MetricsDocument.Curve(roc, auc)
        )
    }
}

extension MetricsDocument {
    /// The document for `evaluation`.
    public init(_ evaluation: Evaluation, inputs: Inputs, version: String, datasetFingerprint: String) {
        let counts = evaluation.annotatedFaces
        let names: (FaceClass) -> String = { $0.rawValue }
        let detector = evaluation.detector
        let pipeline = evaluation.pipeline
        let classifier = evaluation.matchedClassifier
        let classes = evaluation.settings.incorrectAs.classes
        func ap(_ s: APSummary) -> AP {
            AP(voc: s.voc, elevenPoint: s.elevenPoint, coco: s.coco, coco50to95: s.coco50to95, coco75: s.coco75)
        }
        func byClass<V>(_ d: [FaceClass: V], _ zero: V) -> [String: V] {
            Dictionary(uniqueKeysWithValues: classes.map { (names($0), d[$0] ?? zero) })
        }
        var confusion: [String: [String: Int]] = [:]
        for truth in classes {
            confusion[truth.rawValue] = Dictionary(
                uniqueKeysWithValues: classes.map { ($0.rawValue, classifier.confusion[truth, $0]) }
            )
        }
        self.init(
            schemaVersion: Self.currentSchemaVersion,
            tool: Tool(name: "maskbench", version: version),
            inputs: inputs,
            settings: evaluation.settings,
            dataset: DatasetSummary(
                fingerprint: datasetFingerprint,
                images: evaluation.images,
                faces: FaceCounts(
                    masked: counts[.masked] ?? 0,
                    unmasked: counts[.unmasked] ?? 0,
                    incorrect: counts[.incorrect] ?? 0,
                    total: counts.values.reduce(0, +),
                    ignored: evaluation.ignoredRegions
                )
            ),
            predictions: PredictionSummary(total: evaluation.predictions),
            detector: Detector(
                truePositives: detector.truePositives,
                falsePositives: detector.falsePositives,
                falseNegatives: detector.falseNegatives,
                ignoredDetections: detector.ignoredDetections,
                precision: detector.precision,
                recall: detector.recall,
                missed: byClass(detector.missed, 0),
                ap: DetectorAP(
                    voc: detector.ap.voc,
                    elevenPoint: detector.ap.elevenPoint,
                    coco: detector.ap.coco,
                    vocInterval: Interval(low: detector.apVOCInterval.low, high: detector.apVOCInterval.high),
                    elevenPointInterval: Interval(
                        low: detector.apElevenPointInterval.low, high: detector.apElevenPointInterval.high),
                    cocoInterval: Interval(low: detector.apCOCOInterval.low, high: detector.apCOCOInterval.high),
                    coco50to95: detector.ap.coco50to95,
                    coco75: detector.ap.coco75,
                    perClass: byClass(detector.apPerClass.mapValues(ap), AP()),
                    meanOverClasses: ap(detector.apMeanOverClasses)
                ),
                precisionAtRecall: detector.precisionAtRecall,
                froc: detector.froc,
                logAverageMissRate: detector.logAverageMissRate
            ),
            pipeline: Pipeline(
                threshold: pipeline.threshold,
                tnr: pipeline.tnr,
                fnr: pipeline.fnr,
                outcomes: byClass(pipeline.outcomes, ClassOutcome(groundTruth: 0, correct: 0, wrong: 0, missed: 0)),
                extraDetections: ExtraDetections(
                    total: pipeline.extraDetections,
                    calledUnmasked: pipeline.falseAlarms,
                    byCall: byClass(pipeline.extraDetectionsByCall, 0)
                ),
                roc: Curve(pipeline.roc, pipeline.auc),
                sweep: pipeline.sweep
            ),
            classifier: Classifier(
                matched: ClassifierOnFaces(
                    faces: classifier.confusion.total,
                    accuracy: classifier.accuracy,
                    auc: classifier.auc.value,
                    aucInterval: Interval(low: classifier.auc.low, high: classifier.auc.high),
                    confusion: confusion,
                    roc: Curve(classifier.roc, classifier.auc)
                )
            )
        )
        intervalMethod = evaluation.settings.bootstrap.method(imageCount: evaluation.images)
    }
}

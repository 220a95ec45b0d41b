import Foundation
internal import MaskBenchCore
internal import MaskBenchImaging
internal import Yams

/// A native pipeline described by a YAML or JSON file (JSON is YAML), for `maskbench run --config FILE`; see
/// ``help`` for every key. Paths are relative to the file's folder.
///
/// The file is decoded into typed values and checked as it is read: a misspelt key, a value of the wrong type
/// or out of range is a ``ConfigurationError`` naming the file, the line and the key, never silently ignored.
package struct PipelineConfiguration: Sendable, Hashable, Decodable {
    /// The name reports give the pipeline.
    package var name: String?
    /// A built-in pipeline to start from (its detector).
    package var pipeline: String?
    /// The face detector.
    package var detector: DetectorConfiguration?
    /// Faces the detector is less confident of are dropped (the same as `detector.confidence`).
    package var detectorConfidence: Double?
    /// The mask classifier.
    package var classifier: ClassifierConfiguration?
    /// The models folder, relative to the file.
    package var models: String?
    /// Images with more pixels are refused, not decoded.
    package var pixelBudget: Int?

    /// Every key with its meaning, for `maskbench run --help` and the README.
    package static let help = """
        name: NAME                  for reports (default: the file's name)
        pipeline: NAME              a built-in pipeline to start from (as --pipeline)
        detector: KIND              \(NativePipeline.Detector.allCases.map(\.rawValue).joined(separator: " | ")), or a mapping:
          kind: KIND
          weights: PATH             your weights, same architecture: res10 a
                                    .caffemodel (read with the seed's
                                    deploy.prototxt), mtcnn a folder of
                                    pnet/rnet/onet.onnx, haar a cascade .xml,
                                    retinaface an ONNX file OpenCV 4.6 reads
                                    (Scripts/make-retinaface-onnx.py)
          confidence: 0.5           faces the detector is less sure of are dropped
          inputSize: 300            res10: the side of the square blob
        detectorConfidence: 0.5     the same as detector.confidence
        classifier:                 the mask classifier (default: the seeds'
                                    MobileNetV2, with every value below)
          path: PATH                Keras 2 HDF5 (.h5) or ONNX (.onnx)
          inputSize: 224            the side of the square face crop
          colorOrder: rgb           rgb | bgr
          preprocessing: mobilenet_v2
                                    mobilenet_v2 (x/127.5-1) | unit (x/255) |
                                    imagenet ((x/255-mean)/std, ImageNet's) |
                                    {mean: [m, m, m], std: [s, s, s]}
                                    ((x-mean)/std on 0-255)
          maskedOutput: 0           the softmax output meaning "masked" (0 or
                                    1), sigmoid (one output, P(masked)) or
                                    unmasked-sigmoid (one output, P(not masked))
        models: DIR                 the seed models' folder (default: models/ or
                                    $MASKBENCH_MODELS)
        pixelBudget: 50000000       larger images are refused, not decoded
        """

    /// The keys a file may hold.
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case name, pipeline, detector, detectorConfidence, classifier, models, pixelBudget
    }

    /// Decodes a configuration, refusing unknown keys and values out of range.
    ///
    /// - Throws: `DecodingError` whose coding path names the key.
    package init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        pipeline = try container.decodeIfPresent(String.self, forKey: .pipeline)
        if let pipeline, NativePipeline.builtIn[pipeline] == nil {
            let names = NativePipeline.builtIn.keys.sorted().joined(separator: ", ")
            throw DecodingError.dataCorruptedError(
                forKey: .pipeline, in: container,
                debugDescription: "unknown pipeline '\(pipeline)'; built-in pipelines: \(names)")
        }
        detector = try container.decodeIfPresent(DetectorConfiguration.self, forKey: .detector)
        detectorConfidence = try container.decodeIfPresent(Double.self, forKey: .detectorConfidence)
        if let confidence = detectorConfidence {
            try Self.check(confidence, forKey: .detectorConfidence, in: container)
            if detector?.confidence != nil {
                throw DecodingError.dataCorruptedError(
                    forKey: .detectorConfidence, in: container,
                    debugDescription: "give the confidence once: detectorConfidence or detector.confidence")
            }
        }
        classifier = try container.decodeIfPresent(ClassifierConfiguration.self, forKey: .classifier)
        models = try container.decodeIfPresent(String.self, forKey: .models)
        pixelBudget = try container.decodeIfPresent(Int.self, forKey: .pixelBudget)
        if let budget = pixelBudget, budget <= 0 {
            throw DecodingError.dataCorruptedError(
                forKey: .pixelBudget, in: container, debugDescription: "must be 1 or more, not \(budget)")
        }
    }

    /// Throws unless `confidence` is in [0, 1].
    static func check<Key: CodingKey>(
        _ confidence: Double, forKey key: Key, in container: KeyedDecodingContainer<Key>
    ) throws {
        guard (0...1).contains(confidence) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container, debugDescription: "must be in [0, 1], not \(confidence)")
        }
    }

    /// Reads and decodes the file at `path`.
    ///
    /// - Throws: ``ConfigurationError`` naming the file, and the line and key when the problem has a place.
    package static func load(path: String) throws -> PipelineConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(file: path, "cannot read: \(FileErrorReason.describe(error))")
        }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ConfigurationError(file: path, "the file is empty; expected a mapping of \(Self.keyList)")
            }
            root = node
        } catch let error as ConfigurationError {
            throw error
        } catch let error as YamlError {
            throw ConfigurationError(yaml: error, file: path)
        } catch {
            throw ConfigurationError(file: path, "not valid YAML or JSON: \(error)")
        }
        do {
            return try YAMLDecoder().decode(PipelineConfiguration.self, from: root)
        } catch let error as DecodingError {
            throw ConfigurationError(decoding: error, file: path, root: root)
        }
    }

    /// Every key, for messages and `--help`.
    package static let keyList = CodingKeys.allCases.map(\.stringValue).joined(separator: ", ")

    /// The pipeline the file describes.
    ///
    /// - Parameters:
    ///   - file: the file's path: paths in it are relative to its folder, and its name is the default name.
    ///   - pixelBudget: `--pixel-budget`, which wins over the file's.
    ///   - classifierFile: `--classifier`, which wins over `classifier.path`.
    ///   - detectorWeights: `--detector-weights`, which wins over `detector.weights`.
    /// - Throws: ``ConfigurationError`` when the file names no detector or gives res10's `inputSize` to another;
    ///   ``InferenceError`` when a model file is missing or altered.
    package func makePipeline(
        file: String, pixelBudget override: Int? = nil, classifierFile: URL? = nil, detectorWeights: URL? = nil
    ) throws -> NativePipeline {
        guard let kind = detector?.kind ?? pipeline.flatMap({ NativePipeline.builtIn[$0] }) else {
            throw ConfigurationError(
                file: file, "say which detector (`detector: res10`, `detector: {kind: res10}`) or `pipeline:`")
        }
        if detector?.inputSize != nil, kind != .res10 {
            throw ConfigurationError(file: file, key: "detector.inputSize", "only res10 has an input size")
        }
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        func resolve(_ path: String) -> URL {
            URL(fileURLWithPath: path, relativeTo: folder).standardizedFileURL
        }
        var classifierSpec = classifier?.spec ?? .seed
        if let path = classifier?.path { classifierSpec.file = resolve(path) }
        if let classifierFile { classifierSpec.file = classifierFile }
        return try NativePipeline(
            name: name ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent,
            detector: NativePipeline.DetectorSpec(
                kind: kind, weights: detectorWeights ?? detector?.weights.map(resolve),
                confidence: detector?.confidence ?? detectorConfidence ?? 0.5, inputSize: detector?.inputSize),
            classifier: classifierSpec,
            models: models.map { ModelFiles(directory: resolve($0)) } ?? .default(),
            pixelBudget: override ?? pixelBudget ?? ImageDecoder.defaultPixelBudget)
    }
}

// MARK: - Detector

/// The `detector:` key: a detector's name, or a mapping with its weights and settings.
package struct DetectorConfiguration: Sendable, Hashable, Decodable {
    /// The detector; `nil` takes the `pipeline:`'s.
    package var kind: NativePipeline.Detector?
    /// The user's weights, relative to the file.
    package var weights: String?
    /// Faces the detector is less confident of are dropped.
    package var confidence: Double?
    /// res10's blob side.
    package var inputSize: Int?

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, weights, confidence, inputSize
    }

    /// Decodes `res10` or `{kind: res10, weights: …, confidence: …, inputSize: …}`.
    ///
    /// - Throws: `DecodingError` whose coding path names the key.
    package init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let name = try? single.decode(String.self) {
            guard let known = NativePipeline.Detector(rawValue: name) else {
                throw DecodingError.dataCorruptedError(in: single, debugDescription: Self.unknown(name))
            }
            kind = known
            return
        }
        try decoder.refuseUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let name = try container.decodeIfPresent(String.self, forKey: .kind) {
            guard let known = NativePipeline.Detector(rawValue: name) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .kind, in: container, debugDescription: Self.unknown(name))
            }
            kind = known
        }
        weights = try container.decodeIfPresent(String.self, forKey: .weights)
        confidence = try container.decodeIfPresent(Double.self, forKey: .confidence)
        if let confidence { try PipelineConfiguration.check(confidence, forKey: .confidence, in: container) }
        inputSize = try container.decodeIfPresent(Int.self, forKey: .inputSize)
        if let size = inputSize, !(1...4096).contains(size) {
            throw DecodingError.dataCorruptedError(
                forKey: .inputSize, in: container, debugDescription: "must be from 1 to 4096, not \(size)")
        }
    }

    private static func unknown(_ name: String) -> String {
        "unknown detector '\(name)'; detectors: \(NativePipeline.Detector.allCases.map(\.rawValue).joined(separator: ", "))"
    }
}

// MARK: - Classifier

/// The `classifier:` key: the model file and how a face is fed to it; what is not given is the seeds'.
package struct ClassifierConfiguration: Sendable, Hashable, Decodable {
    /// The model file, relative to the file; `nil` for the seeds'.
    package var path: String?
    /// Everything else, the seeds' where not given (its `file` is unset).
    package var spec = ClassifierSpec.seed

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case path, inputSize, colorOrder, preprocessing, maskedOutput
    }

    /// `preprocessing: {mean: [m, m, m], std: [s, s, s]}`.
    private struct Normalization: Decodable {
        var mean: [Double]
        var std: [Double]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case mean, std
        }

        init(from decoder: any Decoder) throws {
            try decoder.refuseUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            mean = try container.decode([Double].self, forKey: .mean)
            std = try container.decode([Double].self, forKey: .std)
            guard mean.count == 3, mean.allSatisfy(\.isFinite) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .mean, in: container, debugDescription: "must be three numbers, one per channel")
            }
            guard std.count == 3, std.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .std, in: container, debugDescription: "must be three positive numbers, one per channel")
            }
        }
    }

    /// Decodes the mapping, checking every value.
    ///
    /// - Throws: `DecodingError` whose coding path names the key.
    package init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        path = try container.decodeIfPresent(String.self, forKey: .path)
        if let size = try container.decodeIfPresent(Int.self, forKey: .inputSize) {
            guard (1...4096).contains(size) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .inputSize, in: container, debugDescription: "must be from 1 to 4096, not \(size)")
            }
            spec.inputSize = size
        }
        if let order = try container.decodeIfPresent(String.self, forKey: .colorOrder) {
            guard let known = ClassifierSpec.ColorOrder(rawValue: order) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .colorOrder, in: container, debugDescription: "must be rgb or bgr, not '\(order)'")
            }
            spec.colorOrder = known
        }
        if container.contains(.preprocessing) {
            spec.preprocessing = try Self.preprocessing(container)
        }
        if container.contains(.maskedOutput) {
            spec.maskedOutput = try Self.maskedOutput(container)
        }
    }

    private static func preprocessing(
        _ container: KeyedDecodingContainer<CodingKeys>
    ) throws -> ClassifierSpec.Preprocessing {
        if let name = try? container.decode(String.self, forKey: .preprocessing) {
            switch name {
            case "mobilenet_v2": return .mobileNetV2
            case "unit": return .unit
            case "imagenet": return .imagenet
            default:
                throw DecodingError.dataCorruptedError(
                    forKey: .preprocessing, in: container,
                    debugDescription:
                        "unknown preprocessing '\(name)'; one of mobilenet_v2, unit, imagenet, or {mean: [m, m, m], std: [s, s, s]}"
                )
            }
        }
        let values = try container.decode(Normalization.self, forKey: .preprocessing)
        return .normalize(mean: values.mean, std: values.std)
    }

    private static func maskedOutput(
        _ container: KeyedDecodingContainer<CodingKeys>
    ) throws -> ClassifierSpec.MaskedOutput {
        if let index = try? container.decode(Int.self, forKey: .maskedOutput) {
            guard index == 0 || index == 1 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .maskedOutput, in: container,
                    debugDescription: "must be 0 or 1 (an output of a 2-way softmax), sigmoid or unmasked-sigmoid")
            }
            return .index(index)
        }
        switch try container.decode(String.self, forKey: .maskedOutput) {
        case "sigmoid": return .sigmoid
        case "unmasked-sigmoid": return .unmaskedSigmoid
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .maskedOutput, in: container,
                debugDescription: "must be 0, 1, sigmoid or unmasked-sigmoid, not '\(other)'")
        }
    }
}

// MARK: - Unknown keys

/// Any key of a mapping, to list the keys a file holds.
private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
    }

    init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension Decoder {
    /// Throws when the mapping being decoded holds a key that is not one of `keys`: a misspelt key is an error,
    /// not a setting silently ignored.
    func refuseUnknownKeys<Key: CodingKey & CaseIterable>(_ keys: Key.Type) throws {
        let known = Key.allCases.map(\.stringValue)
        let container = try self.container(keyedBy: AnyKey.self)
        if let unknown = container.allKeys.first(where: { !known.contains($0.stringValue) }) {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: codingPath + [unknown],
                    debugDescription:
                        "unknown key '\(unknown.stringValue)'; known keys: \(known.joined(separator: ", "))"
                ))
        }
    }
}

import Foundation
import MaskBenchCore
internal import MaskBenchImaging
internal import Yams

/// A native pipeline described by a YAML or JSON file (JSON is YAML), for `maskbench run --config FILE`:
///
/// ```yaml
/// name: ssd-loose                # for reports (default: the file's name)
/// detector: res10                # res10 | mtcnn | haar, or `pipeline: ssd-mobilenetv2` to start from a built-in
/// detectorConfidence: 0.3        # faces below are dropped (default 0.5)
/// models: ../models              # the models folder, relative to this file (default: models/ or $MASKBENCH_MODELS)
/// pixelBudget: 50000000          # larger images are refused, not decoded
/// ```
///
/// The file is decoded into typed values and checked as it is read: a misspelt key, a value of the wrong type
/// or out of range is a ``ConfigurationError`` naming the file, the line and the key, never silently ignored.
package struct PipelineConfiguration: Sendable, Hashable, Decodable {
    /// The name reports give the pipeline.
    package var name: String?
    /// A built-in pipeline to start from (its detector).
    package var pipeline: String?
    /// The face detector.
    package var detector: NativePipeline.Detector?
    /// Faces the detector is less confident of are dropped.
    package var detectorConfidence: Double?
    /// The models folder, relative to the file.
    package var models: String?
    /// Images with more pixels are refused, not decoded.
    package var pixelBudget: Int?

    /// The keys a file may hold.
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case name, pipeline, detector, detectorConfidence, models, pixelBudget
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
        if let kind = try container.decodeIfPresent(String.self, forKey: .detector) {
            guard let chosen = NativePipeline.Detector(rawValue: kind) else {
                let names = NativePipeline.Detector.allCases.map(\.rawValue).joined(separator: ", ")
                throw DecodingError.dataCorruptedError(
                    forKey: .detector, in: container,
                    debugDescription: "unknown detector '\(kind)'; detectors: \(names)")
            }
            detector = chosen
        }
        detectorConfidence = try container.decodeIfPresent(Double.self, forKey: .detectorConfidence)
        if let confidence = detectorConfidence, !(0...1).contains(confidence) {
            throw DecodingError.dataCorruptedError(
                forKey: .detectorConfidence, in: container, debugDescription: "must be in [0, 1], not \(confidence)")
        }
        models = try container.decodeIfPresent(String.self, forKey: .models)
        pixelBudget = try container.decodeIfPresent(Int.self, forKey: .pixelBudget)
        if let budget = pixelBudget, budget <= 0 {
            throw DecodingError.dataCorruptedError(
                forKey: .pixelBudget, in: container, debugDescription: "must be 1 or more, not \(budget)")
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
    ///   - file: the file's path: `models` is relative to its folder, and its name is the default name.
    ///   - pixelBudget: `--pixel-budget`, which wins over the file's.
    /// - Throws: ``ConfigurationError`` when the file names no detector; ``InferenceError`` when a model is
    ///   missing or altered.
    package func makePipeline(file: String, pixelBudget override: Int? = nil) throws -> NativePipeline {
        guard let detector = detector ?? pipeline.flatMap({ NativePipeline.builtIn[$0] }) else {
            throw ConfigurationError(file: file, "say which detector (`detector: res10`) or `pipeline:`")
        }
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        let modelFiles = models.map {
            ModelFiles(directory: URL(fileURLWithPath: $0, relativeTo: folder).standardizedFileURL)
        }
        return try NativePipeline(
            name: name ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent,
            detector: detector,
            detectorConfidence: detectorConfidence ?? 0.5,
            models: modelFiles ?? .default(),
            pixelBudget: override ?? pixelBudget ?? ImageDecoder.defaultPixelBudget)
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
                        "unknown key '\(unknown.stringValue)'; known keys: \(known.joined(separator: ", "))"))
        }
    }
}

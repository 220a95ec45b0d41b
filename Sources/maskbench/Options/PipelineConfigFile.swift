import Foundation
import MaskBenchImaging
import MaskBenchInference
import Yams

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
/// Every key is checked: a misspelt one is an error naming it, never silently ignored.
enum PipelineConfigFile {
    static let keys: Set<String> = ["name", "pipeline", "detector", "detectorConfidence", "models", "pixelBudget"]

    /// Loads the config at `path`; `pixelBudget`, when given (`--pixel-budget`), wins over the file's.
    static func load(path: String, pixelBudget: Int? = nil) throws -> NativePipeline {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw InputError("\(path): cannot read the pipeline config: \(error.localizedDescription)")
        }
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: text)
        } catch {
            throw InputError("\(path): not valid YAML or JSON: \(error)")
        }
        guard let fields = loaded as? [String: Any] else {
            throw InputError("\(path): expected a mapping of \(keys.sorted().joined(separator: ", "))")
        }
        if let unknown = fields.keys.filter({ !keys.contains($0) }).sorted().first {
            throw InputError("\(path): unknown key '\(unknown)'; known keys: \(keys.sorted().joined(separator: ", "))")
        }
        func string(_ key: String) throws -> String? {
            guard let value = fields[key] else { return nil }
            guard let text = value as? String else { throw InputError("\(path): '\(key)' must be a string") }
            return text
        }
        func number(_ key: String) throws -> Double? {
            guard let value = fields[key] else { return nil }
            if let double = value as? Double { return double }
            if let int = value as? Int { return Double(int) }
            throw InputError("\(path): '\(key)' must be a number")
        }

        var detector: NativePipeline.Detector?
        if let builtIn = try string("pipeline") {
            guard let known = NativePipeline.builtIn[builtIn] else {
                let names = NativePipeline.builtIn.keys.sorted().joined(separator: ", ")
                throw InputError("\(path): unknown pipeline '\(builtIn)'; built-in pipelines: \(names)")
            }
            detector = known
        }
        if let name = try string("detector") {
            guard let chosen = NativePipeline.Detector(rawValue: name) else {
                let names = NativePipeline.Detector.allCases.map(\.rawValue).joined(separator: ", ")
                throw InputError("\(path): unknown detector '\(name)'; detectors: \(names)")
            }
            detector = chosen
        }
        guard let detector else { throw InputError("\(path): say which detector (`detector: res10`) or `pipeline:`") }
        let confidence = try number("detectorConfidence") ?? 0.5
        guard (0...1).contains(confidence) else {
            throw InputError("\(path): 'detectorConfidence' must be in [0, 1], not \(confidence)")
        }
        let budget = try pixelBudget ?? number("pixelBudget").map { Int($0) } ?? ImageDecoder.defaultPixelBudget
        guard budget > 0 else { throw InputError("\(path): 'pixelBudget' must be positive") }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let models = try string("models").map {
            ModelFiles(directory: URL(fileURLWithPath: $0, relativeTo: folder).standardizedFileURL)
        }
        let name = try string("name") ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try NativePipeline(
            name: name, detector: detector, detectorConfidence: confidence, models: models ?? .default(),
            pixelBudget: budget)
    }
}

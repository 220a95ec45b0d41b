import Foundation
public import MaskBenchCore
public import MaskBenchRecords

/// A setting of the evaluation (a field of `settings` in `metrics.json`) that differs between the baseline and
/// the run: numbers made under other settings are not comparable.
public struct SettingChange: Sendable, Hashable, CustomStringConvertible {
    /// The dotted path under `settings`, as `matching.iouThreshold`.
    public var setting: String
    /// The baseline's value, as JSON spells it (`0.5`, `"coco"`, `null`; `absent` when it has none).
    public var baseline: String
    /// The run's value.
    public var current: String

    /// `matching.iouThreshold: baseline 0.5, now 0.3`.
    public var description: String { "\(setting): baseline \(baseline), now \(current)" }

    /// Every setting that differs between the runs of two `metrics.json`: the evaluation settings (by path, as
    /// ``differences(_:_:)-(EvaluationSettings,EvaluationSettings)`` finds them), then the label maps (every
    /// spelling either run's `--label` set, as `labels.no_mask`, with the class each run maps it to).
    public static func differences(_ baseline: MetricsDocument, _ current: MetricsDocument) -> [SettingChange] {
        let before = baseline.inputs.labels ?? [:]
        let after = current.inputs.labels ?? [:]
        var changes = differences(baseline.settings, current.settings)
        guard before != after else { return changes }
        for spelling in Set(before.keys).union(after.keys).sorted() {
            func mapped(_ labels: [String: String]) -> String {
                (labels[spelling] ?? LabelMap.defaults.label(for: spelling)?.rawValue).map { "\"\($0)\"" }
                    ?? "absent"
            }
            let (a, b) = (mapped(before), mapped(after))
            if a != b { changes.append(SettingChange(setting: "labels." + spelling, baseline: a, current: b)) }
        }
        return changes
    }

    /// Every setting that differs between `baseline` and `current`, by path.
    ///
    /// Both are encoded as `metrics.json` writes them and compared field by field, so a setting added to
    /// ``MaskBenchCore/EvaluationSettings`` later is compared without a change here. A baseline recorded
    /// before a setting existed was decoded with that setting's default, the value its run had.
    public static func differences(_ baseline: EvaluationSettings, _ current: EvaluationSettings) -> [SettingChange] {
        guard baseline != current else { return [] }
        let before = leaves(of: baseline)
        let after = leaves(of: current)
        let changes = Set(before.keys).union(after.keys).sorted().compactMap { path in
            let a = before[path] ?? "absent"
            let b = after[path] ?? "absent"
            return a == b ? nil : SettingChange(setting: path, baseline: a, current: b)
        }
        // Settings that differ where their JSON does not (a seed beyond 2⁵³ read as a double) still differ.
        return changes.isEmpty
            ? [SettingChange(setting: "settings", baseline: "\(baseline)", current: "\(current)")] : changes
    }

    /// Every leaf of `settings` as JSON: its dotted path and its value as JSON spells it.
    private static func leaves(of settings: EvaluationSettings) -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(settings), let root = try? JSONDecoder().decode(JSONValue.self, from: data)
        else { return [:] }
        var leaves: [String: String] = [:]
        func walk(_ node: JSONValue, _ path: String) {
            switch node {
            case .object(let fields):
                for (key, value) in fields { walk(value, path.isEmpty ? key : path + "." + key) }
            case .array(let items):
                for (index, item) in items.enumerated() { walk(item, path + ".\(index)") }
            case .null: leaves[path] = "null"
            case .bool(let value): leaves[path] = value ? "true" : "false"
            case .number(let value):
                leaves[path] = value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
            case .string(let value): leaves[path] = "\"\(value)\""
            }
        }
        walk(root, "")
        return leaves
    }
}

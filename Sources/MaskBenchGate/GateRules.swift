import Foundation
import MaskBenchCore
import Yams

/// Reads rules files: YAML, or JSON (which is YAML).
///
/// The file is either a list of rules or a mapping with a `rules:` list. Each rule is a mapping:
///
/// ```yaml
/// rules:
///   - metric: pipeline.fnr.value
///     direction: lower          # higher | lower: which way is better
///     absoluteTolerance: 0.01   # >= 0, default 0
///     relativeTolerance: 0      # >= 0, default 0
///     significance: 0.05        # optional, in (0, 1)
///     allowUndefined: false     # optional: pass without comparing when the metric is null in either run
/// ```
///
/// Unknown keys are errors, so a misspelt tolerance is not silently 0. Whether each metric exists is
/// checked later, against the metrics (``RegressionGate/check(_:baseline:current:)``).
public enum GateRules {
    static let keys: Set<String> = [
        "metric", "direction", "absoluteTolerance", "relativeTolerance", "significance", "allowUndefined",
    ]

    /// The rules in YAML or JSON `text`.
    ///
    /// - Parameters:
    ///   - text: the file's content.
    ///   - file: the name used in errors and stored in each rule.
    /// - Throws: ``GateError`` at `file:line:column` for a syntax error, a missing or unknown key, a bad
    ///   direction, a negative tolerance or a significance outside `(0, 1)`.
    public static func parse(_ text: String, file: String) throws -> [GateRule] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw GateError(file: file, "not valid YAML or JSON: \(error)")
        }
        guard let root else { throw GateError(file: file, "empty rules file; expected a list of rules") }
        let list: Node.Sequence
        if let sequence = root.sequence {
            list = sequence
        } else if let mapping = root.mapping, let rules = mapping["rules"], let sequence = rules.sequence {
            let others = mapping.keys.compactMap(\.string).filter { $0 != "rules" }
            if let other = others.first {
                throw Self.error(file, mapping["rules"], "unknown key '\(other)' beside 'rules'")
            }
            list = sequence
        } else {
            throw Self.error(file, root, "expected a list of rules, or a mapping with a 'rules:' list")
        }
        guard !list.isEmpty else { throw Self.error(file, root, "the rules list is empty") }
        return try list.enumerated().map { try rule($1, number: $0 + 1, file: file) }
    }

    /// Reads the rules file at `path`.
    ///
    /// - Throws: ``GateError`` when it cannot be read, and as ``parse(_:file:)`` does.
    public static func read(path: String) throws -> [GateRule] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw GateError(file: path, "cannot read: \(FileErrorReason.describe(error))")
        }
        return try parse(text, file: path)
    }

    // MARK: - One rule

    private static func rule(_ node: Node, number: Int, file: String) throws -> GateRule {
        guard let mapping = node.mapping else {
            throw error(file, node, "rule \(number): expected a mapping with metric, direction and tolerances")
        }
        for key in mapping.keys {
            guard let name = key.string, keys.contains(name) else {
                throw error(
                    file, key,
                    "rule \(number): unknown key '\(key.string ?? "?")'; expected \(keys.sorted().joined(separator: ", "))"
                )
            }
        }
        guard let metricNode = mapping["metric"], let metric = metricNode.scalar?.string, !metric.isEmpty else {
            throw error(
                file, node, "rule \(number): 'metric' is missing (a dotted metrics.json path, e.g. pipeline.tnr.value)")
        }
        let label = "rule \(number) (\(metric))"
        guard let directionNode = mapping["direction"] else {
            throw error(file, node, "\(label): 'direction' is missing (higher or lower: which way is better)")
        }
        guard let direction = directionNode.scalar.flatMap({ GateRule.Direction(rawValue: $0.string) }) else {
            throw error(
                file, directionNode,
                "\(label): direction must be higher or lower, found '\(directionNode.scalar?.string ?? "?")'")
        }
        func numeric(_ key: String) throws -> Double? {
            guard let value = mapping[key] else { return nil }
            guard let text = value.scalar?.string, let number = Double(text), number.isFinite else {
                throw error(file, value, "\(label): \(key) must be a number, found '\(value.scalar?.string ?? "?")'")
            }
            return number
        }
        let absolute = try numeric("absoluteTolerance") ?? 0
        let relative = try numeric("relativeTolerance") ?? 0
        for (key, value) in [("absoluteTolerance", absolute), ("relativeTolerance", relative)] where value < 0 {
            throw error(file, mapping[key], "\(label): \(key) must be >= 0, found \(value)")
        }
        let significance = try numeric("significance")
        if let significance, !(significance > 0 && significance < 1) {
            throw error(
                file, mapping["significance"], "\(label): significance must be between 0 and 1, found \(significance)")
        }
        var allowsUndefined = false
        if let value = mapping["allowUndefined"] {
            guard let flag = value.scalar.flatMap({ Bool.construct(from: $0) }) else {
                throw error(
                    file, value,
                    "\(label): allowUndefined must be true or false, found '\(value.scalar?.string ?? "?")'")
            }
            allowsUndefined = flag
        }
        return GateRule(
            metric: metric, direction: direction, absoluteTolerance: absolute, relativeTolerance: relative,
            significance: significance, allowsUndefined: allowsUndefined, file: file, line: node.mark?.line)
    }

    private static func error(_ file: String, _ node: Node?, _ message: String) -> GateError {
        GateError(file: file, line: node?.mark?.line, column: node?.mark?.column, message)
    }
}

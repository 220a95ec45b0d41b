import Foundation
public import MaskBenchRecords

/// The numbers of a `metrics.json`, looked up by dotted path (`pipeline.tnr.value`, `detector.ap.coco`).
///
/// The document is encoded as `metrics.json` is written and walked as JSON, so a rule names exactly the
/// field a CI script would read. A path component that is a whole number indexes an array
/// (`detector.precisionAtRecall.50`).
public struct MetricValues: Sendable {
    /// What a path leads to.
    public enum Lookup: Sendable, Hashable {
        /// A number.
        case number(Double)
        /// `null`: the metric exists but is undefined on this run (a rate over no faces).
        case undefined
        /// Nothing, or something that is not a number (an object, a string).
        case notANumber
    }

    private let root: JSONValue

    /// The values of `document`.
    ///
    /// - Throws: an encoding error, which a valid document never gives.
    public init(_ document: MetricsDocument) throws {
        root = try JSONDecoder().decode(JSONValue.self, from: try document.jsonData())
    }

    /// What `path` leads to.
    public func lookup(_ path: String) -> Lookup {
        var node = root
        for component in path.split(separator: ".", omittingEmptySubsequences: false) {
            switch node {
            case .object(let fields):
                guard let next = fields[String(component)] else { return .notANumber }
                node = next
            case .array(let items):
                guard let index = Int(component), items.indices.contains(index) else { return .notANumber }
                node = items[index]
            default:
                return .notANumber
            }
        }
        switch node {
        case .number(let value): return .number(value)
        case .null: return .undefined
        default: return .notANumber
        }
    }
}

/// A JSON value, just enough to walk `metrics.json` and its settings.
enum JSONValue: Decodable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}

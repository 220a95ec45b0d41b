package import MaskBenchCore
internal import Yams

/// A problem in a pipeline config file: not YAML, a misspelt key, a value of the wrong type or out of range.
///
/// The description names the file, the line and column when the problem has a place, and the key, as
/// `pipeline.yml:4:14: pixelBudget: expected a whole number, got '1.0e+30'`.
package struct ConfigurationError: InputProblem, Sendable, Hashable {
    /// The config file.
    package var file: String
    /// The 1-based line, when known.
    package var line: Int?
    /// The 1-based column, when known.
    package var column: Int?
    /// The key, as `classifier.inputSize`, when the problem is in one.
    package var key: String?
    /// What is wrong.
    package var message: String

    /// Creates an error about `file`.
    package init(file: String, line: Int? = nil, column: Int? = nil, key: String? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    /// The error for a YAML syntax error (which carries its own place).
    init(yaml error: YamlError, file: String) {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            self.init(file: file, line: mark.line, column: mark.column, "not valid YAML or JSON: \(problem)")
        default:
            self.init(file: file, "not valid YAML or JSON: \(error)")
        }
    }

    /// The error for a decoding error, placed at the node its coding path leads to in `root`.
    init(decoding error: DecodingError, file: String, root: Node) {
        let path: [any CodingKey]
        let message: String
        switch error {
        case .typeMismatch(let type, let context):
            path = context.codingPath
            let value = Self.node(at: path, in: root).flatMap { $0.scalar?.string }
            message = "expected \(Self.expected(type))" + (value.map { ", got '\($0)'" } ?? "")
        case .valueNotFound(let type, let context):
            path = context.codingPath
            message = "expected \(Self.expected(type)), got nothing"
        case .keyNotFound(let key, let context):
            path = context.codingPath
            message = "missing key '\(key.stringValue)'"
        case .dataCorrupted(let context):
            path = context.codingPath
            message = context.debugDescription
        @unknown default:
            path = []
            message = "\(error)"
        }
        let mark = Self.node(at: path, in: root)?.mark
        self.init(
            file: file, line: mark?.line, column: mark?.column,
            key: path.isEmpty ? nil : path.map(\.stringValue).joined(separator: "."), message)
    }

    /// ``file``, ``line`` and ``column``.
    package var location: FileLocation? { FileLocation(file: file, line: line, column: column) }

    /// `file:line:column: key: message`.
    package var description: String {
        [location?.description, key, message].compactMap { $0 }.joined(separator: ": ")
    }

    /// The node `path` leads to from `root`: mapping keys by name, sequence items by index.
    private static func node(at path: [any CodingKey], in root: Node) -> Node? {
        var node: Node? = root
        for key in path {
            guard let current = node else { return nil }
            if let index = key.intValue, let sequence = current.sequence, sequence.indices.contains(index) {
                node = sequence[index]
            } else {
                node = current[key.stringValue]
            }
        }
        return node
    }

    /// What a value of `type` is called in a message.
    private static func expected(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "a whole number"
        case is Double.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default:
            if String(describing: type).contains("Mapping") || String(describing: type).hasPrefix("Dictionary") {
                "a mapping"
            } else if String(describing: type).contains("Scalar") {
                "a single value"
            } else if String(describing: type).contains("Sequence") || String(describing: type).hasPrefix("Array") {
                "a list"
            } else {
                "\(type)"
            }
        }
    }
}

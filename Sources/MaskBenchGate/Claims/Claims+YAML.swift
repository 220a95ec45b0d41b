import Foundation
import MaskBenchCore
import Yams

extension Claims {
    /// The claims file format version this code reads (the `claims:` key).
    public static let currentVersion = 1

    /// Reads a claims file.
    ///
    /// - Throws: ``ClaimsError`` naming the file and line of the first problem.
    public static func read(path: String) throws -> Claims {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ClaimsError(file: path, line: nil, "cannot read: \(FileErrorReason.describe(error))")
        }
        return try parse(yaml: text, file: path)
    }

    /// Parses the YAML text of a claims file; `file` names it in errors.
    ///
    /// - Throws: ``ClaimsError`` naming `file` and the line of the first problem.
    public static func parse(yaml: String, file: String) throws -> Claims {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ClaimsError(file: file, line: error.line, "not valid YAML: \(error.problem)")
        } catch {
            throw ClaimsError(file: file, line: nil, "not valid YAML: \(error)")
        }
        let reader = ClaimsYAMLReader(file: file)
        guard let root else { throw ClaimsError(file: file, line: 1, "empty file; expected a claims mapping") }
        return try reader.claims(root)
    }
}

extension YamlError {
    /// The line of the problem, when libyaml gave one.
    fileprivate var line: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    /// libyaml's description of the problem, without the snippet.
    fileprivate var problem: String {
        switch self {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            problem
        default: "\(self)"
        }
    }
}

/// Turns the YAML node tree into ``Claims``, checking every field and keeping lines for errors.
private struct ClaimsYAMLReader {
    var file: String

    func fail(_ node: Node?, _ message: String) -> ClaimsError {
        ClaimsError(file: file, line: node?.mark?.line, message)
    }

    func mapping(_ node: Node, _ what: String) throws -> Node.Mapping {
        guard let mapping = node.mapping else { throw fail(node, "\(what) must be a mapping") }
        return mapping
    }

    /// Rejects keys other than `allowed`, so a misspelt key is an error, not a silently ignored claim.
    func checkKeys(_ mapping: Node.Mapping, _ allowed: Set<String>, in what: String) throws {
        for key in mapping.keys {
            guard let name = key.string, allowed.contains(name) else {
                let known = allowed.sorted().joined(separator: ", ")
                throw fail(key, "unknown key '\(key.string ?? "?")' in \(what); expected one of: \(known)")
            }
        }
    }

    func required(_ mapping: Node.Mapping, _ key: String, in parent: Node, _ what: String) throws -> Node {
        guard let node = mapping[key] else { throw fail(parent, "\(what) has no '\(key)'") }
        return node
    }

    func string(_ node: Node, _ what: String) throws -> String {
        guard let scalar = node.scalar, !scalar.string.isEmpty else {
            throw fail(node, "\(what) must be a non-empty string")
        }
        return scalar.string
    }

    func integer(_ node: Node, _ what: String) throws -> Int {
        guard let scalar = node.scalar, let value = Int(scalar.string), value >= 0 else {
            throw fail(node, "\(what) must be a whole number ≥ 0, not '\(node.scalar?.string ?? "a collection")'")
        }
        return value
    }

    func claims(_ root: Node) throws -> Claims {
        let top = try mapping(root, "a claims file")
        try checkKeys(top, ["claims", "source", "totals", "counts", "rates"], in: "the claims file")
        let version = try integer(try required(top, "claims", in: root, "the claims file"), "'claims' (the version)")
        guard version == Claims.currentVersion else {
            throw fail(
                top["claims"],
                "claims file version \(version) is not supported; this maskbench reads version \(Claims.currentVersion)"
            )
        }
        let source = try self.source(try required(top, "source", in: root, "the claims file"))
        var counts: [CountClaim] = []
        for section in ["totals", "counts"] {
            for statement in try list(top[section], section) {
                counts += try countStatement(statement, section)
            }
        }
        let rates = try list(top["rates"], "rates").map(rate)
        guard !counts.isEmpty || !rates.isEmpty else {
            throw fail(root, "the claims file states no totals, counts or rates")
        }
        return Claims(file: file, source: source, counts: counts, rates: rates)
    }

    func list(_ node: Node?, _ what: String) throws -> [Node] {
        guard let node else { return [] }
        guard let sequence = node.sequence else { throw fail(node, "'\(what)' must be a list") }
        return Array(sequence)
    }

    func source(_ node: Node) throws -> Claims.Source {
        let map = try mapping(node, "'source'")
        try checkKeys(map, ["project", "file", "url", "lines"], in: "'source'")
        return Claims.Source(
            project: try string(try required(map, "project", in: node, "'source'"), "'source.project'"),
            file: try string(try required(map, "file", in: node, "'source'"), "'source.file'"),
            url: try map["url"].map { try string($0, "'source.url'") },
            lines: try map["lines"].map { try string($0, "'source.lines'") }
        )
    }

    func quote(_ map: Node.Mapping, _ node: Node, _ what: String) throws -> ClaimQuote {
        let line = try integer(try required(map, "line", in: node, what), "'line'")
        guard line >= 1 else { throw fail(map["line"], "'line' must be ≥ 1") }
        return ClaimQuote(line: line, text: try string(try required(map, "text", in: node, what), "'text'"))
    }

    func countStatement(_ node: Node, _ section: String) throws -> [CountClaim] {
        let what = "an entry of '\(section)'"
        let map = try mapping(node, what)
        try checkKeys(map, ["line", "text", "values"], in: what)
        let quote = try quote(map, node, what)
        let valuesNode = try required(map, "values", in: node, what)
        let values = try mapping(valuesNode, "'values'")
        guard !values.isEmpty else { throw fail(valuesNode, "'values' is empty") }
        return try values.map { key, value in
            let raw = try string(key, "a count name")
            guard let name = CountName(rawValue: raw) else {
                let known = CountName.allCases.map(\.rawValue).joined(separator: ", ")
                throw fail(key, "unknown count '\(raw)'; expected one of: \(known)")
            }
            return CountClaim(name, try integer(value, "'\(raw)'"), quote: quote)
        }
    }

    func rate(_ node: Node) throws -> RateClaim {
        let what = "an entry of 'rates'"
        let map = try mapping(node, what)
        try checkKeys(map, ["line", "text", "rate", "value", "count", "total"], in: what)
        let quote = try quote(map, node, what)
        let nameNode = try required(map, "rate", in: node, what)
        let raw = try string(nameNode, "'rate'")
        guard let name = RateName(claimsName: raw) else {
            let known = RateName.allCases.map(\.rawValue).joined(separator: ", ")
            throw fail(nameNode, "unknown rate '\(raw)'; expected one of: \(known)")
        }
        let valueNode = try required(map, "value", in: node, what)
        guard let value = WrittenPercentage(try string(valueNode, "'value'")) else {
            throw fail(valueNode, "'value' must be a percentage as the README writes it, like 88.5%")
        }
        let count = try map["count"].map { try integer($0, "'count'") }
        let total = try map["total"].map { try integer($0, "'total'") }
        if (count == nil) != (total == nil) {
            throw fail(node, "give both 'count' and 'total' (\"115 of the 130\"), or neither")
        }
        if let count, let total, count > total {
            throw fail(map["count"], "'count' \(count) is larger than 'total' \(total)")
        }
        return RateClaim(name, value, count: count, total: total, quote: quote)
    }
}

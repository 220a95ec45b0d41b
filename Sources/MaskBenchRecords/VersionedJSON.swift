import Foundation
import MaskBenchCore
import MaskBenchFiles

/// Reading the versioned JSON files MaskBench writes (metrics.json, baselines): the schema version is
/// checked before anything else, so a file from an older or newer MaskBench is refused by name.
public enum VersionedJSON {
    /// Decodes `path` as a `kind` file of schema `version`.
    ///
    /// - Parameters:
    ///   - kind: what the file is, for messages (`metrics.json`, `baseline`).
    ///   - versionHint: appended to the message when the schema version differs (how to get a current file).
    /// - Throws: ``MaskBenchFiles/FormatError`` naming the file: unreadable, not JSON, another schema version (naming both
    ///   versions), or malformed (naming the place: `at detector.ap: missing 'voc'`).
    public static func read<Document: Decodable>(
        _ type: Document.Type,
        path: String,
        kind: String,
        version: Int,
        versionHint: String = ""
    ) throws -> Document {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw FormatError(file: path, "cannot read: \(FileErrorReason.describe(error))")
        }
        let found: Version
        do {
            found = try JSONDecoder().decode(Version.self, from: data)
        } catch {
            throw FormatError(file: path, "not a \(kind) file: \(describe(error))")
        }
        guard found.schemaVersion == version else {
            let name = found.schemaVersion.map(String.init) ?? "none"
            throw FormatError(
                file: path,
                "\(kind) schema version \(name) is not supported; this maskbench reads version \(version)\(versionHint)"
            )
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw FormatError(file: path, "malformed \(kind): \(describe(error))")
        }
    }

    /// The one field every version has.
    private struct Version: Decodable {
        var schemaVersion: Int?
    }

    /// A decoding error as "at a.b[2]: what", instead of the `DecodingError` dump.
    static func describe(_ error: any Error) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "the top level" : String(text.drop { $0 == "." })
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            return "at \(path(context.codingPath)): missing '\(key.stringValue)'"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?, .dataCorrupted(let context)?:
            return "at \(path(context.codingPath)): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}

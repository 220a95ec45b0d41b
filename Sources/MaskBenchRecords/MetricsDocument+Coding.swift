import Foundation
import MaskBenchFiles

extension MetricsDocument {
    /// Pretty-printed JSON with sorted keys: the same document gives the same bytes.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// Reads a `metrics.json`, refusing other schema versions with a message naming both.
    ///
    /// - Throws: ``MaskBenchFiles/FormatError`` naming the file (see ``VersionedJSON/read(_:path:kind:version:versionHint:)``).
    public static func read(path: String) throws -> MetricsDocument {
        try VersionedJSON.read(MetricsDocument.self, path: path, kind: "metrics.json", version: currentSchemaVersion)
    }
}

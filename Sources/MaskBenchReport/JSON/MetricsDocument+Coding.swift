import Foundation

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
    public static func read(path: String) throws -> MetricsDocument {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ReportError(path: path, "cannot read the file (\(error.localizedDescription))")
        }
        struct Version: Decodable { var schemaVersion: Int? }
        let version: Version
        do {
            version = try JSONDecoder().decode(Version.self, from: data)
        } catch {
            throw ReportError(path: path, "not a metrics.json file: \(error)")
        }
        guard version.schemaVersion == currentSchemaVersion else {
            let found = version.schemaVersion.map(String.init) ?? "none"
            throw ReportError(
                path: path,
                "metrics.json schema version \(found) is not supported; this maskbench reads version \(currentSchemaVersion)"
            )
        }
        do {
            return try JSONDecoder().decode(MetricsDocument.self, from: data)
        } catch {
            throw ReportError(path: path, "malformed metrics.json: \(error)")
        }
    }
}

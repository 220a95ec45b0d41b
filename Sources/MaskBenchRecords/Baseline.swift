import Foundation
public import MaskBenchCore
import MaskBenchFiles

/// `Baselines/NAME.json`: a run the gate compares new runs with.
///
/// It holds what a paired comparison needs: the dataset fingerprint (a baseline is refused on other data),
/// the harness version and settings, the whole `metrics.json` of the run, and every face's outcome. It is
/// written only by `maskbench baseline record`, never as a side effect. The layout on disk is versioned by
/// ``schemaVersion``; ``read(path:)`` refuses any other version.
public struct Baseline: Sendable, Hashable, Codable {
    /// The schema this build writes and reads.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    /// The name given to `baseline record --name`.
    public var name: String
    /// `metrics.dataset.fingerprint` of the run: `sha256:` of the images and faces evaluated.
    public var datasetFingerprint: String
    /// `metrics.run.pipelineFingerprint` when `maskbench run` made the predictions (hashes of the weights and
    /// the settings); absent for a predictions file evaluated with `maskbench evaluate`.
    public var pipelineFingerprint: String?
    /// The tool and version that made the run.
    public var harness: MetricsDocument.Tool
    /// The evaluation settings of the run (also inside ``metrics``; here so a reader sees them first).
    public var settings: EvaluationSettings
    /// The run's `metrics.json`, whole.
    public var metrics: MetricsDocument
    /// Every ground-truth face's outcome, from the run's `faces.csv`, sorted by image then face.
    public var faces: [FaceRecord]
    /// The detections that matched no face, from the run's `extras.csv` (absent in runs without a report, and
    /// in baselines recorded before it was kept): with the faces' faceScores, the detector's AP per image.
    public var extras: [ExtraRecord]?

    /// A baseline of the run whose `metrics.json` and `faces.csv` are given.
    public init(name: String, metrics: MetricsDocument, faces: [FaceRecord], extras: [ExtraRecord]? = nil) {
        schemaVersion = Self.currentSchemaVersion
        self.name = name
        datasetFingerprint = metrics.dataset.fingerprint
        pipelineFingerprint = metrics.run?.pipelineFingerprint
        harness = metrics.tool
        settings = metrics.settings
        self.metrics = metrics
        self.faces = faces.sorted { $0.key < $1.key }
        self.extras = extras
    }

    /// Reads `DIR/metrics.json`, `DIR/faces.csv` and, when present, `DIR/extras.csv`: the output folder of
    /// `maskbench evaluate`.
    ///
    /// - Throws: ``MaskBenchFiles/FormatError`` naming the file for an unreadable, malformed or other-version
    ///   `metrics.json`, for a missing or malformed `faces.csv` or `extras.csv`, and for a `faces.csv` (or
    ///   `extras.csv`) whose rows recompute to other numbers than `metrics.json` holds (a table cut short, a
    ///   number edited by hand: ``MetricsDocument/disagreements(faces:extras:)``).
    public static func record(from directory: String, name: String) throws -> Baseline {
        let metrics = try MetricsDocument.read(path: directory + "/metrics.json")
        let facesPath = directory + "/faces.csv"
        guard FileManager.default.fileExists(atPath: facesPath) else {
            throw FormatError(
                file: facesPath, "no faces.csv beside metrics.json; run `maskbench evaluate --out \(directory)` again")
        }
        let extrasPath = directory + "/extras.csv"
        let extras =
            FileManager.default.fileExists(atPath: extrasPath) ? try BoxTables.readExtras(path: extrasPath) : nil
        let faces = try FaceOutcomesCSV.read(path: facesPath)
        let disagreements = metrics.disagreements(faces: faces, extras: extras)
        guard disagreements.isEmpty else {
            let list = RecordDisagreement.sentence(
                disagreements, recorded: "in metrics.json", recomputed: "from faces.csv")
            throw FormatError(
                file: facesPath,
                "faces.csv disagrees with metrics.json (\(faces.count) faces): \(list); was it cut short or edited by hand? Evaluate again"
            )
        }
        return Baseline(name: name, metrics: metrics, faces: faces, extras: extras)
    }

    /// Pretty-printed JSON with sorted keys and a final newline: the same baseline gives the same bytes.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// Writes the baseline to `path` atomically.
    ///
    /// - Throws: ``MaskBenchFiles/OutputError`` when the file cannot be written.
    public func write(to path: String) throws {
        try AtomicFile.write(try jsonData(), to: path)
    }

    /// Reads a baseline, refusing other schema versions with a message naming both.
    ///
    /// - Throws: ``MaskBenchFiles/FormatError`` naming the file when it cannot be read, is not a baseline, has another
    ///   schema version or is malformed.
    public static func read(path: String) throws -> Baseline {
        try VersionedJSON.read(
            Baseline.self,
            path: path,
            kind: "baseline",
            version: currentSchemaVersion,
            versionHint: " (record the baseline again with `maskbench baseline record`)"
        )
    }
}

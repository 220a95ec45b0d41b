import Foundation
public import MaskBenchCore
import MaskBenchFiles

/// `shard.json`: what one shard of a sharded `maskbench run` ran, written last and atomically, so that its
/// presence marks the shard complete.
///
/// `maskbench merge` checks the manifests of all shards against each other and against the ground truth before
/// it reads anything else: the same shard count, pipeline, ground truth and crop setting everywhere, every index
/// from 0 to N − 1 exactly once, and each shard holding exactly its images.
///
/// ```json
/// {"counts": {"cached": 0, "computed": 71, "failed": 0, "faces": 120}, "dataset": {"count": 214,
///  "fingerprint": "sha256:…"}, "format": "maskbench-shard", "groundTruthCrops": true, "images": {"count": 71,
///  "fingerprint": "sha256:…"}, "pipeline": {"fingerprint": "…", "name": "ssd-mobilenetv2"},
///  "shard": {"count": 3, "index": 1}, "tool": {"name": "maskbench", "version": "0.1.0"}, "version": 1}
/// ```
public struct ShardManifest: Sendable, Hashable, Codable {
    /// The value of ``format``.
    public static let formatName = "maskbench-shard"
    /// The version this build writes and reads.
    public static let currentVersion = 1

    /// Always ``formatName``.
    public var format: String
    /// ``currentVersion`` when written by this build.
    public var version: Int
    /// `K` and `N`.
    public var shard: Shard
    /// The pipeline that answered.
    public var pipeline: Pipeline
    /// The whole ground truth the shard was cut from.
    public var dataset: Part
    /// The shard's own images (``MaskBenchCore/Shard/images(of:)``).
    public var images: Part
    /// Whether the classifier also scored every ground-truth face alone (`run` without `--no-crops`).
    public var groundTruthCrops: Bool
    /// What happened to the shard's images.
    public var counts: Counts
    /// The program that wrote it.
    public var tool: Tool

    /// A pipeline's name, fingerprint and model files, as `metrics.json`'s `run` has them.
    public struct Pipeline: Sendable, Hashable, Codable {
        public var name: String
        public var fingerprint: String
        /// A built-in pipeline's model files (absent for an external worker): `metrics.json`'s `run.models`.
        public var models: [ModelFile]?

        public init(name: String, fingerprint: String, models: [ModelFile]? = nil) {
            self.name = name
            self.fingerprint = fingerprint
            self.models = models
        }
    }

    /// A set of images: its dataset fingerprint (`sha256:` of every image name and size and every face, in order)
    /// and how many images it has.
    public struct Part: Sendable, Hashable, Codable {
        public var fingerprint: String
        public var count: Int

        public init(fingerprint: String, count: Int) {
            self.fingerprint = fingerprint
            self.count = count
        }
    }

    /// Images the pipeline answered on this run, answered from the cache, and failed; faces it found.
    public struct Counts: Sendable, Hashable, Codable {
        public var computed: Int
        public var cached: Int
        public var failed: Int
        public var faces: Int

        public init(computed: Int, cached: Int, failed: Int, faces: Int) {
            self.computed = computed
            self.cached = cached
            self.failed = failed
            self.faces = faces
        }
    }

    /// A program's name and version.
    public struct Tool: Sendable, Hashable, Codable {
        public var name: String
        public var version: String

        public init(name: String, version: String) {
            self.name = name
            self.version = version
        }
    }

    /// A manifest of this build's version.
    public init(
        shard: Shard, pipeline: Pipeline, dataset: Part, images: Part, groundTruthCrops: Bool, counts: Counts,
        tool: Tool
    ) {
        format = Self.formatName
        version = Self.currentVersion
        self.shard = shard
        self.pipeline = pipeline
        self.dataset = dataset
        self.images = images
        self.groundTruthCrops = groundTruthCrops
        self.counts = counts
        self.tool = tool
    }

    /// The file's bytes: keys sorted, indented, a final line break.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    /// Reads the manifest at `path`.
    ///
    /// - Throws: ``FormatError`` naming the file when it cannot be read, is not a shard manifest, is of another
    ///   version, or holds a shard index that is not below its count.
    public static func read(path: String) throws -> ShardManifest {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw FormatError(file: path, "cannot read: \(FileErrorReason.describe(error))")
        }
        struct Header: Decodable {
            var format: String?
            var version: Int?
        }
        guard let header = try? JSONDecoder().decode(Header.self, from: data), header.format == formatName else {
            throw FormatError(file: path, "not a MaskBench shard manifest (no \"format\": \"\(formatName)\")")
        }
        guard header.version == currentVersion else {
            throw FormatError(
                file: path,
                "shard manifest version \(header.version.map(String.init) ?? "null"); this maskbench reads version \(currentVersion)"
            )
        }
        let manifest: ShardManifest
        do {
            manifest = try JSONDecoder().decode(ShardManifest.self, from: data)
        } catch {
            throw FormatError(file: path, "not a valid shard manifest: \(error)")
        }
        guard manifest.shard.count >= 1, (0..<manifest.shard.count).contains(manifest.shard.index) else {
            throw FormatError(file: path, "shard \(manifest.shard.index) of \(manifest.shard.count) is not a shard")
        }
        return manifest
    }
}

import Foundation
public import MaskBenchCore
public import MaskBenchFiles

/// The shards of one sharded `maskbench run`, checked and put together: what `maskbench merge` evaluates.
///
/// A shard folder holds `shard.json` (``ShardManifest``, written last), `predictions.jsonl`, `failures.jsonl`
/// and, when the classifier scored the ground-truth crops, `crops.jsonl` (``RunAnswerFiles``).
public struct ShardSet: Sendable {
    /// The manifests, by shard index.
    public var manifests: [ShardManifest]
    /// Every answered image's faces.
    public var predictions: PredictionSet
    /// Every answered image's ground-truth crop scores, when the shards scored them.
    public var cropScores: [String: [Double]]
    /// The images that failed, in ground-truth order.
    public var failures: [RunAnswerFiles.Failure]

    /// The file names inside a shard folder.
    public enum File {
        public static let manifest = "shard.json"
        public static let predictions = "predictions.jsonl"
        public static let failures = "failures.jsonl"
        public static let crops = "crops.jsonl"
    }

    /// Checks the shard folders against each other and against the ground truth, then reads them.
    ///
    /// Before reading any answers: every folder has a manifest; all have the same shard count, pipeline
    /// fingerprint, ground truth and crop setting, and the ground truth is `dataset`'s; every index from 0 to
    /// N − 1 is there exactly once; each shard's images are exactly those ``MaskBenchCore/Shard`` assigns it.
    /// Then each shard's answers must cover its images, each exactly once, and nothing else.
    ///
    /// - Parameters:
    ///   - folders: the shard folders, in any order.
    ///   - dataset: the ground truth, as the shards read it.
    ///   - fingerprint: the dataset fingerprint of a set of images (`maskbench`'s `Dataset.fingerprint()`).
    ///   - limits: the largest file and line read.
    /// - Throws: ``ShardSetError`` listing every problem found in the manifests, or the first in a shard's
    ///   answers; ``FormatError`` naming the file for an unreadable answers file.
    public static func read(
        _ folders: [String], dataset: Dataset, fingerprint: (Dataset) -> String, limits: ReadLimits = .defaults
    ) throws -> ShardSet {
        var problems: [String] = []
        var found: [(folder: String, manifest: ShardManifest)] = []
        for folder in folders {
            let path = folder + "/" + File.manifest
            guard FileManager.default.fileExists(atPath: path) else {
                problems.append(
                    "\(folder): no \(File.manifest): this shard has not finished (it is still running, failed or was stopped)"
                )
                continue
            }
            do {
                found.append((folder, try ShardManifest.read(path: path)))
            } catch let error as FormatError {
                problems.append(error.description)
            }
        }
        let datasetFingerprint = fingerprint(dataset)
        problems += disagreements(found, datasetFingerprint: datasetFingerprint)
        let counts = Set(found.map(\.manifest.shard.count))
        var byIndex: [Int: String] = [:]
        if counts.count == 1, let count = counts.first {
            for (folder, manifest) in found {
                if let first = byIndex[manifest.shard.index] {
                    problems.append("shard \(manifest.shard) is given twice: \(first) and \(folder)")
                } else {
                    byIndex[manifest.shard.index] = folder
                }
            }
            let missing = (0..<count).filter { byIndex[$0] == nil }
            if !missing.isEmpty {
                problems.append(
                    "missing \(missing.count == 1 ? "shard" : "shards") \(missing.map(String.init).joined(separator: ", ")) "
                        + "of \(count); run \(missing.count == 1 ? "it" : "them") again "
                        + "(Slurm: sbatch --array=\(ShardSetError.arrayValue(missing)) …), then merge again")
            }
        }
        guard problems.isEmpty, !found.isEmpty else {
            throw ShardSetError(problems: problems.isEmpty ? ["no shard folders given"] : problems)
        }

        // Each shard's images, then its answers.
        let ordered = found.sorted { $0.manifest.shard.index < $1.manifest.shard.index }
        var predictions: [String: [Prediction]] = [:]
        var cropScores: [String: [Double]] = [:]
        var failureReasons: [String: String] = [:]
        for (folder, manifest) in ordered {
            let part = manifest.shard.images(of: dataset)
            guard fingerprint(part) == manifest.images.fingerprint, part.images.count == manifest.images.count else {
                throw ShardSetError(problems: [
                    "\(folder): its images are not shard \(manifest.shard) of this ground truth "
                        + "(they were cut from it by another rule); run the shard again"
                ])
            }
            let names = Set(part.images.map(\.name))
            let answered = try PredictionJSONL.read(path: folder + "/" + File.predictions, limits: limits).predictions
            let failed = try RunAnswerFiles.readFailures(path: folder + "/" + File.failures, limits: limits)
            let crops =
                manifest.groundTruthCrops
                ? try RunAnswerFiles.readCropScores(path: folder + "/" + File.crops, limits: limits) : [:]
            func refuse(_ file: String, _ message: String) -> ShardSetError {
                ShardSetError(problems: ["\(folder)/\(file): \(message)"])
            }
            for image in answered.byImage.keys where !names.contains(image) {
                throw refuse(File.predictions, "image '\(image)' is not one of shard \(manifest.shard)'s images")
            }
            for failure in failed {
                guard names.contains(failure.image) else {
                    throw refuse(
                        File.failures, "image '\(failure.image)' is not one of shard \(manifest.shard)'s images")
                }
                guard answered.byImage[failure.image] == nil, failureReasons[failure.image] == nil else {
                    throw refuse(File.failures, "image '\(failure.image)' is answered or failed twice")
                }
                failureReasons[failure.image] = failure.reason
            }
            for image in crops.keys where answered.byImage[image] == nil {
                throw refuse(File.crops, "image '\(image)' has crop scores but no answer in \(File.predictions)")
            }
            let missing = names.filter { answered.byImage[$0] == nil && failureReasons[$0] == nil }
            if let example = missing.min(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                throw refuse(
                    File.predictions,
                    "\(missing.count) of shard \(manifest.shard)'s images have neither an answer nor a failure, "
                        + "such as '\(example)'; run the shard again")
            }
            predictions.merge(answered.byImage) { first, _ in first }
            cropScores.merge(crops) { first, _ in first }
        }
        let failures = dataset.images.compactMap { image in
            failureReasons[image.name].map { RunAnswerFiles.Failure(image: image.name, reason: $0) }
        }
        return ShardSet(
            manifests: ordered.map(\.manifest), predictions: PredictionSet(byImage: predictions),
            cropScores: cropScores, failures: failures)
    }

    /// Images the pipeline answered on the shards' runs, summed over the shards.
    public var computed: Int { manifests.reduce(0) { $0 + $1.counts.computed } }
    /// Images answered from the shards' caches, summed over the shards.
    public var cached: Int { manifests.reduce(0) { $0 + $1.counts.cached } }

    /// What the manifests disagree on, naming the shards on each side.
    private static func disagreements(
        _ found: [(folder: String, manifest: ShardManifest)], datasetFingerprint: String
    ) -> [String] {
        var problems: [String] = []
        func compare<Value: Hashable>(_ what: String, _ value: (ShardManifest) -> Value, show: (Value) -> String) {
            var groups: [Value: [String]] = [:]
            var order: [Value] = []
            for (folder, manifest) in found {
                let key = value(manifest)
                if groups[key] == nil { order.append(key) }
                groups[key, default: []].append(folder)
            }
            guard order.count > 1 else { return }
            let sides = order.map { "\(groups[$0]?.joined(separator: ", ") ?? "") \(show($0))" }
            problems.append("the shards differ in \(what): " + sides.joined(separator: "; "))
        }
        compare("their shard count N", { $0.shard.count }, show: { "have N = \($0)" })
        compare("their pipeline", { $0.pipeline.fingerprint }, show: { "ran '\($0)'" })
        compare("whether they scored ground-truth crops", { $0.groundTruthCrops }, show: { $0 ? "did" : "did not" })
        for (folder, manifest) in found where manifest.dataset.fingerprint != datasetFingerprint {
            problems.append(
                "\(folder): ran on another ground truth (dataset fingerprint \(manifest.dataset.fingerprint), "
                    + "\(manifest.dataset.count) images; --ground-truth gives \(datasetFingerprint))")
        }
        return problems
    }
}

/// Why shard folders cannot be merged: every problem found, each naming the folders concerned.
public struct ShardSetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One line per problem.
    public var problems: [String]

    public var description: String {
        problems.count == 1
            ? "cannot merge: \(problems[0])"
            : "cannot merge:\n" + problems.map { "  " + $0 }.joined(separator: "\n")
    }

    /// Shard indices as a Slurm `--array` value: runs of three or more as ranges (`1,4,6-9`).
    public static func arrayValue(_ indices: [Int]) -> String {
        var parts: [String] = []
        var start = 0
        let sorted = indices.sorted()
        while start < sorted.count {
            var end = start
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            if end - start >= 2 {
                parts.append("\(sorted[start])-\(sorted[end])")
            } else {
                parts += sorted[start...end].map(String.init)
            }
            start = end + 1
        }
        return parts.joined(separator: ",")
    }
}

/// One of `count` disjoint parts of a data set: the images a shard of a job array evaluates.
///
/// The rule is by position, not by content: the images are sorted by the bytes of their UTF-8 names (the order
/// of `LC_ALL=C sort`), and shard `index` takes image `i` of that order when `i mod count == index`. So a shard
/// reads only its own images (a content hash would make every node read every image to decide), the shards
/// together take every image exactly once, and the split does not depend on the ground truth's format or order.
public struct Shard: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `K`, from 0 to ``count`` − 1.
    public var index: Int
    /// `N`, the number of shards.
    public var count: Int

    /// The environment variables `--shard auto/N` reads `K` from, first set first: an explicit setting, then
    /// Slurm's array task id, then Kubernetes' Indexed Job completion index.
    public static let indexVariables = ["MASKBENCH_SHARD_INDEX", "SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"]

    /// Shard `index` of `count`.
    ///
    /// - Precondition: `0 <= index < count`.
    public init(index: Int, count: Int) {
        precondition(count >= 1 && (0..<count).contains(index), "shard \(index) of \(count)")
        self.index = index
        self.count = count
    }

    /// The shard a `--shard` value names: `K/N`, or `auto/N` with `K` from the first of ``indexVariables`` set
    /// in `environment`. `N` is always given: Slurm's task count is not the run's shard count when one task is
    /// submitted again alone (`--array=2` has a count of 1).
    ///
    /// - Returns: the shard, and the variable `K` came from (`nil` for `K/N`).
    /// - Throws: ``SpecificationError`` saying what is wrong: not `K/N` or `auto/N`, `N` below 1, `K` not below
    ///   `N`, or for `auto` no variable set or one that is not such a number.
    public static func parse(
        _ text: String, environment: [String: String]
    ) throws(SpecificationError) -> (shard: Shard, variable: String?) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let count = Int(parts[1]), count >= 1 else {
            throw SpecificationError(
                "--shard takes K/N or auto/N with N a whole number of shards, 1 or more; got '\(text)'")
        }
        if parts[0] == "auto" {
            guard let variable = indexVariables.first(where: { !(environment[$0] ?? "").isEmpty }),
                let value = environment[variable]
            else {
                throw SpecificationError(
                    "--shard auto/\(count): none of \(indexVariables.joined(separator: ", ")) is set; "
                        + "give the index as --shard K/\(count)")
            }
            guard let index = Int(value), (0..<count).contains(index) else {
                throw SpecificationError(
                    "--shard auto/\(count): \(variable)=\(value) is not a shard index from 0 to \(count - 1) "
                        + "(a Slurm array for \(count) shards is --array=0-\(count - 1))")
            }
            return (Shard(index: index, count: count), variable)
        }
        guard let index = Int(parts[0]), (0..<count).contains(index) else {
            throw SpecificationError("--shard \(text): K must be a shard index from 0 to \(count - 1)")
        }
        return (Shard(index: index, count: count), nil)
    }

    /// The names of `images` in the canonical order the rule numbers them by: by the bytes of their UTF-8 names.
    public static func canonicalOrder(_ names: [String]) -> [String] {
        names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Which images of `dataset` this shard takes, as a set of names.
    public func imageNames(of dataset: Dataset) -> Set<String> {
        let sorted = Self.canonicalOrder(dataset.images.map(\.name))
        return Set(stride(from: index, to: sorted.count, by: count).map { sorted[$0] })
    }

    /// This shard's images of `dataset`, in the dataset's order.
    public func images(of dataset: Dataset) -> Dataset {
        let names = imageNames(of: dataset)
        return Dataset(images: dataset.images.filter { names.contains($0.name) })
    }

    /// `K/N`.
    public var description: String { "\(index)/\(count)" }

    /// Why a `--shard` value cannot be used.
    public struct SpecificationError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong, naming the value or the variable.
        public var description: String

        /// An error saying `description`.
        public init(_ description: String) {
            self.description = description
        }
    }
}

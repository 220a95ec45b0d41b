/// A subset of images of the bag of little bootstraps: the statistics of its replicates see these images only.
public struct ImageSubset: Sendable, Hashable {
    /// The images, as indices into the whole set, ascending.
    public let images: [Int32]
    /// For each image of the whole set, its position in ``images``, or -1 when it is not in the subset.
    public let positions: [Int32]

    /// The subset of `images` (ascending indices) of a set of `imageCount` images.
    public init(images: [Int32], imageCount: Int) {
        self.images = images
        var positions = [Int32](repeating: -1, count: imageCount)
        for (position, image) in images.enumerated() { positions[Int(image)] = Int32(position) }
        self.positions = positions
    }

    /// The elements of a list whose element `i` belongs to image `elementImages[i]` that belong to the
    /// subset: their indices in the list, in order, and their images' positions in the subset.
    public func keep(_ elementImages: [Int32]) -> (indices: [Int], images: [Int32]) {
        var indices: [Int] = []
        var images: [Int32] = []
        for (index, image) in elementImages.enumerated() {
            let position = positions[Int(image)]
            if position >= 0 {
                indices.append(index)
                images.append(position)
            }
        }
        return (indices, images)
    }
}

extension SortedScores {
    /// The samples of `subset`'s images, in the same order, each image numbered by its position in the subset;
    /// all of them for `nil`.
    package func restricted(to subset: ImageSubset?) -> SortedScores {
        guard let subset else { return self }
        let (indices, images) = subset.keep(self.images)
        var restricted = self
        restricted.scores = indices.map { scores[$0] }
        restricted.labels = indices.map { labels[$0] }
        restricted.images = images
        return restricted
    }
}

extension RankedDetections {
    /// The detections of `subset`'s images, in the same order, with their images (`images[i]` is detection
    /// `i`'s) numbered by their position in the subset; all of them for `nil`. ``positives`` stays the whole
    /// set's: the bootstrap passes its own.
    package func restricted(to subset: ImageSubset?, images: [Int32]) -> (RankedDetections, images: [Int32]) {
        guard let subset else { return (self, images) }
        let (indices, positions) = subset.keep(images)
        return (
            RankedDetections(
                isTruePositive: indices.map { isTruePositive[$0] }, scores: indices.map { scores[$0] },
                positives: positives),
            positions
        )
    }
}

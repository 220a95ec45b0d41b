import Synchronization

/// Images already decoded in this process, kept by file path for a later reader of the same files, up to a
/// byte budget: when a new image would exceed it, the oldest kept ones are let go first.
///
/// `maskbench run` decodes every image for its pipeline; its report then cuts the gallery's thumbnails from
/// many of the same images. Keeping the last decodes saves decoding those twice. An image is kept as decoded
/// (its pixels are shared, not copied), so the budget counts each image's BGR bytes once.
public final class DecodedImages: Sendable {
    /// The most bytes of pixels kept at once.
    public let byteBudget: Int
    private let state = Mutex(State())

    private struct State {
        var images: [String: Image] = [:]
        /// Paths in the order they were kept; the live ones start at `first`.
        var order: [String] = []
        var first = 0
        var bytes = 0
    }

    /// A store keeping at most `byteBudget` bytes of pixels (the default is 128 MiB: the Kaggle sample's 214
    /// images take 71 MB).
    public init(byteBudget: Int = 128 << 20) {
        self.byteBudget = byteBudget
    }

    /// Keeps `image`, decoded from the file at `path`, unless it alone exceeds the budget or that path is kept
    /// already.
    public func keep(_ image: Image, decodedFrom path: String) {
        let size = image.pixels.count
        guard size <= byteBudget else { return }
        state.withLock { state in
            guard state.images[path] == nil else { return }
            state.images[path] = image
            state.order.append(path)
            state.bytes += size
            while state.bytes > byteBudget {
                let oldest = state.order[state.first]
                state.first += 1
                state.bytes -= state.images.removeValue(forKey: oldest)?.pixels.count ?? 0
            }
            if state.first > 1024, state.first * 2 > state.order.count {
                state.order.removeFirst(state.first)
                state.first = 0
            }
        }
    }

    /// The image kept for the file at `path`, if it is still kept.
    public func image(decodedFrom path: String) -> Image? {
        state.withLock { $0.images[path] }
    }

    /// How many bytes of pixels are kept now.
    public var keptBytes: Int {
        state.withLock { $0.bytes }
    }
}

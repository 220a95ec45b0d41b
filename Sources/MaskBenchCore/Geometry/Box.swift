/// How box corners map to pixels when areas and overlaps are computed.
///
/// `continuous` treats a box as the real rectangle `[x, x + width) × [y, y + height)`, as pycocotools does.
/// `inclusive` treats the corners as pixel indices that are both inside the box, so a box covers
/// `width + 1` by `height + 1` pixels: the Pascal VOC devkit, the Object-Detection-Metrics peer vectors
/// and the seed-001 notebooks compute IoU this way.
public enum PixelConvention: String, Sendable, Codable, CaseIterable {
    case continuous
    case inclusive

    /// What is added to a side length before it is multiplied into an area.
    @inlinable
    var extent: Double { self == .inclusive ? 1 : 0 }
}

/// An axis-aligned box in image pixels: top-left corner and size.
public struct Box: Sendable, Hashable, Codable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    @inlinable
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// Creates a box from its two corners (`maxX = x + width`).
    @inlinable
    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.init(x: minX, y: minY, width: maxX - minX, height: maxY - minY)
    }

    @inlinable public var maxX: Double { x + width }
    @inlinable public var maxY: Double { y + height }

    /// The area under `pixels`; never negative.
    @inlinable
    public func area(pixels: PixelConvention = .continuous) -> Double {
        max(0, width + pixels.extent) * max(0, height + pixels.extent)
    }

    /// Intersection over union with `other`, in `[0, 1]`.
    ///
    /// Symmetric. Two boxes of zero area that do not overlap have IoU 0 (not NaN).
    /// With `.inclusive` pixels, widths and heights gain one pixel, and so does the intersection when
    /// the boxes share at least a column or row (the VOC devkit's `iw = min(x2) - max(x1) + 1`, clamped at 0).
    @inlinable
    public func iou(with other: Box, pixels: PixelConvention = .continuous) -> Double {
        let e = pixels.extent
        let iw = min(maxX, other.maxX) - max(x, other.x) + e
        let ih = min(maxY, other.maxY) - max(y, other.y) + e
        guard iw > 0, ih > 0 else { return 0 }
        let inter = iw * ih
        let union = area(pixels: pixels) + other.area(pixels: pixels) - inter
        return union > 0 ? inter / union : 0
    }

    /// The share of this box's area that lies inside `region`: what pycocotools takes as the IoU
    /// of a detection (this box) with a crowd region, the union being the detection's own area.
    ///
    /// 0 when the box has no area. With `.inclusive` pixels, the intersection and the area gain one pixel per
    /// side as in ``iou(with:pixels:)``.
    @inlinable
    public func fraction(inside region: Box, pixels: PixelConvention = .continuous) -> Double {
        let e = pixels.extent
        let iw = min(maxX, region.maxX) - max(x, region.x) + e
        let ih = min(maxY, region.maxY) - max(y, region.y) + e
        guard iw > 0, ih > 0 else { return 0 }
        let own = area(pixels: pixels)
        return own > 0 ? iw * ih / own : 0
    }

    /// The part of the box inside a `width` × `height` image.
    public func clamped(toWidth imageWidth: Double, height imageHeight: Double) -> Box {
        let x0 = min(max(x, 0), imageWidth)
        let y0 = min(max(y, 0), imageHeight)
        let x1 = min(max(maxX, 0), imageWidth)
        let y1 = min(max(maxY, 0), imageHeight)
        return Box(minX: x0, minY: y0, maxX: x1, maxY: y1)
    }

    /// Whether the box lies inside a `width` × `height` image.
    public func isInside(width imageWidth: Double, height imageHeight: Double) -> Bool {
        x >= 0 && y >= 0 && maxX <= imageWidth && maxY <= imageHeight
    }
}

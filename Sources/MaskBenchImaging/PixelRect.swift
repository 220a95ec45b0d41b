/// A rectangle of whole pixels: columns `x..<x+width`, rows `y..<y+height`.
public struct PixelRect: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The first column.
    public var x: Int
    /// The first row.
    public var y: Int
    /// Columns covered; zero or negative means empty.
    public var width: Int
    /// Rows covered; zero or negative means empty.
    public var height: Int

    /// Creates a rectangle.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// Creates the rectangle from `(minX, minY)` up to, not including, `(maxX, maxY)`.
    public init(minX: Int, minY: Int, maxX: Int, maxY: Int) {
        self.init(x: minX, y: minY, width: maxX - minX, height: maxY - minY)
    }

    /// One past the last column.
    public var maxX: Int { x + width }
    /// One past the last row.
    public var maxY: Int { y + height }
    /// Whether the rectangle covers no pixel.
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    /// The part of the rectangle inside a `width`×`height` image; empty (with a non-negative origin) when
    /// they do not overlap.
    public func clamped(toWidth imageWidth: Int, height imageHeight: Int) -> PixelRect {
        let minX = min(max(x, 0), imageWidth)
        let minY = min(max(y, 0), imageHeight)
        let maxX = min(max(self.maxX, minX), imageWidth)
        let maxY = min(max(self.maxY, minY), imageHeight)
        return PixelRect(minX: minX, minY: minY, maxX: maxX, maxY: maxY)
    }

    /// `x,y width×height`, as in `10,20 30×40`.
    public var description: String { "\(x),\(y) \(width)×\(height)" }
}

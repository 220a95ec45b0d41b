// MARK: - Cropping and resizing

extension Image {
    /// The part of the image inside `rect`, clamped to the image; a 0×0 image when they do not overlap.
    public func cropped(to rect: PixelRect) -> Image {
        let inside = rect.clamped(toWidth: width, height: height)
        guard !inside.isEmpty else { return Image(width: 0, height: 0, pixels: []) }
        var out = [UInt8]()
        out.reserveCapacity(inside.width * inside.height * Self.channels)
        for row in inside.y..<inside.maxY {
            let start = (row * width + inside.x) * Self.channels
            out.append(contentsOf: pixels[start..<(start + inside.width * Self.channels)])
        }
        return Image(width: inside.width, height: inside.height, pixels: out)
    }

    /// The image scaled down so that its longer side is at most `maxSide` pixels, keeping its aspect ratio.
    ///
    /// Each output pixel is the area-weighted mean of the source pixels it covers (as OpenCV's `INTER_AREA`
    /// when shrinking), rounded to the nearest integer. Images that already fit are returned unchanged; the
    /// shorter side never drops below one pixel.
    ///
    /// - Parameter maxSide: The largest allowed width or height; values below 1 are treated as 1.
    public func resized(toFit maxSide: Int) -> Image {
        let limit = max(maxSide, 1)
        let longer = max(width, height)
        guard longer > limit, width > 0, height > 0 else { return self }
        let scale = Double(limit) / Double(longer)
        let newWidth = max(1, min(limit, Int((Double(width) * scale).rounded())))
        let newHeight = max(1, min(limit, Int((Double(height) * scale).rounded())))
        let columns = Self.areaWeights(from: width, to: newWidth)
        let rows = Self.areaWeights(from: height, to: newHeight)

        // Horizontal pass into floats, then vertical pass into bytes.
        var horizontal = [Float](repeating: 0, count: height * newWidth * Self.channels)
        for row in 0..<height {
            let source = row * width * Self.channels
            let target = row * newWidth * Self.channels
            for (column, taps) in columns.enumerated() {
                var sums: (Float, Float, Float) = (0, 0, 0)
                for tap in taps {
                    let index = source + tap.index * Self.channels
                    sums.0 += Float(pixels[index]) * tap.weight
                    sums.1 += Float(pixels[index + 1]) * tap.weight
                    sums.2 += Float(pixels[index + 2]) * tap.weight
                }
                let index = target + column * Self.channels
                horizontal[index] = sums.0
                horizontal[index + 1] = sums.1
                horizontal[index + 2] = sums.2
            }
        }
        var out = [UInt8](repeating: 0, count: newHeight * newWidth * Self.channels)
        let rowLength = newWidth * Self.channels
        for (row, taps) in rows.enumerated() {
            for offset in 0..<rowLength {
                var sum: Float = 0
                for tap in taps { sum += horizontal[tap.index * rowLength + offset] * tap.weight }
                out[row * rowLength + offset] = UInt8(min(max(sum.rounded(), 0), 255))
            }
        }
        return Image(width: newWidth, height: newHeight, pixels: out)
    }

    /// For each of `target` output cells, the source cells it overlaps and the share of each (summing to 1).
    private static func areaWeights(from source: Int, to target: Int) -> [[(index: Int, weight: Float)]] {
        let step = Double(source) / Double(target)
        return (0..<target).map { cell in
            let start = Double(cell) * step
            let end = min(Double(cell + 1) * step, Double(source))
            var taps: [(index: Int, weight: Float)] = []
            var position = start
            while position < end - 1e-9 {
                let index = Int(position)
                let next = min(Double(index + 1), end)
                taps.append((index, Float((next - position) / step)))
                position = next
            }
            return taps
        }
    }
}

// MARK: - Drawing

extension Image {
    /// Draws the outline of `rect` in `color`, `thickness` pixels wide, inside the rectangle's bounds.
    ///
    /// The part of the outline outside the image is skipped, so boxes that leave the image are drawn where
    /// they are visible. A thickness below 1 draws nothing; a thickness of half the rectangle or more fills it.
    public mutating func drawRectangle(_ rect: PixelRect, color: Color, thickness: Int = 1) {
        guard thickness > 0, !rect.isEmpty else { return }
        let band = min(thickness, (min(rect.width, rect.height) + 1) / 2)
        fill(PixelRect(x: rect.x, y: rect.y, width: rect.width, height: band), color: color)
        fill(PixelRect(x: rect.x, y: rect.maxY - band, width: rect.width, height: band), color: color)
        fill(PixelRect(x: rect.x, y: rect.y, width: band, height: rect.height), color: color)
        fill(PixelRect(x: rect.maxX - band, y: rect.y, width: band, height: rect.height), color: color)
    }

    /// Paints the part of `rect` inside the image with `color`.
    public mutating func fill(_ rect: PixelRect, color: Color) {
        let inside = rect.clamped(toWidth: width, height: height)
        guard !inside.isEmpty else { return }
        for row in inside.y..<inside.maxY {
            var index = (row * width + inside.x) * Self.channels
            for _ in 0..<inside.width {
                pixels[index] = color.blue
                pixels[index + 1] = color.green
                pixels[index + 2] = color.red
                index += Self.channels
            }
        }
    }
}

// MARK: - Orientation

extension Image {
    /// The image mirrored left to right (`cv::flip(img, img, 1)`).
    func flippedHorizontally() -> Image {
        var out = pixels
        for row in 0..<height {
            for column in 0..<width {
                let source = (row * width + column) * Self.channels
                let target = (row * width + (width - 1 - column)) * Self.channels
                out[target] = pixels[source]
                out[target + 1] = pixels[source + 1]
                out[target + 2] = pixels[source + 2]
            }
        }
        return Image(width: width, height: height, pixels: out)
    }

    /// The image upside down (`cv::flip(img, img, 0)`).
    func flippedVertically() -> Image {
        var out = [UInt8]()
        out.reserveCapacity(pixels.count)
        let rowLength = width * Self.channels
        for row in stride(from: height - 1, through: 0, by: -1) {
            out.append(contentsOf: pixels[(row * rowLength)..<((row + 1) * rowLength)])
        }
        return Image(width: width, height: height, pixels: out)
    }

    /// The image mirrored about its main diagonal (`cv::transpose`): rows become columns.
    func transposed() -> Image {
        var out = [UInt8](repeating: 0, count: pixels.count)
        for row in 0..<height {
            for column in 0..<width {
                let source = (row * width + column) * Self.channels
                let target = (column * height + row) * Self.channels
                out[target] = pixels[source]
                out[target + 1] = pixels[source + 1]
                out[target + 2] = pixels[source + 2]
            }
        }
        return Image(width: height, height: width, pixels: out)
    }

    /// The image turned upright for an EXIF orientation tag, as OpenCV's `ApplyExifOrientation` does.
    ///
    /// - Parameter orientation: The EXIF value 1–8; other values leave the image unchanged.
    func applyingEXIFOrientation(_ orientation: Int) -> Image {
        switch orientation {
        case 2: return flippedHorizontally()
        case 3: return flippedHorizontally().flippedVertically()
        case 4: return flippedVertically()
        case 5: return transposed()
        case 6: return transposed().flippedHorizontally()
        case 7: return transposed().flippedHorizontally().flippedVertically()
        case 8: return transposed().flippedVertically()
        default: return self
        }
    }
}

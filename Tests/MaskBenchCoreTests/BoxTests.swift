import MaskBenchCore
import MaskBenchTestSupport
import Testing

@Suite struct BoxTests {
    @Test func identicalBoxesHaveIoUOne() {
        let box = Box(x: 3, y: 4, width: 10, height: 20)
        #expect(box.iou(with: box) == 1)
        #expect(box.iou(with: box, pixels: .inclusive) == 1)
    }

    @Test func disjointAndTouchingBoxesHaveZeroContinuousIoU() {
        let a = Box(x: 0, y: 0, width: 10, height: 10)
        #expect(a.iou(with: Box(x: 20, y: 20, width: 5, height: 5)) == 0)
        #expect(a.iou(with: Box(x: 10, y: 0, width: 10, height: 10)) == 0)
    }

    @Test func touchingBoxesShareAColumnUnderInclusivePixels() {
        // Columns 0...10 and 10...20 share column 10: 11 of 11+11-11... pixels.
        let a = Box(minX: 0, minY: 0, maxX: 10, maxY: 10)
        let b = Box(minX: 10, minY: 0, maxX: 20, maxY: 10)
        #expect(a.iou(with: b, pixels: .inclusive).isClose(to: 11.0 / (121 + 121 - 11)))
    }

    @Test func halfOverlapIsOneThird() {
        let a = Box(x: 0, y: 0, width: 10, height: 10)
        let b = Box(x: 5, y: 0, width: 10, height: 10)
        #expect(a.iou(with: b).isClose(to: 1.0 / 3))
    }

    @Test func zeroAreaBoxesGiveZeroNotNaN() {
        let point = Box(x: 1, y: 1, width: 0, height: 0)
        #expect(point.iou(with: point) == 0)
    }

    @Test(arguments: [
        (Box(x: 0, y: 0, width: 4, height: 3), Box(x: 1, y: 1, width: 5, height: 5)),
        (Box(x: 10.5, y: 2, width: 7, height: 1), Box(x: 9, y: 1.5, width: 3, height: 9)),
        (Box(x: -3, y: -3, width: 4, height: 4), Box(x: 0, y: 0, width: 1, height: 1)),
    ])
    func iouIsSymmetricAndWithinZeroAndOne(a: Box, b: Box) {
        for pixels in PixelConvention.allCases {
            let ab = a.iou(with: b, pixels: pixels)
            #expect(ab == b.iou(with: a, pixels: pixels))
            #expect(ab >= 0 && ab <= 1)
        }
    }

    @Test func clampingKeepsThePartInsideTheImage() {
        // maksssksksss616: with_mask [394, 92, 401, 111] on a 400-pixel-wide image.
        let box = Box(minX: 394, minY: 92, maxX: 401, maxY: 111)
        #expect(!box.isInside(width: 400, height: 267))
        #expect(box.clamped(toWidth: 400, height: 267) == Box(minX: 394, minY: 92, maxX: 400, maxY: 111))
    }
}

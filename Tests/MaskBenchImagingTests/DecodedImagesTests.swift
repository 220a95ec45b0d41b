import MaskBenchImaging
import Testing

@Suite struct DecodedImagesTests {
    /// A `width`×`height` image of one grey level.
    private func image(_ width: Int, _ height: Int, grey: UInt8 = 7) -> Image {
        Image(width: width, height: height, pixels: [UInt8](repeating: grey, count: width * height * 3))
    }

    @Test func keepsImagesUpToTheBudgetAndLetsTheOldestGoFirst() {
        let store = DecodedImages(byteBudget: 150)
        store.keep(image(5, 4, grey: 1), decodedFrom: "a.png")  // 60 bytes
        store.keep(image(5, 4, grey: 2), decodedFrom: "b.png")
        #expect(store.keptBytes == 120)
        store.keep(image(5, 4, grey: 3), decodedFrom: "c.png")
        #expect(store.image(decodedFrom: "a.png") == nil)
        #expect(store.image(decodedFrom: "b.png") == image(5, 4, grey: 2))
        #expect(store.image(decodedFrom: "c.png") == image(5, 4, grey: 3))
        #expect(store.keptBytes == 120)
    }

    @Test func anImageLargerThanTheBudgetIsNotKeptAndDropsNothing() {
        let store = DecodedImages(byteBudget: 100)
        store.keep(image(2, 2), decodedFrom: "small.png")
        store.keep(image(10, 10), decodedFrom: "large.png")
        #expect(store.image(decodedFrom: "large.png") == nil)
        #expect(store.image(decodedFrom: "small.png") != nil)
        #expect(store.keptBytes == 12)
    }

    @Test func aPathKeptTwiceCountsOnceAndKeepsTheFirstImage() {
        let store = DecodedImages(byteBudget: 1000)
        store.keep(image(2, 2, grey: 1), decodedFrom: "a.png")
        store.keep(image(2, 2, grey: 9), decodedFrom: "a.png")
        #expect(store.keptBytes == 12)
        #expect(store.image(decodedFrom: "a.png") == image(2, 2, grey: 1))
    }

    @Test func aLongRunKeepsOnlyTheLastImagesThatFit() {
        let store = DecodedImages(byteBudget: 30)
        for n in 0..<5000 { store.keep(image(1, 1, grey: UInt8(n % 256)), decodedFrom: "\(n).png") }
        #expect(store.keptBytes == 30)
        #expect(store.image(decodedFrom: "4989.png") == nil)
        for n in 4990..<5000 { #expect(store.image(decodedFrom: "\(n).png") == image(1, 1, grey: UInt8(n % 256))) }
    }
}

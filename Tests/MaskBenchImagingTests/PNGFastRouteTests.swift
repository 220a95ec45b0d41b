import Foundation
import MaskBenchCore
import MaskBenchTestSupport
import Testing

@testable import MaskBenchImaging

/// The faster PNG route (libdeflate, only the kept bytes unfiltered) against libpng alone, on files written
/// here with every filter type, and on every one-byte corruption of them.
@Suite struct PNGFastRouteTests {
    /// bit depth, colour type: the four kinds the faster route takes, and two it leaves to libpng.
    static let kinds: [(bitDepth: UInt8, colorType: UInt8)] = [(8, 2), (8, 6), (16, 2), (16, 6), (8, 0), (16, 4)]

    @Test(arguments: 0..<kinds.count)
    func everyFilterTypeDecodesAsLibpngDoes(_ kind: Int) throws {
        let (bitDepth, colorType) = Self.kinds[kind]
        var generator = SplitMix64(seed: UInt64(kind) + 1)
        // 23×17: odd sizes; rows cycle through filters 0–4 with random bytes, so predictions wrap around.
        let file = TestPNG.make(
            width: 23, height: 17, bitDepth: bitDepth, colorType: colorType, idatChunks: 3, generator: &generator)
        let reference = try PNGDecoder.decode(file, name: "t.png", pixelBudget: 1 << 20, route: .libpng)
        #expect(reference.size == ImageSize(width: 23, height: 17))
        #expect(try PNGDecoder.decode(file, name: "t.png", pixelBudget: 1 << 20) == reference)
        // The faster route takes 8/16-bit RGB and RGBA, and leaves the rest to libpng.
        let fast = try? PNGDecoder.decode(file, name: "t.png", pixelBudget: 1 << 20, route: .fast)
        if colorType == 2 || colorType == 6 {
            #expect(fast == reference)
        } else {
            #expect(fast == nil)
        }
    }

    @Test func everyOneByteCorruptionEndsAsLibpngEndsIt() throws {
        var generator = SplitMix64(seed: 7)
        let file = TestPNG.make(
            width: 5, height: 4, bitDepth: 16, colorType: 6, idatChunks: 2, generator: &generator)
        var differences: [Int] = []
        for position in 8..<file.count {
            for recomputeCRC in [false, true] {
                var bytes = file
                bytes[position] ^= 0x5A
                if recomputeCRC { TestPNG.fixCRCs(&bytes) }
                let fast = Result { try PNGDecoder.decode(bytes, name: "c.png", pixelBudget: 1 << 20) }
                let reference = Result {
                    try PNGDecoder.decode(bytes, name: "c.png", pixelBudget: 1 << 20, route: .libpng)
                }
                switch (fast, reference) {
                case (.success(let a), .success(let b)) where a == b: break
                case (.failure(let a), .failure(let b)) where "\(a)" == "\(b)": break
                default: differences.append(position)
                }
            }
        }
        #expect(differences.isEmpty, "the routes disagree after corrupting bytes at \(differences)")
    }

    @Test func truncationAnywhereEndsAsLibpngEndsIt() throws {
        var generator = SplitMix64(seed: 11)
        let file = TestPNG.make(width: 9, height: 6, bitDepth: 8, colorType: 2, idatChunks: 2, generator: &generator)
        for length in 0..<file.count {
            let bytes = Array(file.prefix(length))
            let fast = Result { try PNGDecoder.decode(bytes, name: "t.png", pixelBudget: 1 << 20) }
            let reference = Result {
                try PNGDecoder.decode(bytes, name: "t.png", pixelBudget: 1 << 20, route: .libpng)
            }
            #expect("\(fast)" == "\(reference)", "cut at \(length) bytes")
        }
    }
}

/// Writes PNG files with chosen filter types and uncompressed ("stored") deflate blocks.
enum TestPNG {
    static func make(
        width: Int, height: Int, bitDepth: UInt8, colorType: UInt8, idatChunks: Int,
        generator: inout SplitMix64
    ) -> [UInt8] {
        let channels = [0: 1, 2: 3, 4: 2, 6: 4][Int(colorType)] ?? 3
        let rowBytes = width * channels * Int(bitDepth) / 8
        var raw: [UInt8] = []
        for y in 0..<height {
            raw.append(UInt8(y % 5))
            for _ in 0..<rowBytes { raw.append(UInt8(truncatingIfNeeded: generator.next())) }
        }
        var ihdr = bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        ihdr += [bitDepth, colorType, 0, 0, 0]
        let stream = zlibStored(raw)
        var file: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10] + chunk("IHDR", ihdr)
        let part = (stream.count + idatChunks - 1) / idatChunks
        for start in stride(from: 0, to: stream.count, by: part) {
            file += chunk("IDAT", Array(stream[start..<min(start + part, stream.count)]))
        }
        return file + chunk("IEND", [])
    }

    /// Rewrites every chunk's CRC so a corruption inside a chunk reaches the decoder.
    static func fixCRCs(_ bytes: inout [UInt8]) {
        var offset = 8
        while offset + 12 <= bytes.count {
            let length = Int(bytes[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            guard length <= bytes.count - offset - 12 else { return }
            let crc = PNGChunkCRC.crc32(bytes[(offset + 4)..<(offset + 8 + length)])
            bytes.replaceSubrange((offset + 8 + length)..<(offset + 12 + length), with: bigEndian(crc))
            offset += length + 12
        }
    }

    private static func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + body
        return bigEndian(UInt32(body.count)) + typed + bigEndian(PNGChunkCRC.crc32(typed))
    }

    private static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let count = min(65535, data.count - start)
            let final: UInt8 = start + count == data.count ? 1 : 0
            out += [final, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            out += data[start..<start + count]
            start += count
        } while start < data.count
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return out + bigEndian(b << 16 | a)
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}

/// The faster route on the real Kaggle photos (8-bit and 16-bit RGBA, 8-bit RGB): it takes every one, and
/// its pixels are cv2.imread's.
@Suite struct PNGFastRouteOnSharedImagesTests {
    // Needs ../shared (Kaggle images); skipped on a fresh machine.
    @Test(.enabled(if: ImagingVectors.sharedAvailable, "needs ../shared/datasets and ../shared/reference"))
    func theFasterRouteTakesEveryKagglePNGAndMatchesImread() throws {
        let pngs = ImagingVectors.sharedCases.filter { $0.path.hasPrefix("datasets/kaggle-face-mask/") }
        var mismatches: [String] = []
        for vector in pngs {
            let bytes = try [UInt8](Data(contentsOf: vector.url))
            let image = try? PNGDecoder.decode(bytes, name: vector.path, pixelBudget: 1 << 26, route: .fast)
            if image.map(ImagingVectors.sha256) != vector.sha256 { mismatches.append(vector.path) }
        }
        #expect(pngs.count >= 214)
        #expect(mismatches.isEmpty, "the faster route did not take these, or differs from cv2.imread: \(mismatches)")
    }
}

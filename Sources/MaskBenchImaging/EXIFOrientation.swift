/// Reads the EXIF orientation tag (0x0112) of a JPEG or PNG, as OpenCV's `ExifReader` does for `imread`.
enum EXIFOrientation {
    /// The orientation 1–8 from the first APP1 `Exif` segment before the scan; 1 (upright) when the file
    /// has none or it cannot be parsed.
    static func read(fromJPEG bytes: [UInt8]) -> Int {
        var offset = 2  // after SOI
        while offset + 4 <= bytes.count, bytes[offset] == 0xFF {
            let marker = bytes[offset + 1]
            if marker == 0xFF {  // fill byte
                offset += 1
                continue
            }
            if marker == 0xDA || marker == 0xD9 { break }  // start of scan, end of image
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let start = offset + 4
            let end = offset + 2 + length
            guard length >= 2, end <= bytes.count else { break }
            if marker == 0xE1, end - start >= 6, Array(bytes[start..<(start + 6)]) == Array("Exif\0\0".utf8) {
                return orientation(inTIFF: bytes[(start + 6)..<end]) ?? 1
            }
            offset = end
        }
        return 1
    }

    /// The orientation 1–8 from a PNG's `eXIf` chunk before the first `IDAT` (OpenCV reads it with the
    /// header, so a chunk after the image data does not count); 1 when there is none.
    static func read(fromPNG bytes: [UInt8]) -> Int {
        var offset = 8  // after the signature
        while offset + 8 <= bytes.count {
            let length = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let start = offset + 8
            guard length <= bytes.count - start, type != "IDAT" else { break }
            if type == "eXIf" { return orientation(inTIFF: bytes[start..<(start + length)]) ?? 1 }
            offset = start + length + 4  // data, then CRC
        }
        return 1
    }

    /// Tag 0x0112 of IFD0 in a TIFF structure (little- or big-endian).
    private static func orientation(inTIFF tiff: ArraySlice<UInt8>) -> Int? {
        let base = tiff.startIndex
        guard tiff.count >= 8 else { return nil }
        let littleEndian: Bool
        switch (tiff[base], tiff[base + 1]) {
        case (0x49, 0x49): littleEndian = true
        case (0x4D, 0x4D): littleEndian = false
        default: return nil
        }
        func uint(_ at: Int, _ size: Int) -> Int? {
            guard at >= 0, at + size <= tiff.count else { return nil }
            var value = 0
            for index in 0..<size {
                let byte = Int(tiff[base + at + (littleEndian ? size - 1 - index : index)])
                value = value << 8 | byte
            }
            return value
        }
        guard let ifd = uint(4, 4), let entries = uint(ifd, 2) else { return nil }
        for entry in 0..<entries {
            let at = ifd + 2 + entry * 12
            guard let tag = uint(at, 2) else { return nil }
            if tag == 0x0112 {
                guard let value = uint(at + 8, 2), (1...8).contains(value) else { return nil }
                return value
            }
        }
        return nil
    }
}

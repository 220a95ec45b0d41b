import Crypto
public import MaskBenchCore

extension Dataset {
    /// A SHA-256 of what the evaluation sees: every image's name and size and every face's label and box
    /// (and whether it is an ignore region), in order, written `sha256:<hex>`. The hashed bytes are the values
    /// themselves (lengths and counts as little-endian 64-bit integers, coordinates as their IEEE-754 bits), not
    /// text.
    ///
    /// It does not depend on the file format or its layout (whitespace, key order), only on the content: a
    /// gate compares fingerprints to refuse a baseline made on other data.
    public func fingerprint() -> String {
        // Binary, little-endian, length-prefixed: fast on 300k faces and unambiguous.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(faceCount * 33 + images.count * 40)
        func append(_ value: UInt64) {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
        func append(_ value: Double) { append((value + 0.0).bitPattern) }
        for image in images {
            let name = Array(image.name.utf8)
            append(UInt64(name.count))
            bytes.append(contentsOf: name)
            append(UInt64(bitPattern: Int64(image.width ?? -1)))
            append(UInt64(bitPattern: Int64(image.height ?? -1)))
            append(UInt64(image.faces.count))
            for face in image.faces {
                // The label's index; an ignore region adds 16 (crowd) or 32 (difficult), so ordinary faces hash
                // as they did before ignore regions existed.
                let region: UInt8 = face.ignoreRegion == .crowd ? 16 : face.ignoreRegion == .difficult ? 32 : 0
                bytes.append(UInt8(FaceClass.allCases.firstIndex(of: face.label) ?? 0) | region)
                append(face.box.x)
                append(face.box.y)
                append(face.box.width)
                append(face.box.height)
            }
        }
        return "sha256:" + SHA256.hash(data: bytes).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

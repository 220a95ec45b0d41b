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
        // Binary, little-endian, length-prefixed: fast on 300k faces and unambiguous. The bytes go to the hash a
        // chunk at a time (on 500,000 images they are 120 MB, and built whole they cost more than the hash).
        var stream = FingerprintStream()
        for image in images {
            var name = image.name
            name.withUTF8 { stream.append(count: $0.count, bytes: UnsafeRawBufferPointer($0)) }
            stream.append(UInt64(bitPattern: Int64(image.width ?? -1)))
            stream.append(UInt64(bitPattern: Int64(image.height ?? -1)))
            stream.append(UInt64(image.faces.count))
            for face in image.faces {
                // The label's index; an ignore region adds 16 (crowd) or 32 (difficult), so ordinary faces hash
                // as they did before ignore regions existed.
                let region: UInt8 = face.ignoreRegion == .crowd ? 16 : face.ignoreRegion == .difficult ? 32 : 0
                stream.append(face: UInt8(FaceClass.allCases.firstIndex(of: face.label) ?? 0) | region, face.box)
            }
        }
        return "sha256:" + stream.finalize().map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

/// The fingerprint's bytes on their way to SHA-256, through one fixed buffer.
private struct FingerprintStream {
    static let chunk = 1 << 16
    private var hash = SHA256()
    private var buffer = [UInt8](repeating: 0, count: chunk)
    private var used = 0

    /// Makes room for `count` more bytes, hashing what the buffer holds when they would not fit.
    private mutating func reserve(_ count: Int) {
        guard used + count > Self.chunk else { return }
        flush()
    }

    private mutating func flush() {
        let used = used
        buffer.withUnsafeBytes { hash.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<used])) }
        self.used = 0
    }

    /// Appends `value` as 8 little-endian bytes.
    mutating func append(_ value: UInt64) {
        reserve(8)
        let at = used
        buffer.withUnsafeMutableBytes { $0.storeBytes(of: value.littleEndian, toByteOffset: at, as: UInt64.self) }
        used += 8
    }

    /// Appends `count` as 8 little-endian bytes, then `bytes`.
    mutating func append(count: Int, bytes: UnsafeRawBufferPointer) {
        append(UInt64(count))
        if bytes.count > Self.chunk / 2 {
            flush()
            hash.update(bufferPointer: bytes)
            return
        }
        reserve(bytes.count)
        let at = used
        buffer.withUnsafeMutableBytes { UnsafeMutableRawBufferPointer(rebasing: $0[at...]).copyMemory(from: bytes) }
        used += bytes.count
    }

    /// Appends a face: its label byte, then its box's x, y, width and height as IEEE-754 bits (negative zero
    /// as zero).
    mutating func append(face label: UInt8, _ box: Box) {
        reserve(33)
        let at = used
        buffer.withUnsafeMutableBytes { bytes in
            func store(_ value: Double, _ offset: Int) {
                bytes.storeBytes(of: (value + 0.0).bitPattern.littleEndian, toByteOffset: at + offset, as: UInt64.self)
            }
            bytes[at] = label
            store(box.x, 1)
            store(box.y, 9)
            store(box.width, 17)
            store(box.height, 25)
        }
        used += 33
    }

    /// The SHA-256 of every byte appended.
    mutating func finalize() -> SHA256.Digest {
        flush()
        return hash.finalize()
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

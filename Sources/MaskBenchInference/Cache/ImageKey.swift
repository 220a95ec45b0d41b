package import Crypto
import Foundation
package import MaskBenchCore

/// What a cached result is keyed by, besides the pipeline's fingerprint: the SHA-256 of the image file's
/// bytes and, when crops are asked, of the ground-truth boxes (their classifier scores depend on them).
package struct ImageKey: Sendable, Hashable, CustomStringConvertible {
    /// `<64 hex digits>` or `<64 hex digits>+<16 hex digits of the boxes' hash>`.
    package var description: String

    /// The key of the image at `path` asked with `boxes`.
    ///
    /// - Throws: ``RunnerError`` naming the file when it cannot be read.
    package init(imageAt path: String, boxes: [Box]) throws {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        } catch {
            throw RunnerError(file: path, "cannot read: \(FileErrorReason.describe(error))")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
            }
        } catch {
            throw RunnerError(file: path, "cannot read: \(FileErrorReason.describe(error))")
        }
        self.init(imageDigest: hasher.finalize(), boxes: boxes)
    }

    /// The key of image bytes whose SHA-256 is `imageDigest`, asked with `boxes`.
    package init(imageDigest: SHA256.Digest, boxes: [Box]) {
        var key = Self.hex(imageDigest)
        if !boxes.isEmpty {
            var text = ""
            for box in boxes { text += "\(box.x),\(box.y),\(box.width),\(box.height);" }
            key += "+" + Self.hex(SHA256.hash(data: Data(text.utf8))).prefix(16)
        }
        description = key
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}

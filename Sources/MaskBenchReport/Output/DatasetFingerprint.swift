import Crypto
public import MaskBenchCore

extension Dataset {
    /// A SHA-256 of what the evaluation sees: every image's name and size and every face's label and box,
    /// in order, written `sha256:<hex>`.
    ///
    /// It does not depend on the file format or its layout (whitespace, key order), only on the content: a
    /// gate compares fingerprints to refuse a baseline made on other data.
    public func fingerprint() -> String {
        var hasher = SHA256()
        for image in images {
            var line =
                "image\t\(image.name)\t\(image.width.map(String.init) ?? "")\t\(image.height.map(String.init) ?? "")\n"
            for face in image.faces {
                let b = face.box
                line += "face\t\(face.label.rawValue)\t\(b.x)\t\(b.y)\t\(b.width)\t\(b.height)\n"
            }
            hasher.update(data: Array(line.utf8))
        }
        return "sha256:" + hasher.finalize().map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

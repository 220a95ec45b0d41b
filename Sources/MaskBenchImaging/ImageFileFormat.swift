/// The image file formats MaskBench reads, told apart by their first bytes rather than their extension.
public enum ImageFileFormat: String, Sendable, Hashable, CaseIterable {
    /// PNG: starts with `89 50 4E 47 0D 0A 1A 0A`.
    case png
    /// JPEG (JFIF, EXIF or bare): starts with `FF D8 FF`.
    case jpeg

    /// The number of leading bytes ``init(signature:)`` needs.
    public static let signatureLength = 8

    private static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    private static let jpegSignature: [UInt8] = [0xFF, 0xD8, 0xFF]

    /// The format whose signature `bytes` starts with, or `nil` for anything else.
    ///
    /// - Parameter bytes: The first bytes of a file; fewer than ``signatureLength`` is allowed and simply
    ///   matches less.
    public init?(signature bytes: some Collection<UInt8>) {
        if bytes.starts(with: Self.pngSignature) {
            self = .png
        } else if bytes.starts(with: Self.jpegSignature) {
            self = .jpeg
        } else {
            return nil
        }
    }
}

/// The size of a JPEG from its header, without decoding pixels (through ``JPEGDecoder/Session``).
enum JPEGHeader {
    /// Bytes read before the first attempt. Headers (SOF, then SOS) come first; only files with very large
    /// EXIF or ICC segments need more, and those are read whole on a second attempt.
    static let prefixLength = 256 * 1024

    /// Width and height of the JPEG at `path`.
    ///
    /// The corresponding C functions are `tjInitDecompress` and `tjDecompressHeader3`.
    ///
    /// - Throws: ``ImagingError`` with the C function and `tjGetErrorStr2`'s message.
    static func size(path: String) throws -> ImageSize {
        let session = try JPEGDecoder.Session(name: path)
        let prefix = try FileBytes.read(path: path, maxCount: prefixLength)
        do {
            return try session.header(of: prefix).size
        } catch let error as ImagingError where prefix.count == prefixLength {
            let whole = try FileBytes.read(path: path)
            guard whole.count > prefix.count else { throw error }
            return try session.header(of: whole).size
        }
    }
}

/// The message buffers the C shims write errors into (`err`, `errlen`).
extension Array where Element == CChar {
    /// The NUL-terminated text a C function wrote into this buffer (bytes that are not UTF-8 repaired).
    var cMessage: String {
        String(decoding: prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

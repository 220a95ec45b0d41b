/// Text that comes from outside (image names, labels, a worker's messages, anything quoted from a file) made
/// safe to print on a terminal: it cannot move the cursor, change colours or set the window title.
package enum TerminalText {
    /// `text` with every control character but line feed and tab (C0, DEL and the C1 range, where `U+009B`
    /// starts an escape sequence as ESC `[` does) shown as `\u{1b}`.
    package static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var shown = ""
        shown.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                shown += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
        return shown
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: false
        case 0x00..<0x20, 0x7F..<0xA0: true
        default: false
        }
    }
}

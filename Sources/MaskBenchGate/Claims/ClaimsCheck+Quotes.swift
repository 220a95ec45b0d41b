import Foundation

extension ClaimsCheck {
    /// Each quote against the line it names in the source's text: a quote not on its line is a finding
    /// (`wrong line`), saying where the text is instead, if anywhere. Whitespace is ignored, so neither a
    /// table row's padding nor a stray tab need be copied exactly.
    ///
    /// - Parameters:
    ///   - claims: The claims.
    ///   - lines: The source's lines, line 1 first.
    ///   - source: The source, as named in the findings.
    /// - Returns: One finding per distinct quote that is not on its line, in line order.
    public static func quotes(of claims: Claims, in lines: [String], source: String) -> [ClaimsFinding] {
        let normalized = lines.map(Self.withoutWhitespace)
        var seen: Set<ClaimQuote> = []
        var findings: [ClaimsFinding] = []
        let quotes = (claims.counts.map(\.quote) + claims.rates.map(\.quote)).sorted { $0.line < $1.line }
        for quote in quotes where seen.insert(quote).inserted {
            let text = Self.withoutWhitespace(quote.text)
            let index = quote.line - 1
            if normalized.indices.contains(index), normalized[index].contains(text) { continue }
            let found = normalized.indices.filter { normalized[$0].contains(text) }.map { $0 + 1 }
            let place =
                found.isEmpty
                ? "not found"
                : "found on line\(found.count == 1 ? "" : "s") \(found.map(String.init).joined(separator: ", "))"
            let shown = quote.text.count > 60 ? String(quote.text.prefix(57)) + "…" : quote.text
            findings.append(
                ClaimsFinding(
                    .wrongLine, "quote of line \(quote.line)",
                    [
                        ClaimsFinding.Evidence(value: "\"\(shown)\"", origin: "quoted", lines: [quote.line]),
                        ClaimsFinding.Evidence(value: place, origin: "in \(source)", lines: [], agrees: false),
                    ]))
        }
        return findings
    }

    /// The number of distinct quotes in `claims`.
    public static func quoteCount(_ claims: Claims) -> Int {
        Set(claims.counts.map(\.quote) + claims.rates.map(\.quote)).count
    }

    static func withoutWhitespace(_ text: String) -> String {
        String(text.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) }.map(Character.init))
    }
}

extension Claims {
    /// The local copy the line numbers refer to (``Source/lines``), relative to the claims file's folder,
    /// else to the current folder, with its lines; `nil` when there is none or it is in neither place.
    public func sourceLines() -> (path: String, lines: [String])? {
        guard let name = source.lines else { return nil }
        let beside = Self.joined((file as NSString).deletingLastPathComponent, name)
        for path in name.hasPrefix("/") ? [name] : [beside, name] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            return (path, text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        }
        return nil
    }

    /// `folder/name` with `..` taken against the folder's own components, so messages name
    /// `README.md` rather than `Baselines/claims/../../README.md`.
    package static func joined(_ folder: String, _ name: String) -> String {
        var parts: [Substring] = folder.split(separator: "/")
        for part in name.split(separator: "/") {
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if part != "." {
                parts.append(part)
            }
        }
        let path = parts.joined(separator: "/")
        return folder.hasPrefix("/") ? "/" + path : (path.isEmpty ? "." : path)
    }
}

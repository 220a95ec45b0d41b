import MaskBenchRecords

extension GateReport {
    /// The verdicts as GitHub Markdown, for a pull-request comment (`maskbench gate --markdown FILE`): a heading
    /// with the outcome, the settings that changed, the table, the reasons, the images that failed, and the
    /// images that gained or lost mistakes (the first 50 of each).
    ///
    /// Text from the inputs (metric names, image names, failure reasons) goes through ``markdownText(_:)``, so
    /// it cannot break the table or add formatting, links, images, HTML or mentions.
    public func markdown() -> String {
        var out = "### maskbench gate: \(summary)\n\n"
        if !settingChanges.isEmpty {
            out += "Settings changed (allowed by `--allow-settings-change`):\n\n"
            for change in settingChanges { out += "- \(Self.markdownText(change.description))\n" }
            out += "\n"
        }
        if !verdicts.isEmpty {
            out += "| " + Self.header.joined(separator: " | ") + " |\n"
            out += "|---|---:|---:|---:|---|---|\n"
            for v in verdicts {
                var cells = Self.cells(v).map(Self.markdownText)
                if v.outcome != .pass { cells[5] = "**\(cells[5])**" }
                out += "| " + cells.joined(separator: " | ") + " |\n"
            }
            out += "\n"
        }
        for v in verdicts where v.outcome != .pass {
            out += "- \(Self.markdownText(v.rule.metric)): \(v.outcome.rawValue): \(Self.markdownText(v.reason))\n"
        }
        for note in notes { out += "- \(Self.markdownText(note))\n" }
        if !newFailures.isEmpty {
            out += "\n" + Self.markdownText(failureText) + "\n\n"
            for failure in newFailures {
                out += "- \(Self.markdownText(failure.image)): \(Self.markdownText(failure.reason))\n"
            }
            out += "\n" + Self.markdownText(failureConsequence) + "\n"
        }
        for (title, items) in [
            ("Images that gained mistakes", imagesWithNewMistakes.map { ($0.image, $0.gainedMistakes) }),
            ("Images that lost mistakes", imagesWithFixedMistakes.map { ($0.image, $0.lostMistakes) }),
        ] where !items.isEmpty {
            let faces = items.reduce(0) { $0 + $1.1 }
            out += "\n\(title) (\(Self.plural(items.count, "image")), \(Self.plural(faces, "face"))):\n\n"
            for (image, count) in items.prefix(Self.markdownListLimit) {
                out += "- \(Self.markdownText(image)): \(Self.plural(count, "face"))\n"
            }
            if items.count > Self.markdownListLimit {
                out += "- … and \(items.count - Self.markdownListLimit) more (the gate's text output lists them all)\n"
            }
        }
        return out
    }

    /// The most images each Markdown list shows: a comment stays readable (GitHub caps one at 65,536 characters).
    static let markdownListLimit = 50

    /// `text` as GitHub Markdown that shows as itself, in a paragraph, a list item or a table cell.
    ///
    /// The punctuation that starts Markdown syntax (`\` `` ` `` `*` `_` `[` `]` `|` `#` `~` `!` `@` `:`) is
    /// backslash-escaped, so no emphasis, code, link, image, table cell, mention or autolink (`http:`) can
    /// start; `<`, `>` and `&` become character references, so no HTML; line breaks and other control
    /// characters become spaces, so a line cannot end early.
    static func markdownText(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\\", "`", "*", "_", "[", "]", "|", "#", "~", "!", "@", ":":
                out += "\\"
                out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                    || scalar == "\u{2028}" || scalar == "\u{2029}"
                {
                    out += " "
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}

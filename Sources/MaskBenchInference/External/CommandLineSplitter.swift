/// Splits a command line into arguments without a shell: words separated by blanks, `'single'` and
/// `"double"` quotes group words, a backslash escapes the next character (outside single quotes).
///
/// No expansion of any kind happens (`$VAR`, `~`, globs, pipes): pass `--shell` for that.
enum CommandLineSplitter {
    /// The arguments of `command`.
    ///
    /// - Throws: ``ExternalWorkerError`` (``ExternalWorkerError/Kind/cannotStart``) for an unclosed quote, a
    ///   trailing backslash or an empty command.
    static func split(_ command: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in command {
            if escaped {
                current.append(character)
                escaped = false
                continue
            }
            if let open = quote {
                if character == open {
                    quote = nil
                } else if character == "\\" && open == "\"" {
                    escaped = true
                } else {
                    current.append(character)
                }
                continue
            }
            switch character {
            case " ", "\t", "\n":
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
            case "'", "\"":
                quote = character
                inWord = true
            case "\\":
                escaped = true
                inWord = true
            default:
                current.append(character)
                inWord = true
            }
        }
        if let quote {
            throw ExternalWorkerError(.cannotStart, "command '\(command)': unclosed \(quote) quote")
        }
        if escaped { throw ExternalWorkerError(.cannotStart, "command '\(command)': ends with a backslash") }
        if inWord { words.append(current) }
        guard !words.isEmpty else { throw ExternalWorkerError(.cannotStart, "the worker command is empty") }
        return words
    }
}

/// A problem with something the user gave MaskBench (a file, a folder, a flag, a model, a worker command)
/// that the user can fix: every module's input errors conform.
///
/// `maskbench` catches this one protocol, prints ``description`` and exits 2, so every input problem exits
/// the same way; exit 1 is kept for findings (a regression, failed images, an unmet target), and an error
/// that is not an input problem is MaskBench's own failure (see the README's exit codes).
///
/// Conforming types print the same way: ``location``, then ``message`` (`faces.csv:3:2: expected a face
/// index`), through the default ``description`` unless they have more to say.
public protocol InputProblem: Error, CustomStringConvertible {
    /// The file and the place in it, when the problem is in a file.
    var location: FileLocation? { get }
    /// What is wrong and, when it helps, what was expected and how to fix it.
    var message: String { get }
    /// Whether this value is the user's to fix; `true` unless a type also carries internal failures (an OpenCV
    /// exception) and says which are which.
    var isInputProblem: Bool { get }
}

extension InputProblem {
    public var isInputProblem: Bool { true }

    /// `location: message`, or the message alone when the problem is not in a file.
    public var description: String {
        guard let location else { return message }
        return "\(location): \(message)"
    }
}

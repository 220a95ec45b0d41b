/// For a prediction's image name the ground truth lacks, the ground-truth name it most likely means: the
/// same file under another extension (`seed001_001.png` for `seed001_001.jpg`), or the same file under
/// another folder prefix (`images/a.jpg` for `a.jpg`, or the other way round).
struct ImageNameHints {
    private var byStem: [String: [String]] = [:]
    private var byFile: [String: [String]] = [:]
    private var byFileStem: [String: [String]] = [:]

    /// An index of the ground truth's image names.
    init(_ names: some Sequence<String>) {
        for name in names {
            byStem[Self.stem(name), default: []].append(name)
            byFile[Self.file(name), default: []].append(name)
            byFileStem[Self.stem(Self.file(name)), default: []].append(name)
        }
    }

    /// The ground-truth name `name` most likely means, or `nil`.
    func closest(to name: String) -> String? {
        func pick(_ candidates: [String]?) -> String? {
            // The shortest, then the first in the ground truth.
            candidates?.filter { $0 != name }.min { $0.count < $1.count }
        }
        return pick(byStem[Self.stem(name)]) ?? pick(byFile[Self.file(name)])
            ?? pick(byFileStem[Self.stem(Self.file(name))])
    }

    /// `name` without its extension: `a/b.c.jpg` → `a/b.c`, lower-cased (file systems and exports disagree).
    static func stem(_ name: String) -> String {
        let lower = name.lowercased()
        guard let dot = lower.lastIndex(of: "."), !lower[dot...].contains("/") else { return lower }
        return String(lower[..<dot])
    }

    /// The last path component of `name`, lower-cased.
    static func file(_ name: String) -> String {
        let lower = name.lowercased()
        return lower.lastIndex(of: "/").map { String(lower[lower.index(after: $0)...]) } ?? lower
    }
}

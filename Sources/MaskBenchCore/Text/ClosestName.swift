/// The known name a misspelled one most likely meant, for "did you mean" hints (a header column, a
/// subcommand).
public enum ClosestName {
    /// Edits between `a` and `b`, ignoring case: insertions, deletions, substitutions and swaps of two
    /// neighbouring characters each count one (optimal string alignment distance).
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased())
        let b = Array(b.lowercased())
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        // Three rows of the table: two back (for swaps), one back, current.
        var older = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], older[j - 2] + 1)
                }
            }
            (older, previous, current) = (previous, current, older)
        }
        return previous[b.count]
    }

    /// The candidate nearest to `name` when it is near enough to be a misspelling of it: at most a third of
    /// the longer name's characters differ (at least one may). Of equally near candidates, the first.
    ///
    /// - Returns: `nil` when no candidate is that near, or `name` is one of them.
    public static func closest(to name: String, in candidates: some Sequence<String>) -> String? {
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let d = distance(name, candidate)
            guard d > 0 else { return nil }
            if d < best?.distance ?? .max { best = (candidate, d) }
        }
        guard let best, best.distance <= max(1, max(name.count, best.name.count) / 3) else { return nil }
        return best.name
    }
}

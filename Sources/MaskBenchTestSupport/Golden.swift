import Foundation

/// Golden files: expected outputs committed beside the tests, in `Snapshots/`.
///
/// A missing golden file, or `MASKBENCH_RECORD=1`, writes the actual output and fails, so a recording is
/// always looked at before it is committed. CI never records: it sets no such variable.
public enum Golden {
    /// Compares `actual` with `Snapshots/<name>` in the folder of `filePath`.
    ///
    /// - Returns: `nil` when equal, otherwise what went wrong (with the first differing line).
    public static func check(_ actual: String, named name: String, filePath: String = #filePath) -> String? {
        let folder = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
        let url = folder.appendingPathComponent(name)
        let record = ProcessInfo.processInfo.environment["MASKBENCH_RECORD"] == "1"
        guard !record, let expected = try? String(contentsOf: url, encoding: .utf8) else {
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try? actual.write(to: url, atomically: true, encoding: .utf8)
            return "recorded \(url.path); check it and run again"
        }
        guard expected != actual else { return nil }
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let line = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, e.count)
        let got = line < a.count ? String(a[line]) : "<end>"
        let want = line < e.count ? String(e[line]) : "<end>"
        return
            "\(name) differs at line \(line + 1):\n  expected: \(want)\n  actual:   \(got)\n(MASKBENCH_RECORD=1 re-records)"
    }
}

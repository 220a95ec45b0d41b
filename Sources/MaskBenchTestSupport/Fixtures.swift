import Foundation

/// Where tests find the package, its fixtures and the team's shared data (`../shared` beside the checkout).
public enum Fixtures {
    /// The package root, found from this file's path (never from the working directory).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `../shared` beside the checkout; `MASKBENCH_SHARED` overrides it.
    public static let shared: URL = {
        if let path = ProcessInfo.processInfo.environment["MASKBENCH_SHARED"] {
            return URL(fileURLWithPath: path)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }()

    /// `../shared/datasets`.
    public static let datasets = shared.appendingPathComponent("datasets")

    /// Whether the shared datasets are present (they are on CI; not on a fresh machine).
    public static let datasetsAvailable = FileManager.default.fileExists(atPath: datasets.path)

    /// Whether `../shared/bench` is present.
    public static let benchAvailable = FileManager.default.fileExists(
        atPath: shared.appendingPathComponent("bench/gen_dataset.py").path
    )

    /// A file inside `../shared/datasets`.
    public static func dataset(_ relativePath: String) -> URL {
        datasets.appendingPathComponent(relativePath)
    }
}

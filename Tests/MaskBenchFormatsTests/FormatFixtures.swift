import Foundation
import MaskBenchTestSupport

/// Paths of this target's fixtures, located from this file rather than the working directory.
enum FormatFixtures {
    /// `Tests/MaskBenchFormatsTests/Fixtures`.
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    /// The fixture at `relative` (to `Fixtures/`).
    static func path(_ relative: String) -> String { directory + "/" + relative }

    /// A new empty folder under the system's temporary folder; remove it with ``remove(_:)``.
    static func temporaryDirectory() throws -> String {
        try Command.temporaryDirectory().path
    }

    /// Writes `text` as `name` inside `directory`, returning the file's path.
    @discardableResult
    static func write(_ text: String, to name: String, in directory: String) throws -> String {
        let path = directory + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Copies the fixture at `relative` into `directory` as `name`.
    static func copy(_ relative: String, to name: String, in directory: String) throws {
        try FileManager.default.copyItem(atPath: path(relative), toPath: directory + "/" + name)
    }

    /// Deletes a folder made by ``temporaryDirectory()``.
    static func remove(_ directory: String) {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// The team's shared datasets (`<package root>/../shared/datasets`), absent on a fresh machine.
enum SharedDatasets {
    /// `<package root>/../shared/datasets`.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // MaskBenchFormatsTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .deletingLastPathComponent()
        .appendingPathComponent("shared/datasets").path

    /// The Kaggle face-mask subset (214 images).
    static let kaggle = root + "/kaggle-face-mask"

    /// Whether the Kaggle subset is present.
    static var kaggleAvailable: Bool {
        FileManager.default.fileExists(atPath: kaggle + "/annotations")
    }
}

import Foundation
import MaskBenchCore
import MaskBenchInference
import MaskBenchTestSupport

/// A small ground truth made at test time: `count` dummy image files (distinct bytes, not real images) and a
/// makesense CSV with one 10×10 face at the top-left of each, masked unless the name says `unmasked`. The
/// test worker answers exactly that face, so every image it answers is a perfect match.
struct RunnerFixture {
    let folder: URL
    let names: [String]

    /// `Workers/test_worker.py` beside this file.
    static let workerScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Workers/test_worker.py").path

    init(count: Int = 6) throws {
        folder = try Command.temporaryDirectory()
        let images = folder.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        names = (1...count).map { $0 % 3 == 2 ? "img\($0)-unmasked.jpg" : "img\($0).jpg" }
        var csv = ""
        for name in names {
            try Data("not really an image: \(name)".utf8).write(to: images.appendingPathComponent(name))
            let label = name.contains("unmasked") ? "without_mask" : "with_mask"
            csv += "\(label),0,0,10,10,\(name),100,100\n"
        }
        try Data(csv.utf8).write(to: groundTruthURL)
    }

    var groundTruthURL: URL { folder.appendingPathComponent("ground-truth.csv") }
    var imagesPath: String { folder.appendingPathComponent("images").path }
    var outPath: String { folder.appendingPathComponent("out").path }

    /// The images as runner items, each with its ground-truth box.
    var items: [RunItem] {
        names.map {
            RunItem(name: $0, path: imagesPath + "/" + $0, groundTruthBoxes: [Box(x: 0, y: 0, width: 10, height: 10)])
        }
    }

    /// `python3 test_worker.py MODE TARGET`.
    static func command(_ mode: String, _ target: String = "3") -> String {
        "python3 '\(workerScript)' \(mode) \(target)"
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}

import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchFormats
import Testing

/// Input that is no text file, or no UTF-8 text, is refused with the file and place instead of blocking the
/// reader or being read into something else.
@Suite struct HostileInputTests {
    /// Two names that differ only in bytes that are not UTF-8 both became `\u{FFFD}.png`: one image.
    @Test func csvFieldsThatAreNotUTF8AreRefusedWithFileAndLine() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let path = directory + "/gt.csv"
        var bytes = Data("with_mask,1,2,3,4,a.png,10,10\n".utf8)
        bytes += Data("with_mask,1,2,3,4,".utf8) + Data([0xFF]) + Data(".png,10,10\n".utf8)
        bytes += Data("with_mask,1,2,3,4,".utf8) + Data([0xFE]) + Data(".png,10,10\n".utf8)
        try bytes.write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: FormatError.self) {
            try GroundTruthReader.read(path: path, options: .init(format: .makesense))
        }
        #expect(error.file == path)
        #expect(error.line == 2)
        #expect(error.message == "field 6 is not valid UTF-8 text; save the file as UTF-8")
    }

    /// A FIFO given as ground truth or predictions blocked the reader until something wrote into it.
    @Test(arguments: ["gt.csv", "gt.json", "gt.xml", "gt"])
    func aFIFOIsRefusedAsGroundTruth(name: String) throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let path = directory + "/" + name
        #expect(mkfifo(path, 0o600) == 0)
        let error = try #require(throws: FormatError.self) { try GroundTruthReader.read(path: path) }
        #expect(error.file == path)
        #expect(error.message == "not a regular file but a FIFO (named pipe); give a file saved on disk")
    }

    @Test(arguments: ["p.csv", "p.jsonl", "p.json"])
    func aFIFOIsRefusedAsPredictions(name: String) throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let path = directory + "/" + name
        #expect(mkfifo(path, 0o600) == 0)
        let error = try #require(throws: FormatError.self) { try PredictionReader.parse(path: path) }
        #expect(error.file == path)
        #expect(error.message == "not a regular file but a FIFO (named pipe); give a file saved on disk")
    }

    /// A byte-order mark before the first line was "invalid JSON".
    @Test func aJSONLinesFileMayStartWithAByteOrderMark() throws {
        let loaded = try PredictionJSONL.decode(
            "\u{FEFF}{\"image\": \"a.png\", \"box\": [1, 2, 3, 4], \"faceScore\": 0.9, \"maskScore\": 0.2}\n",
            source: "p.jsonl")
        #expect(loaded.predictions["a.png"].map(\.faceScore) == [0.9])
    }

    /// COCO JSON starting with a byte-order mark was "invalid JSON" (ground truth and results alike); with
    /// the mark, both files must read and evaluate exactly as without it, whether the format is told by the
    /// extension or by the content.
    @Test(arguments: ["json", "annotations"])
    func cocoFilesMayStartWithAByteOrderMark(ext: String) throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let bom = Data([0xEF, 0xBB, 0xBF])
        let truthPath = directory + "/gt." + ext
        let resultsPath = directory + "/results.json"
        try (bom + Data(contentsOf: URL(fileURLWithPath: FormatFixtures.path("coco-gt.json"))))
            .write(to: URL(fileURLWithPath: truthPath))
        try (bom + Data(contentsOf: URL(fileURLWithPath: FormatFixtures.path("coco-results.json"))))
            .write(to: URL(fileURLWithPath: resultsPath))

        func evaluation(truth: String, results: String) throws -> Evaluation {
            let groundTruth = try GroundTruthReader.read(path: truth)
            let predictions = try PredictionReader.read(path: results, groundTruth: groundTruth)
            return Evaluator().evaluate(groundTruth.dataset, predictions.predictions)
        }
        let plain = try evaluation(
            truth: FormatFixtures.path("coco-gt.json"), results: FormatFixtures.path("coco-results.json"))
        let marked = try evaluation(truth: truthPath, results: resultsPath)
        #expect(marked == plain)
        #expect(marked.images == 3 && marked.predictions == 4)
    }
}

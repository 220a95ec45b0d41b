import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchTestSupport
import Testing

@testable import MaskBenchFormats

/// The COCO bulk readers (``JSONDocument/plainCOCODataset()``, ``JSONDocument/plainCOCOResults()``) against
/// the general readers: the same records, values and errors on every input, and a decline (then the general
/// reader) for every input outside the plain case.
@Suite struct COCOPlainReaderTests {
    /// What a reader gave: its value, or its error as printed.
    enum Outcome<Value: Equatable>: Equatable {
        case value(Value)
        case failure(String)

        init(_ body: () throws -> Value) {
            do {
                self = .value(try body())
            } catch {
                self = .failure("\(error)")
            }
        }
    }

    /// Parsed results, comparable.
    struct Results: Equatable {
        var detections: [COCODetection]
        var records: [Int32]
        var section: String?
        /// The printed values, so that `-0.0` and `0.0` differ.
        var text: String

        init(_ parsed: ParsedCOCODetections) {
            detections = parsed.detections
            records = parsed.records
            section = parsed.section
            text = "\(parsed.detections)"
        }
    }

    // MARK: - Routes

    /// The dataset as `readDataset(path:)` reads it: the bulk reader first, the general reader when it declines.
    static func automaticDataset(_ path: String) -> Outcome<COCODataset> {
        Outcome {
            let document = try JSONDocument(contentsOfFile: path)
            return try COCODatasetReader.withDataset(in: document) { $0 }
        }
    }

    /// The dataset read by the general reader only.
    static func generalDataset(_ path: String) -> Outcome<COCODataset> {
        Outcome {
            let document = try JSONDocument(contentsOfFile: path)
            return try document.withRoot { try COCODatasetReader.parse($0, document: document) }
        }
    }

    /// Whether the bulk reader accepts the file as a dataset.
    static func datasetIsPlain(_ path: String) throws -> Bool {
        try JSONDocument(contentsOfFile: path).plainCOCODataset() != nil
    }

    static func automaticResults(_ path: String) -> Outcome<Results> {
        Outcome { Results(try COCOResultsReader.parseDetections(path: path)) }
    }

    static func generalResults(_ path: String) -> Outcome<Results> {
        Outcome {
            let document = try JSONDocument(contentsOfFile: path)
            return Results(try document.withRoot { try COCOResultsReader.parse($0, document: document) })
        }
    }

    static func resultsArePlain(_ path: String) throws -> Bool {
        try JSONDocument(contentsOfFile: path).plainCOCOResults() != nil
    }

    /// Writes `json` to a temporary file and calls `body` with its path.
    static func withFile<T>(_ json: String, _ body: (String) throws -> T) throws -> T {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        return try body(try FormatFixtures.write(json, to: "input.json", in: directory))
    }

    // MARK: - Fixtures

    static let fixtures = [
        "coco-gt.json", "coco-bad-bbox.json", "coco-broken.json", "coco-duplicate-annotation.json",
        "coco-duplicate-image.json", "coco-unknown-category.json", "coco-results.json", "coco-results-empty.json",
        "coco-results-unknown-image.json",
    ]

    @Test(arguments: fixtures)
    func bothRoutesAgreeOnTheFixtures(name: String) {
        let path = FormatFixtures.path(name)
        #expect(Self.automaticDataset(path) == Self.generalDataset(path))
        #expect(Self.automaticResults(path) == Self.generalResults(path))
    }

    @Test func theWellFormedFixturesTakeTheBulkRoute() throws {
        #expect(try Self.datasetIsPlain(FormatFixtures.path("coco-gt.json")))
        #expect(try Self.resultsArePlain(FormatFixtures.path("coco-results.json")))
        #expect(try Self.resultsArePlain(FormatFixtures.path("coco-results-empty.json")))
        // Duplicate ids are found by the checks after reading, on either route.
        #expect(try Self.datasetIsPlain(FormatFixtures.path("coco-duplicate-image.json")))
        #expect(try !Self.datasetIsPlain(FormatFixtures.path("coco-bad-bbox.json")))
        #expect(try !Self.datasetIsPlain(FormatFixtures.path("coco-broken.json")))
    }

    // MARK: - Ground truth

    /// Inputs the bulk reader reads itself.
    static let plainDatasets: [String] = [
        // Integral numbers as ids and sizes, exponents, extra fields, sections in any order.
        #"{"categories": [{"id": 1.0, "name": "masked", "supercategory": null, "extra": [1, {"a": 2}]}], "info": {"x": [1, 2]}, "images": [{"id": 1e0, "file_name": "a.png", "width": 6.0, "height": 4, "license": 3}], "annotations": [{"id": 9007199254740992.0, "image_id": 1, "category_id": 1, "bbox": [1e1, -2.5, 0, 3E-1], "segmentation": [[1, 2, 3]], "area": 1.5e2, "iscrowd": 0}]}"#,
        // Repeated keys: the last one counts, `null` included; a repeated section replaces the first.
        #"{"images": [{"id": 5, "file_name": "old.png"}], "images": [{"id": 1, "id": 2, "file_name": "x", "file_name": "y.png", "width": 3, "width": null, "height": null, "height": 7}], "categories": [{"id": 1, "name": "unmasked", "supercategory": "face", "supercategory": null}], "annotations": [{"id": 1, "image_id": 2, "category_id": 1, "bbox": [0, 0, 5, 5], "bbox": [0, 0, 2, 3], "area": 1, "area": null, "iscrowd": 1, "iscrowd": null}, {"id": 2, "image_id": 2, "category_id": 1, "bbox": [1, 1, 1, 1], "iscrowd": true}, {"id": 3, "image_id": 2, "category_id": 1, "bbox": [1, 1, 1, 1], "iscrowd": false}]}"#,
        // Empty and null sections.
        #"{"images": [], "annotations": [], "categories": []}"#,
        #"{"images": null, "annotations": null, "categories": null}"#,
        // Unicode file names, written raw and escaped; escaped keys; negative zero sizes.
        #"{"images": [{"id": 1, "file_name": "visage-é.png"}, {"id": 2, "file_name": "\u9854\t\"q\".jpg"}, {"id": 3, "file\u005fname": "😷.png", "width": -0.0}], "categories": [{"id": 1, "name": "with_mask"}], "annotations": [{"id": 1, "image_id": 3, "category_id": 1, "bbox": [0, 0, -0.0, 1]}]}"#,
        // Canonically equivalent names are the same Swift string: a duplicate for the checks on both routes.
        #"{"images": [{"id": 1, "file_name": "\u00e9.png"}, {"id": 2, "file_name": "e\u0301.png"}]}"#,
        // A check failing while a skipped value is not valid JSON: the syntax error is reported, as before.
        #"{"info": {"a" 1}, "images": [{"id": 1, "file_name": "a"}, {"id": 1, "file_name": "b"}]}"#,
        // Extreme but valid integers.
        #"{"images": [{"id": -9223372036854775808, "file_name": "a"}, {"id": 9223372036854775807, "file_name": "b"}]}"#,
    ]

    /// Inputs outside the plain case: the bulk reader declines, the general reader reports (or reads) them.
    static let declinedDatasets: [String] = [
        #"{"images": [{"id": 1.5, "file_name": "a"}]}"#,
        #"{"images": [{"id": 9007199254740994.0, "file_name": "a"}]}"#,
        #"{"images": [{"id": 9223372036854775808, "file_name": "a"}]}"#,
        #"{"images": [{"id": 100000000000000000000000000000, "file_name": "a"}]}"#,
        #"{"images": [{"id": "1", "file_name": "a"}]}"#,
        #"{"images": [{"id": 1}]}"#,
        #"{"images": [{"id": 1, "file_name": 7}]}"#,
        #"{"images": [{"id": 1, "file_name": "a", "width": -1}]}"#,
        #"{"images": [{"id": 1, "file_name": "a", "height": 2.5}]}"#,
        #"{"images": [7]}"#,
        #"{"images": {}}"#,
        #"{"annotations": []}"#,
        #"[]"#,
        #"{"images": []} {}"#,
        #"{"images": [{"id": 1, "file_name": "a"}], "categories": [{"id": 1}]}"#,
        #"{"images": [{"id": 1, "file_name": "a"}], "categories": [{"id": 1, "name": "m", "supercategory": 3}]}"#,
        #"{"images": [{"id": 1, "file_name": "a"}], "categories": [{"id": 1, "name": "masked"}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, -1, 1]}]}"#,
        #"{"images": [{"id": 1, "file_name": "a"}], "categories": [{"id": 1, "name": "masked"}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1]}]}"#,
        #"{"images": [{"id": 1, "file_name": "a"}], "categories": [{"id": 1, "name": "masked"}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1, 5]}]}"#,
        #"{"images": [{"id": 1, "file_name": "a"}], "categories": [{"id": 1, "name": "masked"}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, "0", 1, 1]}]}"#,
        #"{"images": [{"id": 1, "file_name": "a"}], "categories": [{"id": 1, "name": "masked"}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "iscrowd": 2}]}"#,
        #"{"images": [{"id": 1, "file_name": "a"}], "categories": [{"id": 1, "name": "masked"}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "iscrowd": 1.0}]}"#,
        #"{"images": [{"id": 1, "file_name": "a"}], "categories": [{"id": 1, "name": "masked"}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "area": -3}]}"#,
        #"{"images": [{"id": 1, "file_name": "a"}], "categories": [{"id": 1, "name": "masked"}], "annotations": [{"id": 1, "image_id": 1, "bbox": [0, 0, 1, 1]}]}"#,
        #"{"images": [{"id": 1, "file_name": "a"}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "area": "big"}]}"#,
        #"{"images": [{"id": 1, "file_name": "a"] }"#,
    ]

    @Test(arguments: plainDatasets)
    func plainDatasetsAreReadInBulkToTheSameValues(json: String) throws {
        try Self.withFile(json) { (path: String) throws in
            #expect(try Self.datasetIsPlain(path))
            #expect(Self.automaticDataset(path) == Self.generalDataset(path))
        }
    }

    @Test(arguments: declinedDatasets)
    func otherDatasetsAreDeclinedAndReadByTheGeneralReader(json: String) throws {
        try Self.withFile(json) { (path: String) throws in
            #expect(try !Self.datasetIsPlain(path))
            #expect(Self.automaticDataset(path) == Self.generalDataset(path))
        }
    }

    @Test func repeatedKeysAndNullsReadAsTheGeneralReaderReadsThem() throws {
        let coco = try Self.withFile(Self.plainDatasets[1]) { try COCODatasetReader.readDataset(path: $0) }
        #expect(coco.images == [COCODataset.Image(id: 2, fileName: "y.png", width: nil, height: 7)])
        #expect(coco.categories == [COCODataset.Category(id: 1, name: "unmasked", supercategory: nil)])
        #expect(coco.annotations.map(\.area) == [6, 1, 1])
        #expect(coco.annotations.map(\.isCrowd) == [false, true, false])
    }

    @Test func unicodeFileNamesAreUnescaped() throws {
        let coco = try Self.withFile(Self.plainDatasets[4]) { try COCODatasetReader.readDataset(path: $0) }
        #expect(coco.images.map(\.fileName) == ["visage-é.png", "顔\t\"q\".jpg", "😷.png"])
    }

    @Test func aSyntaxErrorInASkippedValueStillWinsOverALaterError() throws {
        let error = try Self.withFile(Self.plainDatasets[6]) { path in
            #expect(throws: FormatError.self) { try COCODatasetReader.read(path: path) }
        }
        #expect(error?.message.hasPrefix("invalid JSON: ") == true)
        #expect(error?.line == 1)
        #expect(error?.column == 15)
    }

    @Test func sectionsLongerThanAChunkAndRepeatedSectionsReadInFull() throws {
        // The bulk reader hands annotations over 1024 at a time; a repeated section replaces all of them.
        func annotations(_ ids: ClosedRange<Int>) -> String {
            ids.map { #"{"id": \#($0), "image_id": \#($0 % 3 + 1), "category_id": 1, "bbox": [\#($0), 0.5, 2, 3]}"# }
                .joined(separator: ", ")
        }
        let images = (1...3).map { #"{"id": \#($0), "file_name": "\#($0).png"}"# }.joined(separator: ", ")
        let head = #"{"images": [\#(images)], "categories": [{"id": 1, "name": "masked"}], "annotations": "#
        let once = head + "[\(annotations(1...2500))]}"
        let twice = head + "[\(annotations(1...3000))], \"annotations\": [\(annotations(5001...6100))]}"
        for json in [once, twice] {
            try Self.withFile(json) { (path: String) throws in
                #expect(try Self.datasetIsPlain(path))
                let automatic = Self.automaticDataset(path)
                #expect(automatic == Self.generalDataset(path))
                guard case .value(let coco) = automatic else { return }
                #expect(coco.annotations.map(\.id) == Array(json == once ? 1...2500 : 5001...6100))
            }
        }
        let results = (1...2500).map {
            #"{"image_id": \#($0 % 7), "category_id": 2, "bbox": [1, 2, 3, \#($0)], "score": 0.\#($0)}"#
        }
        let list = "[\(results.joined(separator: ", "))]"
        try Self.withFile(list) { (path: String) throws in
            #expect(try Self.resultsArePlain(path))
            let automatic = Self.automaticResults(path)
            #expect(automatic == Self.generalResults(path))
            guard case .value(let parsed) = automatic else { return }
            #expect(parsed.records == (0..<2500).map { Int32($0) })
        }
    }

    // MARK: - Results

    static let plainResults: [String] = [
        #"[{"image_id": 1, "category_id": 2, "bbox": [1.5, 2, 3e0, 4], "score": 0.25}, {"score": 1, "bbox": [0, 0, 0, 0], "category_id": 2.0, "image_id": 7, "id": 3, "area": "x", "segmentation": {"a": [1]}}]"#,
        #"[]"#,
        #"{"info": 1, "annotations": [{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.5}], "images": "skipped"}"#,
        // Each repeated `annotations` is read, its records numbered from 0.
        #"{"annotations": [{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.5}], "annotations": [{"image_id": 2, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.5}, {"image_id": 3, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.5}]}"#,
        #"[{"image_id": 1, "image_id": 4, "category_id": 1, "bbox": [9, 9, 9, 9], "bbox": [1, 2, 3, 4], "score": 3, "\u0073core": 2, "score": -0.0}]"#,
    ]

    static let declinedResults: [String] = [
        #"[{"image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4]}]"#,
        #"[{"image_id": 1.5, "category_id": 2, "bbox": [1, 2, 3, 4], "score": 1}]"#,
        #"[{"image_id": 1, "category_id": 2, "bbox": [1, 2, 3, -4], "score": 1}]"#,
        #"[{"image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4], "score": "1"}]"#,
        #"[{"image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4], "score": null}]"#,
        #"[[1, 2]]"#,
        #"{"images": []}"#,
        #"{"annotations": {}}"#,
        #"{"annotations": null}"#,
        #"[] []"#,
        #"[{"image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4], "score": 1]"#,
    ]

    @Test(arguments: plainResults)
    func plainResultsAreReadInBulkToTheSameValues(json: String) throws {
        try Self.withFile(json) { (path: String) throws in
            #expect(try Self.resultsArePlain(path))
            #expect(Self.automaticResults(path) == Self.generalResults(path))
        }
    }

    @Test(arguments: declinedResults)
    func otherResultsAreDeclinedAndReadByTheGeneralReader(json: String) throws {
        try Self.withFile(json) { (path: String) throws in
            #expect(try !Self.resultsArePlain(path))
            #expect(Self.automaticResults(path) == Self.generalResults(path))
        }
    }

    @Test func repeatedAnnotationsAreAllRead() throws {
        let parsed = try Self.withFile(Self.plainResults[3]) { try COCOResultsReader.parseDetections(path: $0) }
        #expect(parsed.detections.map(\.imageID) == [1, 2, 3])
        #expect(parsed.records == [0, 0, 1])
        #expect(parsed.section == "annotations")
    }

    // MARK: - The synthetic 5k set

    @Test(.enabled(if: BenchData.available, "needs ../shared/bench and python3 with numpy"))
    func bothRoutesAgreeOnTheSynthetic5kSet() throws {
        let files = try BenchData.files(images: 5000, tag: "5k")
        #expect(try Self.datasetIsPlain(files.groundTruth.path))
        #expect(try Self.resultsArePlain(files.detections.path))
        let dataset = Self.automaticDataset(files.groundTruth.path)
        #expect(dataset == Self.generalDataset(files.groundTruth.path))
        if case .value(let coco) = dataset { #expect(coco.annotations.count == 32823) }
        let results = Self.automaticResults(files.detections.path)
        #expect(results == Self.generalResults(files.detections.path))
        if case .value(let parsed) = results { #expect(parsed.detections.count == 48548) }
    }
}

import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchFormats
import Testing

/// COCO ground truth and COCO results on tiny fixtures (`Fixtures/coco-*.json`).
@Suite struct COCODatasetReaderTests {
    private static func fixture(_ name: String) -> String { FormatFixtures.path(name) }

    @Test func readsRawStructuresInFileOrder() throws {
        let coco = try COCODatasetReader.readDataset(path: Self.fixture("coco-gt.json"))
        #expect(coco.images.map(\.id) == [7, 3, 9])
        #expect(coco.images[1] == COCODataset.Image(id: 3, fileName: "a.png", width: 8, height: 8))
        #expect(coco.annotations.map(\.id) == [1, 2, 3, 4, 5])
        #expect(coco.annotations[1].bbox == Box(x: 0.5, y: 0.5, width: 2, height: 4))
        #expect(coco.annotations[2].area == 4)  // no `area`: width * height
        #expect(coco.annotations[3].isCrowd)
        #expect(coco.annotations[4].isCrowd == false)  // `iscrowd: false` is accepted too
        #expect(coco.categories.map(\.name) == ["with_mask", "without_mask", "mask_weared_incorrect"])
        #expect(coco.categories[0].supercategory == "face")
    }

    @Test func readsADatasetSortedByImageIdWithFacesInFileOrderAndCrowdsAsIgnoreRegions() throws {
        let loaded = try COCODatasetReader.read(path: Self.fixture("coco-gt.json"))
        #expect(loaded.format == .coco)
        let images = loaded.dataset.images
        #expect(images.map(\.name) == ["a.png", "b.png", "c.png"])
        #expect(images[0].width == 8)
        #expect(images[0].faces.map(\.label) == [.masked, .incorrect])
        #expect(
            images[1].faces == [
                GroundTruthFace(box: Box(x: 1, y: 1, width: 3, height: 3), label: .unmasked),
                GroundTruthFace(box: Box(x: 4, y: 4, width: 2, height: 2), label: .masked),
                GroundTruthFace(box: Box(x: 0, y: 0, width: 8, height: 8), label: .unmasked, ignoreRegion: .crowd),
            ])
        #expect(images[2].faces.isEmpty)
        #expect(
            loaded.diagnostics.map(\.description) == [
                "\(Self.fixture("coco-gt.json")): note: 1 crowd annotation is an ignore region (iscrowd 1): not faces "
                    + "to find; a detection on one is neither right nor wrong"
            ])
    }

    @Test func duplicateImageIdIsAnError() {
        let error = #expect(throws: FormatError.self) {
            try COCODatasetReader.readDataset(path: Self.fixture("coco-duplicate-image.json"))
        }
        #expect(error?.line == 5)
        #expect(error?.column == 12)
        #expect(error?.message == "images[2] (id 1): duplicate image id 1 (also images[0])")
    }

    @Test func duplicateAnnotationIdIsAnError() {
        let error = #expect(throws: FormatError.self) {
            try COCODatasetReader.readDataset(path: Self.fixture("coco-duplicate-annotation.json"))
        }
        #expect(error?.line == 5)
        #expect(error?.message == "annotations[1] (id 5): duplicate annotation id 5 (also annotations[0])")
    }

    @Test func unknownCategoryNameSaysHowToMapIt() {
        let path = Self.fixture("coco-unknown-category.json")
        let error = #expect(throws: FormatError.self) { try COCODatasetReader.read(path: path) }
        #expect(error?.file == path)
        #expect(error?.line == 9)
        #expect(
            error?.message == "category 'person' (id 4, 1 annotation) is not a known label; "
                + "map it with --label 'person=masked' (or =unmasked, =incorrect)")
    }

    @Test func unknownCategoryCanBeMappedOrCollected() throws {
        let path = Self.fixture("coco-unknown-category.json")
        let mapped = try COCODatasetReader.read(
            path: path,
            options: GroundTruthOptions(labelMap: LabelMap.defaults.setting("person", to: .unmasked))
        )
        #expect(mapped.dataset.images[0].faces.map(\.label) == [.masked, .unmasked])
        let collected = try COCODatasetReader.read(path: path, options: GroundTruthOptions(collectUnknownLabels: true))
        #expect(collected.dataset.images[0].faces.map(\.label) == [.masked])
        #expect(collected.diagnostics.count == 1)
        #expect(collected.diagnostics.first?.severity == .warning)
        #expect(collected.diagnostics.first?.line == 9)
    }

    @Test func brokenJSONNamesLineAndColumn() {
        let path = Self.fixture("coco-broken.json")
        let error = #expect(throws: FormatError.self) { try COCODatasetReader.readDataset(path: path) }
        #expect(error?.description == "\(path):4:3: invalid JSON: unexpected ']', expected a value")
    }

    @Test func badBoxNamesTheRecord() {
        let error = #expect(throws: FormatError.self) {
            try COCODatasetReader.readDataset(path: Self.fixture("coco-bad-bbox.json"))
        }
        #expect(error?.line == 5)
        #expect(error?.column == 57)
        #expect(
            error?.message == "annotations[1] (id 42): field 'bbox': expected 4 numbers [x, y, width, height], found 3")
    }

    @Test(arguments: [
        (#"{"images": [{"id": 1}]}"#, "images[0] (id 1): missing field 'file_name'"),
        (
            #"{"images": [{"id": "1", "file_name": "a.png"}]}"#,
            "images[0]: field 'id': expected an integer, found a string"
        ),
        (#"{"images": [7]}"#, "images[0]: expected an object, found an integer"),
        (#"{"annotations": []}"#, "missing 'images' array at the top level (not a COCO ground truth?)"),
        (#"[]"#, "expected a COCO object with 'images', 'annotations' and 'categories', found an array"),
        (#"{"images": {}}"#, "'images' must be an array, found an object"),
        (
            #"{"images": [{"id": 1, "file_name": "a.png"}, {"id": 2, "file_name": "a.png"}]}"#,
            "images[1] (id 2): duplicate file_name 'a.png' (also images[0] (id 1))"
        ),
        (
            #"{"images": [{"id": 1, "file_name": "a"}], "categories": [{"id": 1, "name": "masked"}], "annotations": [{"id": 1, "image_id": 2, "category_id": 1, "bbox": [0, 0, 1, 1]}]}"#,
            "annotations[0] (id 1): image_id 2 is not in 'images'"
        ),
        (
            #"{"images": [{"id": 1, "file_name": "a"}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1]}]}"#,
            "annotations[0] (id 1): category_id 1 is not in 'categories'"
        ),
        (
            #"{"images": [{"id": 1, "file_name": "a"}], "categories": [{"id": 1, "name": "masked"}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, -1, 1]}]}"#,
            "annotations[0] (id 1): field 'bbox': negative size in [0.0, 0.0, -1.0, 1.0]"
        ),
        (
            #"{"images": [{"id": 1, "file_name": "a"}], "categories": [{"id": 1, "name": "masked"}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "iscrowd": 2}]}"#,
            "annotations[0] (id 1): field 'iscrowd': expected true, false, 0 or 1, found 2"
        ),
    ])
    func malformedRecordsAreErrorsNamingThem(json: String, message: String) throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let path = try FormatFixtures.write(json, to: "gt.json", in: directory)
        let error = #expect(throws: FormatError.self) { try COCODatasetReader.readDataset(path: path) }
        #expect(error?.file == path)
        #expect(error?.line == 1)
        #expect(error?.message == message)
    }
}

@Suite struct COCOResultsReaderTests {
    private static func fixture(_ name: String) -> String { FormatFixtures.path(name) }

    private static func groundTruth() throws -> COCODataset {
        try COCODatasetReader.readDataset(path: fixture("coco-gt.json"))
    }

    @Test func readsResultsAsPredictionsByFileName() throws {
        let loaded = try COCOResultsReader.read(
            path: Self.fixture("coco-results.json"), groundTruth: try Self.groundTruth())
        #expect(loaded.format == .cocoResults)
        #expect(loaded.diagnostics.isEmpty)
        let set = loaded.predictions
        #expect(set.count == 4)
        #expect(
            set["b.png"] == [
                Prediction(box: Box(x: 1, y: 1, width: 3, height: 3), faceScore: 0.9, maskScore: 0, label: .unmasked),
                Prediction(box: Box(x: 4, y: 4, width: 2, height: 2), faceScore: 0.7, maskScore: 1, label: .masked),
            ])
        #expect(set["a.png"].map(\.label) == [.masked, .incorrect])
        #expect(set.byImage["c.png"] == [])  // every ground-truth image has an entry
    }

    @Test func emptyListIsValidAndGivesNoPredictions() throws {
        let gt = try Self.groundTruth()
        let raw = try COCOResultsReader.readDetections(path: Self.fixture("coco-results-empty.json"), groundTruth: gt)
        #expect(raw.detections.isEmpty)
        let loaded = try COCOResultsReader.read(path: Self.fixture("coco-results-empty.json"), groundTruth: gt)
        #expect(loaded.predictions.count == 0)
    }

    @Test func unknownImageIdIsAnErrorUnlessAllowed() throws {
        let gt = try Self.groundTruth()
        let path = Self.fixture("coco-results-unknown-image.json")
        let error = #expect(throws: FormatError.self) { try COCOResultsReader.read(path: path, groundTruth: gt) }
        #expect(
            error?.description
                == "\(path):3:16: [1]: image_id 42 is not in the ground truth (allow with --allow-unknown-images)")
        let allowed = try COCOResultsReader.read(path: path, groundTruth: gt, allowUnknownImages: true)
        #expect(allowed.predictions.count == 1)
        #expect(
            allowed.diagnostics.map(\.description) == [
                "\(path): warning: skipped 2 results of 1 image id not in the ground truth: 42"
            ])
    }

    @Test func acceptsADatasetWhoseAnnotationsCarryScores() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let path = try FormatFixtures.write(
            #"{"images": [], "categories": [], "annotations": [{"id": 0, "image_id": 3, "category_id": 1, "bbox": [0, 0, 2, 2], "area": 99, "score": 0.5}]}"#,
            to: "dets.json",
            in: directory
        )
        let raw = try COCOResultsReader.readDetections(path: path, groundTruth: try Self.groundTruth())
        #expect(
            raw.detections == [
                COCODetection(imageID: 3, categoryID: 1, bbox: Box(x: 0, y: 0, width: 2, height: 2), score: 0.5)
            ])
        #expect(raw.detections[0].area == 4)  // loadRes recomputes the area from the box
    }

    @Test func missingScoreNamesTheRecordInADataset() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let path = try FormatFixtures.write(
            "{\"annotations\": [\n {\"image_id\": 3, \"category_id\": 1, \"bbox\": [0, 0, 2, 2], \"score\": 1},\n {\"image_id\": 3, \"category_id\": 1, \"bbox\": [0, 0, 2, 2]}\n]}",
            to: "dets.json",
            in: directory
        )
        let error = #expect(throws: FormatError.self) {
            try COCOResultsReader.readDetections(path: path, groundTruth: try Self.groundTruth())
        }
        #expect(error?.description == "\(path):3:2: annotations[1]: missing field 'score'")
    }

    @Test func categoryTheGroundTruthLacksIsAnError() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let path = try FormatFixtures.write(
            #"[{"image_id": 3, "category_id": 8, "bbox": [0, 0, 2, 2], "score": 0.5}]"#,
            to: "dets.json",
            in: directory
        )
        let gt = try Self.groundTruth()
        #expect(try COCOResultsReader.readDetections(path: path, groundTruth: gt).detections.count == 1)
        let error = #expect(throws: FormatError.self) { try COCOResultsReader.read(path: path, groundTruth: gt) }
        #expect(
            error?.message == "category_id 8 is not among the ground truth's categories "
                + "(1 with_mask, 2 without_mask, 3 mask_weared_incorrect)")
    }
}

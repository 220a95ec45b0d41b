import MaskBenchCore
import MaskBenchFiles
import MaskBenchFormats
import Testing

@Suite struct GroundTruthReaderTests {
    @Test(arguments: [
        ("voc/annotations", GroundTruthFormat.voc),
        ("voc-single/one.xml", .voc),
        ("yolo/labels", .yolo),
        ("yolo/labels/street.txt", .yolo),
        ("makesense/export.csv", .makesense),
        ("makesense/with-header.csv", .makesense),
        ("dataroots/test_validation_metadata.csv", .dataroots),
        ("detect/tiny.json", .coco),
    ])
    func detectsTheFormat(fixture: String, format: GroundTruthFormat) throws {
        #expect(try GroundTruthReader.detectFormat(path: FormatFixtures.path(fixture)) == format)
    }

    @Test func sniffsTheContentOfAnUnfamiliarExtension() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let xml = try FormatFixtures.write("\n  <annotation></annotation>", to: "gt.voc", in: directory)
        let json = try FormatFixtures.write("{\"images\": []}", to: "gt.data", in: directory)
        let csv = try FormatFixtures.write("masked,1,2,3,4,a.jpg,10,10\n", to: "gt", in: directory)
        #expect(try GroundTruthReader.detectFormat(path: xml) == .voc)
        #expect(try GroundTruthReader.detectFormat(path: json) == .coco)
        #expect(try GroundTruthReader.detectFormat(path: csv) == .makesense)
    }

    @Test func aFolderOfBothXMLAndTxtIsAmbiguous() {
        let path = FormatFixtures.path("mixed")
        let error = #expect(throws: FormatError.self) { try GroundTruthReader.read(path: path) }
        #expect(error?.file == path)
        #expect(error?.message.contains("ambiguous") == true)
        #expect(error?.message.contains("Pascal VOC") == true)
        #expect(error?.message.contains("YOLO") == true)
        #expect(error?.message.contains("pass --format voc or --format yolo") == true)
    }

    @Test func theFormatOptionSettlesAnAmbiguousFolder() throws {
        let loaded = try GroundTruthReader.read(
            path: FormatFixtures.path("mixed"), options: GroundTruthOptions(format: .voc))
        #expect(loaded.format == .voc)
        #expect(loaded.dataset.images.map(\.name) == ["one.jpg"])
    }

    @Test func anUnrecognisedCSVNamesTheCandidates() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let path = try FormatFixtures.write(
            "file,label,x0,y0,x1,y1\na.jpg,masked,1,2,3,4\n", to: "gt.csv", in: directory)
        let error = #expect(throws: FormatError.self) { try GroundTruthReader.read(path: path) }
        #expect(error?.line == 1)
        #expect(error?.message.contains("cannot tell the ground-truth format") == true)
        #expect(error?.message.contains("makesense") == true)
        #expect(error?.message.contains("seed 001") == true)
        #expect(error?.message.contains("pass --format makesense or --format dataroots") == true)
    }

    @Test func aPredictionsFileIsNotTakenForGroundTruth() throws {
        let error = #expect(throws: FormatError.self) {
            try GroundTruthReader.read(path: FormatFixtures.path("predictions/predictions.csv"))
        }
        #expect(error?.message.contains("this is a predictions file") == true)
    }

    @Test func anEmptyFileOrMissingPathIsAnError() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let empty = try FormatFixtures.write("", to: "gt.csv", in: directory)
        #expect(throws: FormatError.self) { try GroundTruthReader.detectFormat(path: empty) }
        let error = #expect(throws: FormatError.self) { try GroundTruthReader.detectFormat(path: directory + "/nope") }
        #expect(error?.message == "cannot read: no such file or directory")
    }

    @Test func readsEachDetectedFormat() throws {
        let voc = try GroundTruthReader.read(path: FormatFixtures.path("voc/annotations"))
        #expect(voc.format == .voc && voc.dataset.faceCount == 3)
        let makesense = try GroundTruthReader.read(path: FormatFixtures.path("makesense/export.csv"))
        #expect(makesense.format == .makesense && makesense.dataset.faceCount == 4)
        let dataroots = try GroundTruthReader.read(
            path: FormatFixtures.path("dataroots/test_validation_metadata.csv"),
            options: GroundTruthOptions(split: "test"))
        #expect(dataroots.format == .dataroots && dataroots.dataset.faceCount == 3)
        let yolo = try GroundTruthReader.read(
            path: FormatFixtures.path("yolo/labels"),
            options: GroundTruthOptions(imagesDirectory: FormatFixtures.path("yolo/images")))
        #expect(yolo.format == .yolo && yolo.dataset.faceCount == 5)
        let coco = try GroundTruthReader.read(path: FormatFixtures.path("detect/tiny.json"))
        #expect(coco.format == .coco && coco.dataset.faceCount == 2)
    }

    @Test func aForcedFormatIsReadAsThatFormat() {
        let error = #expect(throws: FormatError.self) {
            try GroundTruthReader.read(
                path: FormatFixtures.path("makesense/export.csv"), options: GroundTruthOptions(format: .dataroots))
        }
        #expect(error?.message.contains("missing column") == true)
    }
}

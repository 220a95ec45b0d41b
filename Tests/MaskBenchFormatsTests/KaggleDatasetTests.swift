import MaskBenchCore
import MaskBenchFiles
import MaskBenchFormats
import MaskBenchImaging
import Testing

/// The shared Kaggle face-mask subset: 214 images, 1069 faces (see its PROVENANCE.md).
@Suite(.enabled(if: SharedDatasets.kaggleAvailable, "needs ../shared/datasets"))
struct KaggleDatasetTests {
    let annotations = SharedDatasets.kaggle + "/annotations"
    let images = SharedDatasets.kaggle + "/images"

    @Test func vocAnnotationsGiveThePublishedCounts() throws {
        let loaded = try GroundTruthReader.read(path: annotations)
        #expect(loaded.format == .voc)
        #expect(loaded.dataset.images.count == 214)
        #expect(loaded.dataset.faceCount == 1069)
        #expect(loaded.dataset.faceCounts() == [.masked: 821, .unmasked: 214, .incorrect: 34])
    }

    @Test func theOutOfBoundsBoxOf616IsClampedWithAWarning() throws {
        let loaded = try VOCReader.read(path: annotations)
        let warnings = loaded.diagnostics.filter { $0.severity == .warning }
        #expect(warnings.count == 1)
        let warning = try #require(warnings.first)
        #expect(warning.file.hasSuffix("/maksssksksss616.xml"))
        #expect(warning.message.contains("[394, 92, 401, 111]"))
        let image = try #require(loaded.dataset.images.first { $0.name == "maksssksksss616.png" })
        #expect(image.faces.contains { $0.box == Box(minX: 394, minY: 92, maxX: 400, maxY: 111) })
    }

    @Test func yoloLabelsEqualTheVOCBoxesShiftedByOnePixel() throws {
        let voc = try VOCReader.read(path: annotations).dataset
        let yolo = try YOLOReader.read(
            path: SharedDatasets.kaggle + "/annotations_yolo", options: GroundTruthOptions(imagesDirectory: images))
        #expect(yolo.dataset.images.count == 214)
        #expect(yolo.dataset.faceCount == 1069)
        #expect(yolo.dataset.faceCounts() == [.masked: 821, .unmasked: 214, .incorrect: 34])

        // The YOLO files were made with darknet's voc_label.py: centres shifted by -1 px, sizes exact.
        // They were made from the raw VOC boxes, so where VOC clamped `xmax = 401`, YOLO keeps width 7.
        let vocByName = Dictionary(uniqueKeysWithValues: voc.images.map { ($0.name, $0) })
        var compared = 0
        for image in yolo.dataset.images {
            let reference = try #require(vocByName[image.name])
            #expect(image.width == reference.width && image.height == reference.height)
            try #require(image.faces.count == reference.faces.count)
            for (face, expected) in zip(image.faces, reference.faces) {
                #expect(face.label == expected.label)
                let tolerance = 1e-6
                let wasClamped =
                    expected.box.maxX == Double(reference.width ?? 0) && face.box.width != expected.box.width
                #expect(abs(face.box.x - (expected.box.x - 1)) < tolerance, "\(image.name)")
                #expect(abs(face.box.y - (expected.box.y - 1)) < tolerance, "\(image.name)")
                #expect(abs(face.box.height - expected.box.height) < tolerance, "\(image.name)")
                #expect(abs(face.box.width - expected.box.width - (wasClamped ? 1 : 0)) < tolerance, "\(image.name)")
                compared += 1
            }
        }
        #expect(compared == 1069)
    }

    @Test(arguments: ["maksssksksss0.png", "maksssksksss616.png", "maksssksksss852.png"])
    func imageSizesMatchTheSummary(name: String) throws {
        let summary = try CSVReader.records(inFile: SharedDatasets.kaggle + "/SUMMARY.csv")
        let header = try #require(summary.first?.fields)
        let row = try #require(summary.first { $0.fields.first == name }?.fields)
        let width = try #require(header.firstIndex(of: "width").flatMap { Int(row[$0]) })
        let height = try #require(header.firstIndex(of: "height").flatMap { Int(row[$0]) })
        #expect(try ImageSize.read(path: images + "/" + name) == ImageSize(width: width, height: height))
    }

    @Test func validatingWithTheImagesFindsOnlyTheClampedBox() throws {
        let validation = try GroundTruthValidator.validate(
            path: annotations, options: GroundTruthOptions(imagesDirectory: images))
        #expect(validation.findings.map(\.kind) == [.boxOutsideImage])
    }
}

import MaskBenchCore
import MaskBenchFiles
import MaskBenchFormats
import Testing

@Suite struct GroundTruthValidatorTests {
    @Test func checksVOCAgainstTheImages() throws {
        let images = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(images) }
        try FormatFixtures.copy("images/rgb-8x6.png", to: "img1.png", in: images)
        try FormatFixtures.copy("images/not-an-image.png", to: "img2.png", in: images)
        try FormatFixtures.copy("images/rgba-5x3.png", to: "extra.png", in: images)
        let validation = try GroundTruthValidator.validate(
            path: FormatFixtures.path("voc/annotations"), options: GroundTruthOptions(imagesDirectory: images))
        #expect(validation.format == .voc)
        #expect(validation.dataset.faceCount == 3)
        #expect(
            validation.findings.map(\.kind) == [
                .boxOutsideImage, .imageWithoutFaces, .sizeMismatch, .missingImage, .unreadableImage, .unannotatedImage,
            ])
        #expect(
            validation.findings.map(\.image) == [
                "img1.png", "img2.png", "img1.png", "img10.png", "img2.png", "extra.png",
            ])
        let mismatch = try #require(validation.findings(of: .sizeMismatch).first)
        #expect(mismatch.message == "'img1.png' is annotated as 400×267 but the image is 8×6")
        #expect(validation.findings(of: .boxOutsideImage).first?.action == "clamped to the image: [394, 92, 400, 111]")
        #expect(
            validation.findings(of: .imageWithoutFaces).first?.action.hasPrefix("evaluated as an image with no faces")
                == true)
        #expect(validation.findings(of: .unreadableImage).first?.message.contains("not a PNG or JPEG image") == true)
        #expect(validation.findings(of: .unannotatedImage).first?.severity == .note)
        #expect(validation.hasWarnings)
    }

    @Test func collectsEveryBoxProblemOfACSVWithoutFailing() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let path = try FormatFixtures.write(
            """
            Foo,1,1,2,2,a.jpg,10,10
            masked,1,1,2,2,a.jpg,10,10
            unmasked,1,1,2,2,a.jpg,10,10
            masked,3,3,0,2,a.jpg,10,10
            masked,8,8,4,4,a.jpg,10,10

            """, to: "gt.csv", in: directory)
        let validation = try GroundTruthValidator.validate(path: path)
        #expect(validation.format == .makesense)
        #expect(validation.dataset.faceCount == 4)
        let found = validation.findings.map { "\($0.kind.rawValue)@\($0.line ?? 0)" }
        #expect(found == ["unknownLabel@1", "zeroAreaBox@4", "boxOutsideImage@5", "duplicateBox@3"])
        #expect(validation.findings(of: .unknownLabel).first?.action.hasPrefix("face skipped") == true)
        #expect(validation.findings(of: .duplicateBox).first?.message.contains("repeats the box on line 2") == true)
        #expect(validation.findings.allSatisfy { $0.file == path })
        #expect(validation.findings.first?.description.hasPrefix("\(path):1: warning: unknown label 'Foo'") == true)
    }

    @Test func aYOLOLabelFileWithoutItsImageIsAFindingNotAnError() throws {
        let labels = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(labels) }
        try FormatFixtures.copy("yolo/labels/street.txt", to: "street.txt", in: labels)
        try FormatFixtures.write("1 0.5 0.5 0.1 0.1\n", to: "ghost.txt", in: labels)
        let validation = try GroundTruthValidator.validate(
            path: labels, options: GroundTruthOptions(imagesDirectory: FormatFixtures.path("yolo/images")))
        #expect(validation.format == .yolo)
        #expect(validation.dataset.images.map(\.name) == ["street.png"])
        #expect(
            validation.findings.map(\.kind) == [.missingImage, .boxOutsideImage, .unannotatedImage, .unannotatedImage])
        #expect(validation.findings(of: .missingImage).first?.action.hasPrefix("skipped") == true)
    }

    @Test func checksTheResultOfTheCOCOReaderToo() throws {
        let path = FormatFixtures.path("detect/tiny.json")
        let validation = try GroundTruthValidator.validate(path: path)
        #expect(validation.format == .coco)
        // a.png's second box reaches (12, 12) on a 10×10 image; b.png has no annotations.
        #expect(validation.findings.map(\.kind) == [.boxOutsideImage, .imageWithoutFaces])
        #expect(validation.findings.first?.action == "kept as annotated; only [8, 8, 10, 10] lies inside the image")
        #expect(validation.findings.map(\.image) == ["a.png", "b.png"])
    }

    @Test func malformedInputStillThrows() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let path = try FormatFixtures.write("masked,1,2,3,x,a.jpg,10,10\n", to: "gt.csv", in: directory)
        let error = #expect(throws: FormatError.self) {
            try GroundTruthValidator.validate(path: path, options: GroundTruthOptions(format: .makesense))
        }
        #expect(error?.line == 1)
        #expect(error?.column == 5)
    }
}

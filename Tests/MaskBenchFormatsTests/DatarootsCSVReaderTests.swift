import MaskBenchCore
import MaskBenchFiles
import MaskBenchFormats
import Testing

@Suite struct DatarootsCSVReaderTests {
    let path = FormatFixtures.path("dataroots/test_validation_metadata.csv")

    @Test func readsEveryFaceWhenNoSplitIsAsked() throws {
        let loaded = try DatarootsCSVReader.read(path: path)
        #expect(loaded.format == .dataroots)
        let images = loaded.dataset.images
        #expect(images.map(\.name) == ["0.jpg", "1.jpg", "2.jpg"])
        #expect(images.map(\.faces.count) == [1, 2, 2])
        #expect(images.allSatisfy { $0.width == nil && $0.height == nil })
        #expect(
            images[1].faces == [
                GroundTruthFace(box: Box(x: 171, y: 164, width: 170, height: 189), label: .masked),
                GroundTruthFace(box: Box(x: 10.5, y: 20.25, width: 30, height: 40), label: .unmasked),
            ])
        #expect(loaded.diagnostics.isEmpty)
    }

    @Test func theSplitIsReadPerFaceFromTheCroppedPath() throws {
        let test = try DatarootsCSVReader.read(path: path, options: GroundTruthOptions(split: "test"))
        #expect(test.dataset.images.map(\.name) == ["1.jpg", "2.jpg"])
        #expect(test.dataset.images.map(\.faces.count) == [1, 2])
        #expect(test.dataset.faceCounts() == [.masked: 2, .unmasked: 1])
        // 1.jpg also holds a validation face: left out, with a note saying so.
        #expect(test.diagnostics.count == 1)
        #expect(test.diagnostics.first?.severity == .note)
        #expect(test.diagnostics.first?.message.contains("1 of its images also hold 1 faces of another split") == true)

        let validation = try DatarootsCSVReader.read(path: path, options: GroundTruthOptions(split: "validation"))
        #expect(validation.dataset.images.map(\.name) == ["0.jpg", "1.jpg"])
        #expect(validation.dataset.faceCount == 2)
    }

    @Test func anAbsentSplitIsAnErrorListingTheSplitsFound() {
        let error = #expect(throws: FormatError.self) {
            try DatarootsCSVReader.read(path: path, options: GroundTruthOptions(split: "train"))
        }
        #expect(error?.message == "no faces in split 'train'; the file has test, validation")
    }

    @Test func imagesGiveSizesAndBoxesAreClampedToThem() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        try FormatFixtures.copy("images/gray-16x12.jpg", to: "1.jpg", in: directory)
        try FormatFixtures.copy("images/rgb-8x6.png", to: "2.jpg", in: directory)
        let loaded = try DatarootsCSVReader.read(
            path: path, options: GroundTruthOptions(imagesDirectory: directory, split: "test"))
        #expect(loaded.dataset.images.map(\.width) == [16, 8])
        #expect(loaded.dataset.images.map(\.height) == [12, 6])
        // Every box lies right of these tiny images: clamped to zero width at the edge.
        #expect(loaded.dataset.images[0].faces[0].box == Box(x: 16, y: 12, width: 0, height: 0))
        #expect(loaded.diagnostics.filter { $0.message.contains("clamped to the image") }.count == 3)
        #expect(loaded.diagnostics.filter { $0.message.contains("zero area") }.count == 3)
    }

    @Test func aMissingImageOnlyLeavesItsSizeUnknown() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let loaded = try DatarootsCSVReader.read(
            path: path, options: GroundTruthOptions(imagesDirectory: directory, split: "test"))
        #expect(loaded.dataset.faceCount == 3)
        #expect(loaded.diagnostics.filter { $0.message.contains("is not in") }.count == 2)
    }

    @Test func aMissingColumnIsNamed() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let file = try FormatFixtures.write("class,x,y,w,h,image_urls,cropped_img_dir\n", to: "m.csv", in: directory)
        let error = #expect(throws: FormatError.self) { try DatarootsCSVReader.read(path: file) }
        #expect(error?.description.hasPrefix("\(file):1: missing column 'raw_img_dir'") == true)
    }

    @Test func twoFoldersWithTheSameFileNameAreNotMerged() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let file = try FormatFixtures.write(
            """
            class,x,y,w,h,image_urls,raw_img_dir,cropped_img_dir
            masked,1,2,3,4,u,a/1.jpg,data/test/masked/1.jpg
            masked,1,2,3,4,u,b/1.jpg,data/test/masked/2.jpg

            """, to: "m.csv", in: directory)
        let error = #expect(throws: FormatError.self) { try DatarootsCSVReader.read(path: file) }
        #expect(error?.line == 3)
        #expect(error?.column == 7)
        #expect(error?.message.contains("share the file name '1.jpg'") == true)
    }

    @Test func aBadNumberNamesItsPlace() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let file = try FormatFixtures.write(
            "class,x,y,w,h,image_urls,raw_img_dir,cropped_img_dir\nmasked,1,2,-3,4,u,a/1.jpg,data/test/m/1.jpg\n",
            to: "m.csv", in: directory)
        let error = #expect(throws: FormatError.self) { try DatarootsCSVReader.read(path: file) }
        #expect(error?.description == "\(file):2:4: expected w >= 0, found -3")
    }
}

import MaskBenchCore
import MaskBenchFiles
import MaskBenchFormats
import Testing

@Suite struct YOLOReaderTests {
    let labels = FormatFixtures.path("yolo/labels")
    let options = GroundTruthOptions(imagesDirectory: FormatFixtures.path("yolo/images"))

    static func close(_ a: Box, _ b: Box, tolerance: Double = 1e-9) -> Bool {
        abs(a.x - b.x) <= tolerance && abs(a.y - b.y) <= tolerance && abs(a.width - b.width) <= tolerance
            && abs(a.height - b.height) <= tolerance
    }

    @Test func readsLabelsWithSizesFromTheImages() throws {
        let loaded = try YOLOReader.read(path: labels, options: options)
        #expect(loaded.format == .yolo)
        let images = loaded.dataset.images
        #expect(images.map(\.name) == ["crowd.jpg", "empty.png", "street.png"])
        #expect(images.map(\.width) == [20, 10, 40])
        #expect(images.map(\.height) == [10, 10, 20])

        // crowd.jpg (20×10), CRLF and blank lines: 1 0.5 0.5 0.5 0.5 / 0 0.25 0.25 0.25 0.25
        #expect(images[0].faces.map(\.label) == [.masked, .unmasked])
        #expect(Self.close(images[0].faces[0].box, Box(x: 5, y: 2.5, width: 10, height: 5)))
        #expect(Self.close(images[0].faces[1].box, Box(x: 2.5, y: 1.25, width: 5, height: 2.5)))
        #expect(images[1].faces.isEmpty)

        // street.png (40×20), fields split by tabs and runs of spaces.
        let street = images[2].faces
        #expect(street.map(\.label) == [.masked, .unmasked, .incorrect])
        #expect(Self.close(street[0].box, Box(x: 6, y: 6, width: 8, height: 8)))
        #expect(Self.close(street[1].box, Box(x: 28, y: 8, width: 4, height: 4)))
        // cx 0.975, w 0.1 reaches x = 41 on a 40-pixel-wide image: clamped.
        #expect(Self.close(street[2].box, Box(x: 37, y: 8, width: 3, height: 4)))
    }

    @Test func reportsTheClampTheEmptyFileAndTheSkippedClassList() throws {
        let loaded = try YOLOReader.read(path: labels, options: options)
        let byFile = Dictionary(grouping: loaded.diagnostics) {
            $0.file.split(separator: "/").last.map(String.init) ?? ""
        }
        #expect(byFile["classes.txt"]?.first?.message.contains("not read as labels") == true)
        #expect(byFile["empty.txt"]?.first?.message.contains("has no faces") == true)
        let clamp = try #require(byFile["street.txt"]?.first)
        #expect(clamp.severity == .warning)
        #expect(clamp.line == 3)
        #expect(clamp.message.contains("clamped to the image"))
    }

    @Test func classNamesAreAnOption() throws {
        let options = GroundTruthOptions(
            imagesDirectory: FormatFixtures.path("yolo/images"), yoloClassNames: ["masked", "unmasked", "incorrect"])
        let loaded = try YOLOReader.read(path: labels + "/crowd.txt", options: options)
        #expect(loaded.dataset.images.first?.faces.map(\.label) == [.unmasked, .masked])
    }

    @Test func needsTheImagesFolder() {
        let error = #expect(throws: FormatError.self) { try YOLOReader.read(path: labels) }
        #expect(error?.message.contains("pass the images folder") == true)
    }

    @Test func aMissingImageIsAnErrorNamingIt() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let file = try FormatFixtures.write("1 0.5 0.5 0.1 0.1\n", to: "ghost.txt", in: directory)
        let error = #expect(throws: FormatError.self) { try YOLOReader.read(path: directory, options: options) }
        #expect(error?.file == file)
        #expect(error?.message.contains("no image 'ghost.png', 'ghost.jpg' or 'ghost.jpeg'") == true)
    }

    @Test(
        arguments: [
            ("1 0.5 0.5 0.1\n", 1, nil, "expected 5 fields (class cx cy w h), found 4"),
            ("1 0.5 0.5 0.1 0.1\n1 0.5 abc 0.1 0.1\n", 2, 3, "expected a finite number for cy, found 'abc'"),
            ("1 0.5 0.5 -0.1 0.1\n", 1, 4, "expected w >= 0, found -0.1"),
            ("1 0.5 0.5 0.1 nan\n", 1, 5, "expected a finite number for h, found 'nan'"),
            ("\n\n7 0.5 0.5 0.1 0.1\n", 3, 1, "class id 7 has no name"),
            ("masked 0.5 0.5 0.1 0.1\n", 1, 1, "expected a class id (0, 1, 2, ...), found 'masked'"),
        ] as [(String, Int, Int?, String)])
    func malformedLinesNameFileLineAndColumn(text: String, line: Int, column: Int?, says: String) throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let file = try FormatFixtures.write(text, to: "street.txt", in: directory)
        let error = try #require(throws: FormatError.self) { try YOLOReader.read(path: directory, options: options) }
        #expect(error.file == file)
        #expect(error.line == line)
        #expect(error.column == column)
        #expect(error.message.contains(says))
        #expect(error.description.hasPrefix("\(file):\(line)"))
    }
}

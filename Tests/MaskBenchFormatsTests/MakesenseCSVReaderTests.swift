import MaskBenchCore
import MaskBenchFiles
import MaskBenchFormats
import Testing

@Suite struct MakesenseCSVReaderTests {
    @Test func readsAHeaderlessExportInFirstSeenImageOrder() throws {
        let path = FormatFixtures.path("makesense/export.csv")
        let loaded = try MakesenseCSVReader.read(path: path)
        #expect(loaded.format == .makesense)
        let images = loaded.dataset.images
        #expect(images.map(\.name) == ["a.jpg", "b.png"])
        #expect(images.map(\.width) == [200, 200])
        #expect(images.map(\.height) == [100, 150])
        #expect(
            images[0].faces == [
                GroundTruthFace(box: Box(x: 10, y: 20, width: 30, height: 40), label: .masked),
                GroundTruthFace(box: Box(x: 50, y: 5, width: 20, height: 25), label: .unmasked),
                GroundTruthFace(box: Box(x: 0, y: 0, width: 12.5, height: 14.25), label: .unmasked),
            ])
        // 180 + 30 = 210 on a 200-pixel-wide image: clamped, with a warning naming the line.
        #expect(images[1].faces == [GroundTruthFace(box: Box(x: 180, y: 10, width: 20, height: 20), label: .incorrect)])
        #expect(loaded.diagnostics.count == 1)
        let warning = try #require(loaded.diagnostics.first)
        #expect(warning.severity == .warning)
        #expect(warning.description.hasPrefix("\(path):3: warning: box [180, 10, 210, 30]"))
        #expect(warning.message.contains("clamped to the image"))
    }

    @Test func acceptsAHeaderRowAByteOrderMarkAndCRLF() throws {
        let loaded = try MakesenseCSVReader.read(path: FormatFixtures.path("makesense/with-header.csv"))
        #expect(loaded.dataset.images.map(\.name) == ["crowd, day 1.jpg"])
        #expect(loaded.dataset.faceCount == 1)
    }

    @Test func theLabelMapDecidesWhatALabelMeans() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let path = try FormatFixtures.write("Foo,1,2,3,4,a.jpg,10,10\n", to: "gt.csv", in: directory)
        let options = GroundTruthOptions(labelMap: LabelMap.defaults.setting("Foo", to: .incorrect))
        let loaded = try MakesenseCSVReader.read(path: path, options: options)
        #expect(loaded.dataset.images.first?.faces.first?.label == .incorrect)
    }

    @Test func unknownLabelsCanBeCollectedInsteadOfFailing() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let path = try FormatFixtures.write(
            "Foo,1,2,3,4,a.jpg,10,10\nmasked,1,2,3,4,a.jpg,10,10\n", to: "gt.csv", in: directory)
        let loaded = try MakesenseCSVReader.read(path: path, options: GroundTruthOptions(collectUnknownLabels: true))
        #expect(loaded.dataset.faceCount == 1)
        #expect(loaded.diagnostics.map(\.line) == [1])
        #expect(loaded.diagnostics.first?.message.contains("unknown label 'Foo'") == true)
        #expect(loaded.diagnostics.first?.message.contains("skipped") == true)
    }

    struct Malformed: Sendable, CustomTestStringConvertible {
        var name: String
        var csv: String
        var line: Int
        var column: Int?
        var says: String
        var testDescription: String { name }
    }

    static let malformed: [Malformed] = [
        Malformed(
            name: "too few fields", csv: "masked,1,2,3,a.jpg,10,10\n", line: 1, column: nil,
            says:
                "expected 8 fields (label_name,bbox_x,bbox_y,bbox_width,bbox_height,image_name,image_width,image_height), found 7"
        ),
        Malformed(
            name: "not a number", csv: "masked,1,2,3,4,a.jpg,10,10\nmasked,one,2,3,4,a.jpg,10,10\n", line: 2,
            column: 2, says: "expected a number for bbox_x, found 'one'"),
        Malformed(
            name: "negative width", csv: "masked,1,2,-3,4,a.jpg,10,10\n", line: 1, column: 4,
            says: "expected bbox_width >= 0, found -3"),
        Malformed(
            name: "NaN", csv: "masked,1,2,3,nan,a.jpg,10,10\n", line: 1, column: 5,
            says: "expected a finite number for bbox_height, found 'nan'"),
        Malformed(
            name: "empty image name", csv: "masked,1,2,3,4,,10,10\n", line: 1, column: 6,
            says: "expected image_name, found an empty field"),
        Malformed(
            name: "zero image width", csv: "masked,1,2,3,4,a.jpg,0,10\n", line: 1, column: 7,
            says: "expected image_width to be a whole number of pixels >= 1, found 0"),
        Malformed(
            name: "two sizes for one image",
            csv: "masked,1,2,3,4,a.jpg,10,10\n\nmasked,1,2,3,4,a.jpg,10,12\n", line: 3, column: nil,
            says: "image 'a.jpg' is 10×12 here but 10×10 on line 1"),
        Malformed(
            name: "unknown label", csv: "masked,1,2,3,4,a.jpg,10,10\nFoo,1,2,3,4,a.jpg,10,10\n", line: 2,
            column: 1, says: "unknown label 'Foo'; map it with --label 'Foo=masked'"),
        Malformed(name: "empty file", csv: "", line: 0, column: nil, says: "no annotation rows"),
    ]

    @Test(arguments: malformed)
    func malformedInputNamesFileLineAndColumn(_ example: Malformed) throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let path = try FormatFixtures.write(example.csv, to: "gt.csv", in: directory)
        let error = try #require(throws: FormatError.self) { try MakesenseCSVReader.read(path: path) }
        #expect(error.file == path)
        #expect(error.line == (example.line == 0 ? nil : example.line))
        #expect(error.column == example.column)
        #expect(error.message.contains(example.says))
        if example.line > 0 {
            let place = "\(path):\(example.line)" + (example.column.map { ":\($0)" } ?? "") + ": "
            #expect(error.description.hasPrefix(place))
        }
    }
}

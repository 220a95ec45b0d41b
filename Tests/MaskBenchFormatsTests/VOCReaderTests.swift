import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchFormats
import Testing

@Suite struct VOCReaderTests {
    let folder = FormatFixtures.path("voc/annotations")

    @Test func readsAFolderInByteOrderOfFileNames() throws {
        let loaded = try VOCReader.read(path: folder)
        #expect(loaded.format == .voc)
        let images = loaded.dataset.images
        #expect(images.map(\.name) == ["img1.png", "img10.png", "img2.png"])
        #expect(images.map(\.width) == [400, 100, 64])
        #expect(images.map(\.height) == [267, 80, 48])
        #expect(
            images[0].faces == [
                GroundTruthFace(box: Box(minX: 394, minY: 92, maxX: 400, maxY: 111), label: .masked),
                GroundTruthFace(box: Box(minX: 10.5, minY: 20, maxX: 30.5, maxY: 40), label: .unmasked),
            ])
        // The <part>'s own <bndbox> is not a face.
        #expect(images[1].faces == [GroundTruthFace(box: Box(minX: 1, minY: 2, maxX: 3, maxY: 4), label: .incorrect)])
        #expect(images[2].faces.isEmpty)
    }

    @Test func aBoxPastTheImageIsClampedWithAWarningNotAnError() throws {
        let loaded = try VOCReader.read(path: folder)
        let warnings = loaded.diagnostics.filter { $0.severity == .warning }
        #expect(warnings.count == 1)
        let warning = try #require(warnings.first)
        #expect(warning.file == folder + "/img1.xml")
        #expect(warning.line == 9)
        #expect(warning.message.contains("box [394, 92, 401, 111] of 'img1.png' extends past the 400×267 image"))
        #expect(warning.message.contains("clamped to the image: [394, 92, 400, 111]"))
        // The image without objects is a note.
        let notes = loaded.diagnostics.filter { $0.severity == .note }
        #expect(notes.map(\.file) == [folder + "/img2.xml"])
    }

    @Test func readsASingleFile() throws {
        let loaded = try VOCReader.read(path: FormatFixtures.path("voc-single/one.xml"))
        #expect(
            loaded.dataset.images == [
                AnnotatedImage(
                    name: "one.jpg", width: 10, height: 10,
                    faces: [GroundTruthFace(box: Box(x: 1, y: 1, width: 4, height: 5), label: .masked)])
            ])
    }

    struct Malformed: Sendable, CustomTestStringConvertible {
        var name: String
        var xml: String
        var line: Int
        var says: String
        var testDescription: String { name }
    }

    static func document(_ objects: String, filename: String = "<filename>x.png</filename>") -> String {
        "<annotation>\n\(filename)\n<size><width>10</width><height>10</height></size>\n\(objects)\n</annotation>\n"
    }

    static let malformed: [Malformed] = [
        Malformed(
            name: "broken XML", xml: "<annotation>\n<filename>x.png</filename>\n<size>\n</annotation>\n", line: 4,
            says: "malformed XML"),
        Malformed(name: "not VOC", xml: "<coco></coco>", line: 1, says: "expected a Pascal VOC <annotation> document"),
        Malformed(name: "no filename", xml: document("", filename: ""), line: 0, says: "missing <filename>"),
        Malformed(
            name: "missing xmax",
            xml: document(
                "<object>\n<name>masked</name>\n<bndbox><xmin>1</xmin><ymin>1</ymin><ymax>3</ymax></bndbox>\n</object>"),
            line: 4, says: "<object> 'masked' has no <bndbox><xmax>"),
        Malformed(
            name: "not a number",
            xml: document(
                "<object><name>masked</name>\n<bndbox><xmin>1</xmin><ymin>1</ymin>\n<xmax>two</xmax><ymax>3</ymax></bndbox></object>"
            ),
            line: 6, says: "expected a finite number in <xmax>, found 'two'"),
        Malformed(
            name: "negative width",
            xml: document(
                "<object><name>masked</name>\n<bndbox><xmin>5</xmin><ymin>1</ymin>\n<xmax>2</xmax><ymax>3</ymax></bndbox></object>"
            ),
            line: 6, says: "<xmax> 2 is less than <xmin> 5"),
        Malformed(
            name: "unknown label",
            xml: document(
                "<object>\n<name>Foo</name>\n<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>3</ymax></bndbox></object>"
            ),
            line: 5, says: "unknown label 'Foo'; map it with --label 'Foo=masked'"),
        Malformed(
            name: "difficult not 0 or 1",
            xml: document(
                "<object><name>masked</name>\n<difficult>yes</difficult>\n<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>3</ymax></bndbox></object>"
            ),
            line: 5, says: "expected 0 or 1 in <difficult> of 'masked', found 'yes'"),
        // Refused at the root, before the broken rest is parsed.
        Malformed(
            name: "another root, then broken XML", xml: "<?xml version=\"1.0\"?>\n<coco>\n<a></b>\n</coco>", line: 2,
            says: "expected a Pascal VOC <annotation> document, found <coco>"),
        Malformed(
            name: "a DTD declaring an entity",
            xml: "<?xml version=\"1.0\"?>\n<!-- <annotation> -->\n<!DOCTYPE annotation [<!ENTITY m \"masked\">]>\n"
                + document("<object><name>&m;</name></object>"),
            line: 3, says: "a document type declaration (<!DOCTYPE …>): DTDs and entity declarations are refused"),
        Malformed(
            name: "elements nested too deep",
            xml: "<annotation>\n" + String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40)
                + "</annotation>",
            line: 2, says: "elements nested more than 32 deep: not a Pascal VOC annotation"),
    ]

    /// `<difficult>1</difficult>` marks an ignore region, as the VOC devkit reads it; 0 or none, a face.
    @Test func aDifficultObjectIsAnIgnoreRegion() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let box = "<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>4</xmax><ymax>5</ymax></bndbox>"
        try FormatFixtures.write(
            Self.document(
                "<object><name>masked</name><difficult>1</difficult>\(box)</object>\n"
                    + "<object><name>unmasked</name><difficult>0</difficult>\(box)</object>\n"
                    + "<object><name>unmasked</name>\(box)</object>"),
            to: "a.xml", in: directory)
        let faces = try VOCReader.read(path: directory).dataset.images[0].faces
        #expect(faces.map(\.ignoreRegion) == [.difficult, nil, nil])
        #expect(faces.map(\.label) == [.masked, .unmasked, .unmasked])
    }

    /// 200,000 nested elements in 1.4 MB took 351 s (the cost grew with the square of the depth):
    /// refused at the 33rd level now, before the parser reads further.
    @Test func deeplyNestedElementsAreRefusedAtTheDepthLimit() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let depth = 200_000
        let xml =
            "<annotation>" + String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
            + "</annotation>"
        #expect(xml.utf8.count == 1_400_025)
        let path = try FormatFixtures.write(xml, to: "deep.xml", in: directory)
        let error = try #require(throws: FormatError.self) { try VOCReader.read(path: directory) }
        #expect(error.file == path)
        #expect(error.line == 1)
        #expect(error.message.hasPrefix("elements nested more than 32 deep"), "\(error)")
    }

    /// The deepest element VOC has, `<annotation><object><part><bndbox><xmin>`, is well within the limit.
    @Test func theDepthLimitLeavesRoomForEveryVOCElement() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let nested = String(repeating: "<x>", count: 26) + String(repeating: "</x>", count: 26)
        let box = "<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>4</xmax><ymax>5</ymax></bndbox>"
        try FormatFixtures.write(
            Self.document("<object><name>masked</name>\(box)<part>\(box)</part><extra>\(nested)</extra></object>"),
            to: "a.xml", in: directory)
        let faces = try VOCReader.read(path: directory).dataset.images[0].faces
        #expect(faces == [GroundTruthFace(box: Box(minX: 1, minY: 1, maxX: 4, maxY: 5), label: .masked)])
    }

    @Test(arguments: malformed)
    func malformedInputNamesFileAndLine(_ example: Malformed) throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let path = try FormatFixtures.write(example.xml, to: "bad.xml", in: directory)
        let error = try #require(throws: FormatError.self) { try VOCReader.read(path: directory) }
        #expect(error.file == path)
        #expect(error.message.contains(example.says))
        if example.line > 0 {
            #expect(error.line == example.line)
            #expect(error.description.hasPrefix("\(path):\(example.line)"))
        }
    }

    @Test func brokenXMLCarriesTheParsersColumn() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        try FormatFixtures.write(
            "<annotation>\n  <filename>x.png</file>\n</annotation>\n", to: "bad.xml", in: directory)
        let error = try #require(throws: FormatError.self) { try VOCReader.read(path: directory) }
        #expect(error.line == 2)
        #expect(error.column != nil)
        #expect(error.message == "malformed XML: closing tag does not match the opening tag (libxml2 error 76)")
    }

    @Test func twoFilesAnnotatingOneImageIsAnError() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        try FormatFixtures.write(Self.document(""), to: "a.xml", in: directory)
        let second = try FormatFixtures.write(Self.document(""), to: "b.xml", in: directory)
        let error = #expect(throws: FormatError.self) { try VOCReader.read(path: directory) }
        #expect(error?.file == second)
        #expect(error?.message.contains("already annotated by") == true)
    }

    /// Found by Fuzz/run.sh: these bytes made libxml2 (under FoundationXML's XMLParser) segfault in
    /// xmlParseChunk. Input that is not UTF-8 text never reaches the parser.
    @Test(
        arguments: [
            ([0x00, 0x00, 0x00, 0x3C, 0x3B, 0x2F, 0x6E, 0x27], "a NUL byte at byte 1"),
            ([0x3C, 0x61, 0x3E, 0xFF, 0xFE, 0x3C, 0x2F, 0x61, 0x3E], "invalid UTF-8"),
        ] as [([UInt8], String)])
    func bytesThatCrashedLibxml2AreRefusedBeforeParsing(bytes: [UInt8], expected: String) throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let path = directory + "/crash.xml"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: FormatError.self) { try VOCReader.read(path: directory) }
        #expect(error.file == path)
        #expect(error.message.contains(expected), "\(error)")
    }

    @Test func anEmptyFolderIsAnError() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let error = #expect(throws: FormatError.self) { try VOCReader.read(path: directory) }
        #expect(error?.message == "no .xml files in the folder")
    }
}

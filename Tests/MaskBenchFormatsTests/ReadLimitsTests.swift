import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchFormats
import Testing

/// Each reading limit gives a clear error naming the file, the place, the limit and the setting.
@Suite struct ReadLimitsTests {
    private func expectFileSizeError(_ body: () throws -> Void, file: String) {
        let error = #expect(throws: FormatError.self) { try body() }
        #expect(error?.file == file)
        #expect(error?.message.contains("more than the limit of 16 bytes") == true)
        #expect(error?.message.contains("--max-file-size") == true)
    }

    @Test func aFileOverTheSizeLimitIsRefusedBeforeItIsRead() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let small = ReadLimits(maxFileBytes: 16)
        let csv = try FormatFixtures.write("with_mask,1,2,3,4,a.jpg,10,10\n", to: "gt.csv", in: directory)
        let coco = try FormatFixtures.write(
            "{\"images\": [], \"annotations\": [], \"categories\": []}", to: "gt.json", in: directory)
        let xml = try FormatFixtures.write(
            "<annotation><filename>a.jpg</filename></annotation>", to: "gt.xml", in: directory)
        let jsonl = try FormatFixtures.write(
            "{\"image\": \"a.jpg\", \"faces\": []}\n", to: "p.jsonl", in: directory)
        for path in [csv, coco, xml] {
            expectFileSizeError(
                { _ = try GroundTruthReader.read(path: path, options: .init(limits: small)) }, file: path)
        }
        expectFileSizeError({ _ = try PredictionReader.parse(path: jsonl, limits: small) }, file: jsonl)
        // The same files pass under the default limits.
        #expect(try GroundTruthReader.read(path: csv).dataset.images.count == 1)
        #expect(throws: Never.self) { try PredictionReader.parse(path: jsonl) }
    }

    @Test func aCSVRecordOverTheLineLimitNamesItsLine() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let long = String(repeating: "x", count: 200)
        let path = try FormatFixtures.write(
            "with_mask,1,2,3,4,a.jpg,10,10\nwith_mask,1,2,3,4,\(long).jpg,10,10\n", to: "gt.csv", in: directory)
        let options = GroundTruthOptions(limits: ReadLimits(maxLineBytes: 100))
        let error = #expect(throws: FormatError.self) { try GroundTruthReader.read(path: path, options: options) }
        #expect(error?.file == path)
        #expect(error?.line == 2)
        #expect(error?.message.contains("longer than the limit of 100 bytes") == true)
        #expect(error?.message.contains("--max-line-length") == true)
    }

    @Test func aQuotedFieldSpanningLinesCountsAsOneRecord() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        // Many short lines, one record: the record is what is limited, from the line it starts on.
        let field = Array(repeating: "yy", count: 60).joined(separator: "\n")
        let path = try FormatFixtures.write(
            "image,x,y,width,height,faceScore,maskScore\na.jpg,1,2,3,4,0.9,0.5\n\"\(field)\",1,2,3,4,0.9,0.5\n",
            to: "p.csv", in: directory)
        let error = #expect(throws: FormatError.self) {
            try PredictionReader.parse(path: path, limits: ReadLimits(maxLineBytes: 100))
        }
        #expect(error?.line == 3)
        #expect(error?.message.contains("--max-line-length") == true)
    }

    @Test func aJSONLinesLineOverTheLimitNamesItsLine() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let long = String(repeating: "x", count: 200)
        let path = try FormatFixtures.write(
            "{\"image\": \"a.jpg\", \"faces\": []}\n{\"image\": \"\(long)\", \"faces\": []}\n", to: "p.jsonl",
            in: directory)
        let error = #expect(throws: FormatError.self) {
            try PredictionReader.parse(path: path, limits: ReadLimits(maxLineBytes: 100))
        }
        #expect(error?.file == path)
        #expect(error?.line == 2)
        #expect(error?.message.contains("longer than the limit of 100 bytes") == true)
    }

    @Test func theFacesCapIsCheckedInEveryGroundTruthFormat() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let options = GroundTruthOptions(limits: ReadLimits(maxFacesPerImage: 2))
        let csv = try FormatFixtures.write(
            "with_mask,1,2,3,4,a.jpg,99,99\nwith_mask,11,2,3,4,a.jpg,99,99\nwith_mask,21,2,3,4,a.jpg,99,99\n",
            to: "gt.csv", in: directory)
        let object =
            "<object><name>Mask</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>6</ymax></bndbox></object>"
        let xml = try FormatFixtures.write(
            "<annotation><filename>a.jpg</filename>\(object)\(object)\(object)</annotation>", to: "gt.xml",
            in: directory)
        let annotation = { (id: Int) in
            "{\"id\": \(id), \"image_id\": 1, \"category_id\": 1, \"bbox\": [\(id * 10), 1, 3, 4]}"
        }
        let coco = try FormatFixtures.write(
            "{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\"}], \"categories\": [{\"id\": 1, \"name\": \"with_mask\"}], "
                + "\"annotations\": [\(annotation(1)), \(annotation(2)), \(annotation(3))]}",
            to: "gt.json", in: directory)
        for (path, line) in [(csv, 3), (xml, nil), (coco, nil)] as [(String, Int?)] {
            let error = #expect(throws: FormatError.self) { try GroundTruthReader.read(path: path, options: options) }
            #expect(error?.file == path)
            #expect(error?.line == line)
            #expect(error?.message.contains("image 'a.jpg' has more faces than the limit of 2 per image") == true)
            #expect(error?.message.contains("--max-faces-per-image") == true)
            // Three faces pass a cap of three.
            #expect(throws: Never.self) {
                try GroundTruthReader.read(path: path, options: .init(limits: ReadLimits(maxFacesPerImage: 3)))
            }
        }
    }

    @Test func theFacesCapIsCheckedInYOLOLabels() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        try FileManager.default.createDirectory(atPath: directory + "/labels", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/images", withIntermediateDirectories: true)
        try FormatFixtures.copy("images/rgb-8x6.png", to: "images/a.png", in: directory)
        let labels = try FormatFixtures.write(
            "1 0.2 0.5 0.1 0.1\n1 0.5 0.5 0.1 0.1\n1 0.8 0.5 0.1 0.1\n", to: "labels/a.txt", in: directory)
        let options = GroundTruthOptions(
            format: .yolo, imagesDirectory: directory + "/images", limits: ReadLimits(maxFacesPerImage: 2))
        let error = #expect(throws: FormatError.self) {
            try GroundTruthReader.read(path: directory + "/labels", options: options)
        }
        #expect(error?.file == labels)
        #expect(error?.line == 3)
        #expect(error?.message.contains("--max-faces-per-image") == true)
    }

    @Test func theFacesCapIsCheckedInPredictions() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let path = try FormatFixtures.write(
            "image,x,y,width,height,faceScore,maskScore\na.jpg,1,2,3,4,0.9,0.5\na.jpg,5,2,3,4,0.9,0.5\n"
                + "b.jpg,1,2,3,4,0.9,0.5\n",
            to: "p.csv", in: directory)
        let error = #expect(throws: FormatError.self) {
            try PredictionReader.parse(path: path, limits: ReadLimits(maxFacesPerImage: 1))
        }
        #expect(error?.file == path)
        #expect(error?.message.contains("image 'a.jpg' has more faces than the limit of 1 per image") == true)
    }

    @Test func theDefaultsAreTheDocumentedOnes() {
        #expect(ReadLimits.defaults.maxFileBytes == 2_147_483_648)
        #expect(ReadLimits.defaults.maxLineBytes == 1_048_576)
        #expect(ReadLimits.defaults.maxFacesPerImage == 10_000)
    }
}

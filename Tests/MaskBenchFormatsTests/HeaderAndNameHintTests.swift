import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchFormats
import Testing

/// Errors that say what was meant: a misspelled header names the column and its closest known name, and a
/// prediction for an image the ground truth lacks names the ground-truth image it most likely is.
@Suite struct HeaderAndNameHintTests {
    static let header = "label_name,bbox_x,bbox_y,bbox_width,bbox_height,image_name,image_width,image_height"

    func read(_ text: String, format: GroundTruthFormat? = nil) throws -> FormatError {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let path = try FormatFixtures.write(text, to: "gt.csv", in: directory)
        let error = #expect(throws: FormatError.self) {
            try GroundTruthReader.read(path: path, options: GroundTruthOptions(format: format))
        }
        return try #require(error)
    }

    @Test(arguments: [nil, GroundTruthFormat.makesense])
    func aMisspelledMakesenseHeaderNamesTheColumnAndItsClosestName(format: GroundTruthFormat?) throws {
        let misspelled = Self.header.replacingOccurrences(of: "bbox_height", with: "bbox_heigth")
        let error = try read(misspelled + "\nwith_mask,1,2,30,40,a.png,100,100\n", format: format)
        #expect(error.line == 1)
        #expect(error.column == 5)
        #expect(
            error.message
                == "this looks like a makesense.ai header, but column 5 is 'bbox_heigth' (did you mean 'bbox_height'?). "
                + "Expected \(Self.header)")
    }

    @Test func aColumnFarFromAnyNameSaysWhichGoesThere() throws {
        let renamed = Self.header.replacingOccurrences(of: "bbox_width", with: "w")
        let error = try read(renamed + "\n")
        #expect(error.message.contains("column 4 is 'w' (not a makesense.ai column; 'bbox_width' goes there)"))
    }

    @Test func aMisspelledSeed001HeaderIsNamedToo() throws {
        let error = try read("class,x,y,w,h,image_urls,raw_img_dir,croped_img_dir\n")
        #expect(
            error.message.contains(
                "seed 001 metadata header, but column 8 is 'croped_img_dir' (did you mean 'cropped_img_dir'?)"))
    }

    @Test func aFileLikeNeitherStillSaysItCannotTell() throws {
        let error = try read("name,score\na.jpg,1\n")
        #expect(error.message.hasPrefix("cannot tell the ground-truth format from the first row"))
    }

    func unknownImages(_ names: [String], truth: [String]) throws -> String {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let rows = names.map { "\($0),1,2,30,40,0.9,0.8" }.joined(separator: "\n")
        let path = try FormatFixtures.write(
            "image,x,y,width,height,faceScore,maskScore\n\(rows)\n", to: "p.csv", in: directory)
        let dataset = Dataset(images: truth.map { AnnotatedImage(name: $0, width: 100, height: 100, faces: []) })
        let loaded = LoadedGroundTruth(dataset: dataset, format: .makesense)
        let error = #expect(throws: FormatError.self) { try PredictionReader.read(path: path, groundTruth: loaded) }
        return try #require(error).message
    }

    @Test func anUnknownImageNamesTheGroundTruthImageWithAnotherExtension() throws {
        let message = try unknownImages(["seed001_001.png"], truth: ["seed001_001.jpg", "seed001_002.jpg"])
        #expect(
            message
                == "1 image is not in the ground truth: seed001_001.png (the ground truth has seed001_001.jpg); "
                + "check the image names or pass --allow-unknown-images to skip them")
    }

    @Test func anUnknownImageNamesTheGroundTruthImageUnderAnotherFolder() throws {
        let message = try unknownImages(
            ["images/a.jpg", "b.jpg", "c.jpg"], truth: ["a.jpg", "photos/b.jpg", "x/c.png"])
        #expect(message.contains("images/a.jpg (the ground truth has a.jpg)"))
        #expect(message.contains("b.jpg (the ground truth has photos/b.jpg)"))
        #expect(message.contains("c.jpg (the ground truth has x/c.png)"))
        #expect(message.contains("3 of 3 match a ground-truth image by file name but for the extension or folder"))
    }

    @Test func anUnknownImageWithoutALikelyMatchShowsHowGroundTruthNamesLook() throws {
        let message = try unknownImages(["zzz1.jpg", "zzz2.jpg"], truth: ["seed001_001.jpg"])
        #expect(
            message
                == "2 images are not in the ground truth: zzz1.jpg, zzz2.jpg; check the image names (the ground "
                + "truth's names look like seed001_001.jpg) or pass --allow-unknown-images to skip them")
    }
}

import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchFormats
import MaskBenchImaging
import Testing

/// Image names from annotations never lead out of the images folder unless `allowOutsideRoot` is set:
/// `../../etc/passwd`, absolute names and symbolic links out of the folder are refused, naming the
/// annotation file (and line) and the path.
@Suite struct HostilePathTests {
    // MARK: - The lexical check

    @Test(arguments: [
        "../../etc/passwd", "/etc/passwd", "a/../../b.jpg", "sub/..", "..", "..\\..\\windows\\x.jpg", "\\\\srv\\x.jpg",
        "C:\\x.jpg", "c:/x.jpg", "", "a\u{0}b.jpg",
    ])
    func namesLeavingTheFolderAreRefused(name: String) {
        #expect(ImageRoot.problem(withName: name) != nil)
    }

    @Test(arguments: ["a.jpg", "sub/a.jpg", "..a.jpg", "a..jpg", "./a.jpg", "a/.../b.jpg", "x..", "dir/.hidden.png"])
    func namesInsideTheFolderPass(name: String) {
        #expect(ImageRoot.problem(withName: name) == nil)
    }

    // MARK: - Readers: the annotation file and line are named

    static let hostile = ["../../etc/passwd", "/etc/passwd"]

    @Test(arguments: hostile)
    func makesenseRefusesTheNameOnItsRow(name: String) throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let path = try FormatFixtures.write(
            "with_mask,1,2,3,4,a.jpg,10,10\nwith_mask,1,2,3,4,\(name),10,10\n", to: "gt.csv", in: directory)
        let error = #expect(throws: FormatError.self) { try GroundTruthReader.read(path: path) }
        #expect(error?.file == path)
        #expect(error?.line == 2)
        #expect(error?.message.contains("image path '\(name)'") == true)
        #expect(error?.message.contains("--allow-outside-root") == true)

        let allowed = try GroundTruthReader.read(path: path, options: GroundTruthOptions(allowOutsideRoot: true))
        #expect(allowed.dataset.images.map(\.name) == ["a.jpg", name])
    }

    @Test func datarootsKeepsOnlyTheLastComponentAndRefusesDotDot() throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let header = "class,x,y,w,h,image_urls,raw_img_dir,cropped_img_dir\n"
        // The image is named by raw_img_dir's last component: a climbing path names a file in the folder.
        let climbing = try FormatFixtures.write(
            header + "mask,1,2,3,4,u,../../etc/passwd,cropped/test/mask\n", to: "a.csv", in: directory)
        let loaded = try GroundTruthReader.read(path: climbing, options: GroundTruthOptions(format: .dataroots))
        #expect(loaded.dataset.images.map(\.name) == ["passwd"])

        let dotDot = try FormatFixtures.write(
            header + "mask,1,2,3,4,u,raw/x.jpg,cropped/test/mask\nmask,1,2,3,4,u,raw/..,cropped/test/mask\n",
            to: "b.csv", in: directory)
        let error = #expect(throws: FormatError.self) {
            try GroundTruthReader.read(path: dotDot, options: GroundTruthOptions(format: .dataroots))
        }
        #expect(error?.file == dotDot)
        #expect(error?.line == 3)
        #expect(error?.message.contains("image path '..'") == true)
    }

    @Test(arguments: hostile)
    func vocRefusesTheFilenameElement(name: String) throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let path = try FormatFixtures.write(
            "<annotation>\n  <size><width>10</width><height>10</height></size>\n  <filename>\(name)</filename>\n"
                + "</annotation>\n",
            to: "one.xml", in: directory)
        let error = #expect(throws: FormatError.self) { try GroundTruthReader.read(path: path) }
        #expect(error?.file == path)
        #expect(error?.line == 3)
        #expect(error?.message.contains("image path '\(name)'") == true)

        let allowed = try GroundTruthReader.read(path: path, options: GroundTruthOptions(allowOutsideRoot: true))
        #expect(allowed.dataset.images.map(\.name) == [name])
    }

    @Test(arguments: hostile)
    func cocoRefusesTheFileNameWithItsPlace(name: String) throws {
        let directory = try FormatFixtures.temporaryDirectory()
        defer { FormatFixtures.remove(directory) }
        let path = try FormatFixtures.write(
            """
            {"images": [
              {"id": 1, "file_name": "a.jpg"},
              {"id": 2, "file_name": "\(name)"}
            ], "annotations": [], "categories": []}
            """,
            to: "gt.json", in: directory)
        let error = #expect(throws: FormatError.self) { try GroundTruthReader.read(path: path) }
        #expect(error?.file == path)
        #expect(error?.line == 3)
        #expect(error?.message.contains("images[1] (id 2)") == true)
        #expect(error?.message.contains("image path '\(name)'") == true)

        let allowed = try GroundTruthReader.read(path: path, options: GroundTruthOptions(allowOutsideRoot: true))
        #expect(allowed.dataset.images.map(\.name) == ["a.jpg", name])
    }

    // MARK: - Symbolic links out of the images folder

    /// `root/images/inside.png` (a real 8×6 PNG), `root/outside/secret.png` (the same image) and
    /// `root/images/link.png -> ../outside/secret.png`, `root/images/linked-dir -> ../outside`,
    /// `root/images/alias.png -> inside.png`.
    struct LinkedImages {
        let root: String
        var images: String { root + "/images" }
        var outside: String { root + "/outside" }

        init() throws {
            root = try FormatFixtures.temporaryDirectory()
            let manager = FileManager.default
            try manager.createDirectory(atPath: root + "/images", withIntermediateDirectories: true)
            try manager.createDirectory(atPath: root + "/outside", withIntermediateDirectories: true)
            try FormatFixtures.copy("images/rgb-8x6.png", to: "images/inside.png", in: root)
            try FormatFixtures.copy("images/rgb-8x6.png", to: "outside/secret.png", in: root)
            try manager.createSymbolicLink(
                atPath: root + "/images/link.png", withDestinationPath: "../outside/secret.png")
            try manager.createSymbolicLink(atPath: root + "/images/linked-dir", withDestinationPath: "../outside")
            try manager.createSymbolicLink(atPath: root + "/images/alias.png", withDestinationPath: "inside.png")
        }

        func remove() { FormatFixtures.remove(root) }
    }

    @Test(arguments: ["link.png", "linked-dir/secret.png"])
    func aLinkOutOfTheFolderIsRefused(name: String) throws {
        let fixture = try LinkedImages()
        defer { fixture.remove() }
        let root = ImageRoot(fixture.images, source: "gt.csv")
        let error = #expect(throws: ImagingError.self) { try root.path(ofImage: name) }
        #expect(error?.kind == .outsideRoot)
        #expect(error?.file == "gt.csv")
        #expect(error?.message.contains("image path '\(name)' resolves to") == true)
        #expect(error?.message.contains("outside/secret.png") == true)
        #expect(error?.message.contains("--allow-outside-root") == true)

        let allowed = ImageRoot(fixture.images, allowsOutside: true)
        #expect(try ImageSize.read(path: allowed.path(ofImage: name)) == ImageSize(width: 8, height: 6))
    }

    @Test func aLinkStayingInsideTheFolderIsFollowed() throws {
        let fixture = try LinkedImages()
        defer { fixture.remove() }
        let path = try ImageRoot(fixture.images).path(ofImage: "alias.png")
        #expect(path.hasSuffix("/images/inside.png"))
        #expect(try ImageSize.read(path: path) == ImageSize(width: 8, height: 6))
        // A missing file is not an error here: opening it says "no such file", as before.
        #expect(try ImageRoot(fixture.images).path(ofImage: "missing.png") == fixture.images + "/missing.png")
    }

    @Test func aMakesenseGroundTruthWithALinkedImageIsRefusedByValidate() throws {
        let fixture = try LinkedImages()
        defer { fixture.remove() }
        let path = try FormatFixtures.write(
            "with_mask,1,1,2,2,inside.png,8,6\nwith_mask,1,1,2,2,link.png,8,6\n", to: "gt.csv", in: fixture.root)
        let options = GroundTruthOptions(imagesDirectory: fixture.images)
        let error = #expect(throws: ImagingError.self) {
            try GroundTruthValidator.validate(path: path, options: options)
        }
        #expect(error?.kind == .outsideRoot)
        #expect(error?.file == path)

        var allowing = options
        allowing.allowOutsideRoot = true
        let validation = try GroundTruthValidator.validate(path: path, options: allowing)
        #expect(validation.findings.filter { $0.kind == .unreadableImage || $0.kind == .missingImage }.isEmpty)
    }

    @Test func aVOCFileWithoutSizeIsRefusedWhenItsImageLinksOut() throws {
        let fixture = try LinkedImages()
        defer { fixture.remove() }
        let path = try FormatFixtures.write(
            "<annotation><filename>link.png</filename></annotation>\n", to: "one.xml", in: fixture.root)
        let options = GroundTruthOptions(imagesDirectory: fixture.images)
        let error = #expect(throws: ImagingError.self) { try GroundTruthReader.read(path: path, options: options) }
        #expect(error?.kind == .outsideRoot)

        var allowing = options
        allowing.allowOutsideRoot = true
        let loaded = try GroundTruthReader.read(path: path, options: allowing)
        #expect(loaded.dataset.images.first?.width == 8)
    }

    @Test func yoloRefusesALinkedImage() throws {
        let fixture = try LinkedImages()
        defer { fixture.remove() }
        let labels = fixture.root + "/labels"
        try FileManager.default.createDirectory(atPath: labels, withIntermediateDirectories: true)
        try FormatFixtures.write("1 0.5 0.5 0.25 0.5\n", to: "link.txt", in: labels)
        let options = GroundTruthOptions(format: .yolo, imagesDirectory: fixture.images)
        let error = #expect(throws: ImagingError.self) { try GroundTruthReader.read(path: labels, options: options) }
        #expect(error?.kind == .outsideRoot)
        #expect(error?.file == labels)

        var allowing = options
        allowing.allowOutsideRoot = true
        let loaded = try GroundTruthReader.read(path: labels, options: allowing)
        #expect(loaded.dataset.images.map(\.name) == ["link.png"])
        #expect(loaded.dataset.images.first?.height == 6)
    }
}

import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchImaging

/// The images folder of a dataset: finds images by name or stem without ever leaving the folder.
///
/// Names come from annotation files, which are user data: a name that is absolute or climbs out with `..`
/// is refused rather than read ("reading an annotation never reads files outside the dataset root").
struct ImageDirectory {
    /// The folder, as the user named it.
    let root: String
    /// The file names directly inside ``root``, sorted by their bytes.
    let fileNames: [String]
    /// Where names become paths to open: refuses names and symbolic links leading out of ``root``.
    let images: ImageRoot

    /// Extensions tried, in this order, when an image is looked up by stem.
    static let extensions = ["png", "jpg", "jpeg"]

    /// Lists the folder.
    ///
    /// - Parameters:
    ///   - path: The folder.
    ///   - allowsOutside: Whether image names may lead out of it (`--allow-outside-root`).
    ///   - source: The annotation file the names come from, for error messages.
    /// - Throws: ``FormatError`` naming the folder when it does not exist or is not a folder.
    init(path: String, allowsOutside: Bool = false, source: String? = nil) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FormatError(file: path, "images folder not found")
        }
        root = path
        images = ImageRoot(path, allowsOutside: allowsOutside, source: source)
        do {
            fileNames = try FileManager.default.contentsOfDirectory(atPath: path)
                .filter { !$0.hasPrefix(".") }
                .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        } catch {
            throw FormatError(file: path, "cannot list: \(FileErrorReason.describe(error))")
        }
    }

    /// The path of the image called `name` (relative to the folder), or `nil` when the name would leave the
    /// folder (``MaskBenchImaging/ImageRoot/problem(withName:)``). Neither whether the file exists nor where
    /// symbolic links lead is checked: open images through ``size(ofImage:)`` or ``images``.
    func path(ofImage name: String) -> String? {
        if images.allowsOutside, name.hasPrefix("/") { return name }
        guard images.allowsOutside || ImageRoot.problem(withName: name) == nil else { return nil }
        return root.hasSuffix("/") ? root + name : root + "/" + name
    }

    /// Whether a regular file called `name` exists in the folder.
    func contains(_ name: String) -> Bool {
        guard let path = path(ofImage: name) else { return false }
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    /// A lookup table from stem to image name, `.png` winning over `.jpg` over `.jpeg`
    /// (any case) when several share a stem.
    func imagesByStem() -> [String: String] {
        var table: [String: String] = [:]
        for ext in Self.extensions.reversed() {
            for name in fileNames where Self.ext(of: name).lowercased() == ext {
                table[Self.stem(of: name)] = name
            }
        }
        return table
    }

    /// The names of the PNG and JPEG files in the folder, by extension.
    var imageFileNames: [String] {
        fileNames.filter { Self.extensions.contains(Self.ext(of: $0).lowercased()) }
    }

    /// The size of image `name`.
    ///
    /// - Throws: ``ImagingError`` when the header cannot be read, or of kind `outsideRoot` when the name or a
    ///   symbolic link leads out of the folder (callers let that one through: it is never just a finding).
    func size(ofImage name: String) throws -> ImageSize {
        try ImageSize.read(path: images.path(ofImage: name))
    }

    /// `a.b` for `a.b.png`.
    static func stem(of name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    /// `png` for `a.b.png`, `""` when there is no extension.
    static func ext(of name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...])
    }
}

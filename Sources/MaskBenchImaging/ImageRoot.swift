import Foundation

/// The images folder of a dataset, and the one place where an image name from an annotation file becomes a
/// path that may be opened.
///
/// Image names come from annotation and prediction files, which are user data downloaded from anywhere.
/// Unless ``allowsOutside`` is set, a name may not leave the folder:
/// - lexically (``problem(withName:)``): an absolute name (`/etc/passwd`, `\\server\share`, `C:\x`), a
///   `..` component (`../../etc/passwd`, also between backslashes) or a NUL byte is refused;
/// - on disk (``path(ofImage:)``): the path is resolved with `realpath(3)`, so a symbolic link inside the
///   folder (or a linked sub-folder) that leads out of it is refused too. A name that does not resolve
///   (no such file) is returned as is, and opening it fails as it would have.
///
/// The lexical check costs a scan of the name's bytes; the readers run it on every name they read. The
/// `realpath` check costs a few system calls and is made only where an image is opened.
public struct ImageRoot: Sendable, Hashable {
    /// The folder, as the user named it.
    public let folder: String
    /// Whether names may point anywhere (`--allow-outside-root`): absolute names are used as they are and
    /// relative ones are joined to ``folder``, with no check.
    public var allowsOutside: Bool
    /// The annotation file the names come from, named in errors (when known).
    public var source: String?
    /// ``folder`` with its symbolic links resolved, when it exists (resolved once, not per image).
    private let realFolder: String?

    /// Creates the images folder `folder`.
    ///
    /// - Parameters:
    ///   - folder: The folder, as the user named it.
    ///   - allowsOutside: Whether names may leave the folder.
    ///   - source: The annotation file the names come from, for error messages.
    public init(_ folder: String, allowsOutside: Bool = false, source: String? = nil) {
        self.folder = folder
        self.allowsOutside = allowsOutside
        self.source = source
        self.realFolder = Self.realPath(folder)
    }

    /// What makes `name` leave any folder it is joined to, or `nil` when it stays inside (lexically).
    ///
    /// - Returns: A short reason, such as "is an absolute path" or "climbs out of the folder with '..'".
    public static func problem(withName name: String) -> String? {
        let bytes = name.utf8
        guard let first = bytes.first else { return "is empty" }
        if first == UInt8(ascii: "/") || first == UInt8(ascii: "\\") { return "is an absolute path" }
        if bytes.count >= 2, isLetter(first), bytes[bytes.index(after: bytes.startIndex)] == UInt8(ascii: ":") {
            return "is an absolute (drive-letter) path"
        }
        var componentLength = 0
        var dots = 0
        for byte in bytes {
            switch byte {
            case 0: return "contains a NUL byte"
            case UInt8(ascii: "/"), UInt8(ascii: "\\"):
                if componentLength == 2, dots == 2 { return "climbs out of the folder with '..'" }
                componentLength = 0
                dots = 0
            default:
                componentLength += 1
                if byte == UInt8(ascii: ".") { dots += 1 }
            }
        }
        if componentLength == 2, dots == 2 { return "climbs out of the folder with '..'" }
        return nil
    }

    /// The message for a name refused by ``problem(withName:)``, naming the name and the way out.
    public static func refusal(name: String, problem: String) -> String {
        "image path '\(name)' \(problem): it would be read outside the images folder; "
            + "pass --allow-outside-root to allow it"
    }

    /// The path to open for image `name`, after checking that it stays in the folder.
    ///
    /// - Parameter name: The image's name as the annotation gives it, relative to ``folder``.
    /// - Returns: The real path (symbolic links resolved) when the file exists; the joined path otherwise,
    ///   or whatever `name` says when ``allowsOutside`` is set.
    /// - Throws: ``ImagingError`` of kind ``ImagingError/Kind/outsideRoot`` naming the annotation file, the
    ///   name and where it leads. The corresponding C function is `realpath`.
    public func path(ofImage name: String) throws -> String {
        if allowsOutside {
            return name.hasPrefix("/") ? name : Self.join(folder, name)
        }
        if let problem = Self.problem(withName: name) {
            throw error(name: name, Self.refusal(name: name, problem: problem))
        }
        let joined = Self.join(folder, name)
        guard let real = Self.realPath(joined) else { return joined }
        guard let root = realFolder else { return joined }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        guard real.hasPrefix(prefix) else {
            throw error(
                name: name,
                "image path '\(name)' resolves to '\(real)', outside the images folder '\(root)' "
                    + "(a symbolic link); pass --allow-outside-root to allow it")
        }
        return real
    }

    /// Whether any of `names` is a file in the folder, looking no further than the first that is: before a
    /// run, "none of the images is there" (a wrong `--images`) is one error, not a failure per image.
    /// Names refused by ``path(ofImage:)`` count as absent.
    public func containsAny(of names: some Sequence<String>) -> Bool {
        var isDirectory: ObjCBool = false
        for name in names {
            guard let path = try? path(ofImage: name) else { continue }
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return true
            }
        }
        return false
    }

    /// The message for a folder that holds none of a ground truth's `count` images, `example` among them.
    public func noneFoundMessage(count: Int, example: String) -> String {
        let looked = (try? path(ofImage: example)) ?? Self.join(folder, example)
        let from = source.map { " of \($0)" } ?? ""
        return "none of the \(count) image\(count == 1 ? "" : "s")\(from) is in \(folder) (looked for \(looked), …); "
            + "pass --images with the folder that holds them"
    }

    // MARK: - Helpers

    private func error(name: String, _ message: String) -> ImagingError {
        ImagingError(.outsideRoot, file: source ?? Self.join(folder, name), message: message)
    }

    private static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    /// `realpath(3)`, or `nil` when the path does not resolve.
    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

import Foundation
import MaskBenchCore

/// Bounds on what the readers accept, so that a hostile or broken input file gives a clear error instead of
/// exhausting memory.
///
/// Each bound is a setting of the commands that read files (`--max-file-size`, `--max-line-length`,
/// `--max-faces-per-image`). Checks are cheap: a file's size is looked up once before it is read, a line's
/// length where the reader already finds line ends, a face count where faces are appended.
public struct ReadLimits: Sendable, Hashable {
    /// The largest annotation or predictions file read, in bytes (default 2 GiB).
    public var maxFileBytes: Int
    /// The longest CSV record or JSON Lines line, in bytes (default 1 MiB).
    public var maxLineBytes: Int
    /// The most faces one image may have in a ground truth or a predictions file (default 10,000).
    public var maxFacesPerImage: Int

    /// The defaults: 2 GiB files, 1 MiB lines, 10,000 faces per image.
    public static let defaults = ReadLimits()

    /// Creates limits; every default is the documented one.
    public init(maxFileBytes: Int = 2 << 30, maxLineBytes: Int = 1 << 20, maxFacesPerImage: Int = 10_000) {
        self.maxFileBytes = maxFileBytes
        self.maxLineBytes = maxLineBytes
        self.maxFacesPerImage = maxFacesPerImage
    }

    /// Checks the size of the file at `path` before it is read, and that it is a file (``refuseSpecialFile(_:)``);
    /// a path that cannot be examined passes (its reader reports why it cannot be opened).
    ///
    /// - Throws: ``FormatError`` naming the file, its size and the setting, or what it is instead of a file.
    public func checkFileSize(_ path: String) throws {
        try Self.refuseSpecialFile(path)
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return }
        let size = Int(info.st_size)
        guard size <= maxFileBytes else {
            throw FormatError(
                file: path,
                "the file is \(size) bytes, more than the limit of \(maxFileBytes) bytes; "
                    + "raise it with --max-file-size if the file is genuine")
        }
    }

    /// Refuses a FIFO, socket or device at `path` (a symbolic link is followed), which a reader would block on
    /// or read without end; files, folders and paths that cannot be examined pass.
    ///
    /// - Throws: ``FormatError`` naming the file and what it is.
    public static func refuseSpecialFile(_ path: String) throws {
        if let problem = FileErrorReason.notARegularFile(path) { throw FormatError(file: path, problem) }
    }

    /// Checks one record or line of `length` bytes.
    ///
    /// - Throws: ``FormatError`` at `file:line` naming the length and the setting.
    public func checkLine(length: Int, file: String, line: Int?) throws {
        guard length <= maxLineBytes else {
            throw FormatError(
                file: file, line: line,
                "the line is longer than the limit of \(maxLineBytes) bytes (\(length) bytes); "
                    + "raise it with --max-line-length if the file is genuine")
        }
    }

    /// Checks that image `image` may hold `count` faces.
    ///
    /// - Throws: ``FormatError`` at `file:line` naming the image, the count and the setting.
    public func checkFaces(_ count: Int, image: String, file: String, line: Int? = nil) throws {
        guard count <= maxFacesPerImage else {
            throw FormatError(
                file: file, line: line,
                "image '\(image)' has more faces than the limit of \(maxFacesPerImage) per image; "
                    + "raise it with --max-faces-per-image if the file is genuine")
        }
    }
}

import Foundation
public import MaskBenchCore

/// Writes files so that a reader sees the old content or the new, never half of one, and never through a
/// symbolic link planted in the output folder.
///
/// MaskBench runs in CI with write access to a repository whose content it does not control: an output folder
/// may hold a symbolic link named like an output (`metrics.json -> ~/.ssh/authorized_keys`). Writing through
/// it would overwrite the link's target, so:
/// - the content goes to a new temporary file beside the final one, created with
///   `O_CREAT | O_EXCL | O_NOFOLLOW` (it never opens an existing file or link);
/// - `rename(2)` then puts it in place: a link at the final name is replaced, its target untouched;
/// - folders MaskBench makes inside the output folder (``makeSubdirectory(_:in:)``: `charts`, `logs`) are
///   made with `mkdir(2)` and refused when a symbolic link already stands at their name. The output folder
///   itself is the user's choice (``makeDirectory(_:)``) and is followed, so `--out Reports/latest` may be a
///   link to a dated folder.
///
/// The file is not `fsync`ed: the rename makes the write atomic for readers and after a crash of MaskBench,
/// not after a power cut.
public enum AtomicFile {
    /// Writes `data` to a temporary file beside `path`, then renames it over `path`.
    ///
    /// The rename replaces a symbolic link planted at `path` instead of following it; the temporary file is
    /// created exclusively and without following links. On failure nothing is left behind.
    /// - Throws: ``OutputError`` naming the file and the system's reason. The corresponding C functions are
    ///   `open`, `write` and `rename`.
    public static func write(_ data: Data, to path: String) throws {
        try write(to: path) { handle in try handle.write(contentsOf: data) }
    }

    /// Writes the parts `body` hands to the function it is given, one after the other as they come, as
    /// ``write(_:to:)`` writes one block: for a table too large to hold whole, made and written a part at a time.
    ///
    /// - Throws: ``OutputError`` naming the file and the system's reason, or what `body` throws. The
    ///   corresponding C functions are `open`, `write` and `rename`.
    public static func write(to path: String, parts body: (_ write: ([UInt8]) throws -> Void) throws -> Void) throws {
        try write(to: path) { handle in try body { try handle.write(contentsOf: $0) } }
    }

    private static func write(to path: String, _ body: (FileHandle) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let (descriptor, temporary) = try createTemporary(beside: url.lastPathComponent, in: directory)
        var closed = false
        defer {
            if !closed { close(descriptor) }
        }
        do {
            do {
                try body(FileHandle(fileDescriptor: descriptor, closeOnDealloc: false))
            } catch {
                throw OutputError(path: temporary, "cannot write: \(FileErrorReason.describe(error))")
            }
            closed = true
            guard close(descriptor) == 0 else {
                throw OutputError(path: temporary, "cannot write: \(FileErrorReason.describe(errno: errno))")
            }
            guard rename(temporary, path) == 0 else {
                throw OutputError(
                    path: path, "cannot move the finished file into place: \(FileErrorReason.describe(errno: errno))")
            }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Creates `path` and its parents when missing: the output folder the user named, links followed.
    ///
    /// - Throws: ``OutputError`` naming the folder and the system's reason.
    public static func makeDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw OutputError(path: path, "cannot create the folder: \(FileErrorReason.describe(error))")
        }
    }

    /// Creates folder `name` inside `folder` (which must exist) when missing, never through a symbolic link.
    ///
    /// When something already stands at the name it must be a real folder: a symbolic link there is refused,
    /// even one to a folder, so a link planted as `charts` or `logs` cannot send outputs elsewhere.
    /// - Returns: The folder's path, `folder/name`.
    /// - Throws: ``OutputError`` naming the folder and the reason. The corresponding C functions are `mkdir`
    ///   and `lstat`.
    @discardableResult
    public static func makeSubdirectory(_ name: String, in folder: String) throws -> String {
        let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
        if mkdir(path, 0o755) == 0 { return path }
        let reason = errno
        var info = stat()
        guard reason == EEXIST, lstat(path, &info) == 0 else {
            throw OutputError(path: path, "cannot create the folder: \(FileErrorReason.describe(errno: reason))")
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return path
        case S_IFLNK:
            throw OutputError(
                path: path, "is a symbolic link; refusing to write through it (remove it, or write elsewhere)")
        default:
            throw OutputError(path: path, "exists and is not a folder")
        }
    }

    // MARK: - Helpers

    /// A new file `.NAME.PID.RANDOM.tmp` in `directory`, opened for writing; retried on a name clash.
    private static func createTemporary(beside name: String, in directory: String) throws -> (Int32, String) {
        var lastError: Int32 = EEXIST
        for _ in 0..<16 {
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            let temporary = directory + "/.\(name).\(getpid()).\(suffix).tmp"
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if descriptor >= 0 { return (descriptor, temporary) }
            lastError = errno
            guard lastError == EEXIST else { break }
        }
        throw OutputError(
            path: directory + "/" + name,
            "cannot create a temporary file beside it: \(FileErrorReason.describe(errno: lastError))")
    }
}

/// An output file or folder that could not be written: a full disk, a folder without write permission, a
/// symbolic link planted where an output goes.
///
/// It names the file; `maskbench` exits 2 on it (the folder is the user's to fix), and the previous outputs
/// are left as they were.
public struct OutputError: InputProblem, Sendable, Hashable {
    /// The file or folder, as the user named it (or the temporary file beside it being written).
    public var path: String
    /// What failed, with the system's reason.
    public var message: String

    /// An error about `path`.
    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    /// ``path``.
    public var location: FileLocation? { FileLocation(file: path) }
}

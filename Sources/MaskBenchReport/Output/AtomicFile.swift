import Foundation

/// Writes files so that a reader sees the old content or the new, never half of one.
public enum AtomicFile {
    /// Writes `data` to a temporary file beside `path`, then renames it over `path`.
    ///
    /// The rename replaces a symbolic link planted at `path` instead of following it.
    /// - Throws: ``ReportError`` naming the file and the system's reason.
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let temporary = directory + "/.\(url.lastPathComponent).\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw ReportError(path: temporary, "cannot create the file (\(String(cString: strerror(errno))))")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ReportError(path: path, "cannot move the finished file into place (\(reason))")
        }
    }

    /// Creates `path` and its parents when missing.
    public static func makeDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw ReportError(path: path, "cannot create the output folder (\(error.localizedDescription))")
        }
    }
}

/// An output that could not be written.
public struct ReportError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

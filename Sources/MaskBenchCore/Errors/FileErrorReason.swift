import Foundation

/// Why a file could not be read or written, in the C library's words (`no such file or directory`,
/// `permission denied`, `is a directory`), so every such error has one shape, `FILE: cannot read: REASON`,
/// instead of Foundation's "The operation could not be completed. The file doesn't exist."
package enum FileErrorReason {
    /// `strerror(code)`, lower-cased: `no such file or directory`.
    package static func describe(errno code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    /// Why the entry at `path` cannot be read as a file when it is a FIFO, a socket or a device (a symbolic link
    /// is followed): opening it could wait forever, or reading it never end. `nil` for a file, a folder or a path
    /// that cannot be examined (its reader says why it cannot be opened).
    ///
    /// - Returns: `not a regular file but a FIFO (named pipe); give a file saved on disk`, or `nil`. The
    ///   corresponding C function is `stat`.
    package static func notARegularFile(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let kind: String
        switch info.st_mode & S_IFMT {
        case S_IFREG, S_IFDIR: return nil
        case S_IFIFO: kind = "a FIFO (named pipe)"
        case S_IFSOCK: kind = "a socket"
        case S_IFCHR, S_IFBLK: kind = "a device"
        default: kind = "a special file"
        }
        return "not a regular file but \(kind); give a file saved on disk"
    }

    /// The reason an error thrown by Foundation's file functions carries: its POSIX code (its own, or the
    /// underlying error's), or what its Cocoa code stands for (`not valid UTF-8 text`).
    package static func describe(_ error: any Error) -> String {
        if let posix = error as? POSIXError { return describe(errno: posix.code.rawValue) }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return describe(errno: Int32(ns.code)) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] {
            if let posix = underlying as? POSIXError { return describe(errno: posix.code.rawValue) }
            if let inner = underlying as? NSError, inner.domain == NSPOSIXErrorDomain {
                return describe(errno: Int32(inner.code))
            }
        }
        guard ns.domain == NSCocoaErrorDomain else { return "\(ns.domain) error \(ns.code)" }
        switch CocoaError.Code(rawValue: ns.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return describe(errno: ENOENT)
        case .fileReadNoPermission, .fileWriteNoPermission: return describe(errno: EACCES)
        case .fileReadCorruptFile, .fileReadInapplicableStringEncoding, .fileReadUnknownStringEncoding:
            return "not valid UTF-8 text"
        case .fileWriteOutOfSpace: return describe(errno: ENOSPC)
        case .fileWriteVolumeReadOnly: return describe(errno: EROFS)
        case .fileReadTooLarge: return describe(errno: EFBIG)
        default: return "file error \(ns.code)"
        }
    }
}

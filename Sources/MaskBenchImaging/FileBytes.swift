import Foundation
import MaskBenchCore

/// Reads the leading bytes of a file, reporting failures as ``ImagingError``.
enum FileBytes {
    /// Up to `maxCount` bytes from the start of `path`, or the whole file when `maxCount` is `nil`.
    ///
    /// - Throws: ``ImagingError`` of kind `unreadableFile` naming the file: `cannot read: no such file or directory`,
    ///   or a FIFO, socket or device, which is not opened (``MaskBenchCore/FileErrorReason/notARegularFile(_:)``).
    static func read(path: String, maxCount: Int? = nil) throws -> [UInt8] {
        if let problem = FileErrorReason.notARegularFile(path) {
            throw ImagingError(.unreadableFile, file: path, message: problem)
        }
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        } catch {
            throw ImagingError(.unreadableFile, file: path, message: "cannot read: \(FileErrorReason.describe(error))")
        }
        defer { try? handle.close() }
        do {
            let data = try maxCount.map { try handle.read(upToCount: $0) } ?? handle.readToEnd()
            return data.map { [UInt8]($0) } ?? []
        } catch {
            throw ImagingError(.unreadableFile, file: path, message: "cannot read: \(FileErrorReason.describe(error))")
        }
    }
}

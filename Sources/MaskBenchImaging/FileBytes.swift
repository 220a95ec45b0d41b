import Foundation

/// Reads the leading bytes of a file, reporting failures as ``ImagingError``.
enum FileBytes {
    /// Up to `maxCount` bytes from the start of `path`, or the whole file when `maxCount` is `nil`.
    ///
    /// - Throws: ``ImagingError`` of kind `unreadableFile` naming the file and the system's message.
    static func read(path: String, maxCount: Int? = nil) throws -> [UInt8] {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        } catch {
            throw ImagingError(.unreadableFile, file: path, function: "open", message: Self.reason(error, path))
        }
        defer { try? handle.close() }
        do {
            let data = try maxCount.map { try handle.read(upToCount: $0) } ?? handle.readToEnd()
            return data.map { [UInt8]($0) } ?? []
        } catch {
            throw ImagingError(.unreadableFile, file: path, function: "read", message: Self.reason(error, path))
        }
    }

    /// A short reason: "no such file" reads better than Foundation's sentence about the file.
    private static func reason(_ error: any Error, _ path: String) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) { return "no such file" }
        if isDirectory.boolValue { return "is a directory" }
        return (error as NSError).localizedDescription
    }
}

import Foundation
import Testing

@testable import MaskBenchCore

/// Every file error's reason in the C library's words, whichever Foundation call failed.
@Suite struct FileErrorReasonTests {
    @Test func errnoIsWordedByTheCLibraryInLowerCase() {
        #expect(FileErrorReason.describe(errno: ENOENT) == "no such file or directory")
        #expect(FileErrorReason.describe(errno: EACCES) == "permission denied")
        #expect(FileErrorReason.describe(errno: EISDIR) == "is a directory")
    }

    @Test func foundationErrorsGiveTheirPOSIXReasonNotASentence() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("missing.json")
        var reasons: [String] = []
        func reason(_ body: () throws -> Void) {
            do { try body() } catch { reasons.append(FileErrorReason.describe(error)) }
        }
        reason { _ = try Data(contentsOf: missing) }
        reason { _ = try String(contentsOfFile: missing.path, encoding: .utf8) }
        reason { _ = try FileHandle(forReadingFrom: missing) }
        reason { _ = try FileManager.default.contentsOfDirectory(atPath: missing.path) }
        #expect(reasons == Array(repeating: "no such file or directory", count: 4))
        reasons = []
        reason { _ = try Data(contentsOf: folder) }
        #expect(reasons == ["is a directory"])
    }

    @Test(arguments: [
        (CocoaError.Code.fileReadNoSuchFile, "no such file or directory"),
        (.fileReadNoPermission, "permission denied"),
        (.fileReadInapplicableStringEncoding, "not valid UTF-8 text"),
        (.fileWriteOutOfSpace, "no space left on device"),
    ])
    func cocoaCodesWithoutAnUnderlyingErrorAreNamedToo(_ code: CocoaError.Code, _ reason: String) {
        #expect(FileErrorReason.describe(CocoaError(code)) == reason)
    }

    @Test func invalidUTF8IsNamedAsSuch() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fer-\(UUID().uuidString).yml")
        try Data([0x66, 0xFF, 0xFE, 0x0A]).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let error = #expect(throws: (any Error).self) { _ = try String(contentsOfFile: file.path, encoding: .utf8) }
        #expect(error.map(FileErrorReason.describe) == "not valid UTF-8 text")
    }
}

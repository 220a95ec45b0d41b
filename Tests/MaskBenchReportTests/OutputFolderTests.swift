import Foundation
import MaskBenchCore
import MaskBenchFiles
import MaskBenchTestSupport
import Synchronization
import Testing

/// An output folder holds one complete set of outputs or the previous one: the lock, the staging folder and
/// the journaled swap of ``OutputFolder``.
@Suite(.timeLimit(.minutes(1))) struct OutputFolderTests {
    static let names = ["a.txt", "b.txt", "c.txt", "charts"]

    /// A temporary `root/out` folder.
    struct Folder {
        let root: URL
        var out: String { root.appendingPathComponent("out").path }

        init() throws {
            root = try Command.temporaryDirectory()
        }

        func text(_ name: String) -> String? { try? String(contentsOfFile: out + "/" + name, encoding: .utf8) }

        /// The names in the folder, hidden ones included, but the lock file.
        func entries() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: out).filter { $0 != ".maskbench-lock" }.sorted()
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    /// Writes `files` (name → content; `dir/name` inside a folder) into `staging`.
    static func write(_ files: [String: String], into staging: String) throws {
        for (name, content) in files {
            let path = staging + "/" + name
            try FileManager.default.createDirectory(
                atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
            try AtomicFile.write(Data(content.utf8), to: path)
        }
    }

    /// Claims `folder` again after this process let its earlier claim go.
    ///
    /// The lock is a `flock`, which lasts while any descriptor of its open file is open. A child process that
    /// another test of this process spawns at that moment holds a copy of every descriptor until it starts its
    /// program (`O_CLOEXEC` closes the lock's only then), so a claim made just after a release can find the
    /// folder still locked for that instant (seen under load: "in use: another maskbench ... is writing into
    /// this folder"). This claim waits out that instant; the suite's time limit fails a lock that is never
    /// released.
    static func claimAfterRelease(_ folder: String) throws -> OutputFolder {
        try OutputFolder.claim(folder, waiting: true)
    }

    /// The first set: `a.txt`, `b.txt` and `charts/x.svg`, all "old", beside the user's `notes.txt` and `cache/`.
    static func writeFirstSet(_ folder: Folder) throws {
        let claimed = try OutputFolder.claim(folder.out)
        try claimed.replaceSet(of: names) { staging in
            try write(["a.txt": "old", "b.txt": "old", "charts/x.svg": "old"], into: staging)
        }
        try Data("mine".utf8).write(to: URL(fileURLWithPath: folder.out + "/notes.txt"))
        try FileManager.default.createDirectory(atPath: folder.out + "/cache", withIntermediateDirectories: true)
        try Data("cached".utf8).write(to: URL(fileURLWithPath: folder.out + "/cache/x.jsonl"))
    }

    @Test func aNewSetReplacesTheWholeOldOneAndNothingElse() throws {
        let folder = try Folder()
        defer { folder.remove() }
        try Self.writeFirstSet(folder)
        let claimed = try Self.claimAfterRelease(folder.out)
        try claimed.replaceSet(of: Self.names) { staging in
            try Self.write(["a.txt": "new", "c.txt": "new"], into: staging)
        }
        #expect(folder.text("a.txt") == "new")
        #expect(folder.text("c.txt") == "new")
        // b.txt and charts/ belong to the old set only: removed, so no old output stays beside new ones.
        #expect(try folder.entries() == ["a.txt", "c.txt", "cache", "notes.txt"])
        #expect(folder.text("cache/x.jsonl") == "cached")
    }

    @Test func anErrorWhileWritingLeavesThePreviousSetAsItWas() throws {
        struct Failure: Error {}
        let folder = try Folder()
        defer { folder.remove() }
        try Self.writeFirstSet(folder)
        let before = try folder.entries()
        let claimed = try Self.claimAfterRelease(folder.out)
        #expect(throws: Failure.self) {
            try claimed.replaceSet(of: Self.names) { staging in
                try Self.write(["a.txt": "new", "charts/x.svg": "new"], into: staging)
                throw Failure()
            }
        }
        #expect(try folder.entries() == before)
        #expect(folder.text("a.txt") == "old")
        #expect(folder.text("charts/x.svg") == "old")
    }

    @Test func aWriteErrorNamesTheOutputFileNotTheStagingFolder() throws {
        let folder = try Folder()
        defer { folder.remove() }
        let claimed = try OutputFolder.claim(folder.out)
        let error = try #require(throws: OutputError.self) {
            try claimed.replaceSet(of: Self.names) { staging in
                try FileManager.default.createDirectory(
                    atPath: staging + "/a.txt", withIntermediateDirectories: true)
                try AtomicFile.write(Data("new".utf8), to: staging + "/a.txt")
            }
        }
        #expect(error.path == folder.out + "/a.txt")
        #expect(error.message.hasSuffix("; the outputs in \(folder.out) are left as they were"), "\(error)")
        #expect(try folder.entries().isEmpty)
    }

    @Test func aNameOutsideTheSetIsRefused() throws {
        let folder = try Folder()
        defer { folder.remove() }
        let claimed = try OutputFolder.claim(folder.out)
        let error = try #require(throws: OutputError.self) {
            try claimed.replaceSet(of: Self.names) { staging in try Self.write(["z.txt": "new"], into: staging) }
        }
        #expect(error.message == "is not an output of this command's set")
        #expect(try folder.entries().isEmpty)
    }

    @Test func aSecondClaimFailsNamingTheHoldersPid() throws {
        let folder = try Folder()
        defer { folder.remove() }
        var first: OutputFolder? = try OutputFolder.claim(folder.out)
        let error = try #require(throws: OutputError.self) { try OutputFolder.claim(folder.out) }
        #expect(error.path == folder.out)
        #expect(error.message.contains("another maskbench (pid \(getpid())) is writing into this folder"))
        #expect(error.message.contains("give --wait to wait"))
        withExtendedLifetime(first) {}
        first = nil
        // Released with the first claim.
        _ = try Self.claimAfterRelease(folder.out)
    }

    @Test func aWaitingClaimGetsTheFolderWhenTheHolderLetsGo() throws {
        let folder = try Folder()
        defer { folder.remove() }
        var first: OutputFolder? = try OutputFolder.claim(folder.out)
        let waiter = Waiter()
        let path = folder.out
        Thread {
            let second = try? OutputFolder.claim(path, waiting: true) { pid in
                waiter.holder.withLock { $0 = pid }
                waiter.waiting.signal()
            }
            waiter.claimed.withLock { $0 = second != nil }
            waiter.done.signal()
        }.start()
        waiter.waiting.wait()
        #expect(waiter.holder.withLock { $0 } == getpid())
        withExtendedLifetime(first) {}
        first = nil
        waiter.done.wait()
        #expect(waiter.claimed.withLock { $0 })
    }

    @Test func aSwapInterruptedAfterItsCommitIsCompletedByTheNextClaim() throws {
        struct Killed: Error {}
        let folder = try Folder()
        defer { folder.remove() }
        try Self.writeFirstSet(folder)
        var claimed: OutputFolder? = try Self.claimAfterRelease(folder.out)
        claimed?.onStep = { step in if step == .moved("b.txt") { throw Killed() } }
        #expect(throws: Killed.self) {
            try claimed?.replaceSet(of: Self.names) { staging in
                try Self.write(["a.txt": "new", "b.txt": "new", "c.txt": "new", "charts/y.svg": "new"], into: staging)
            }
        }
        // Stopped half way: a mix on disk, and the journal that completes it.
        #expect(folder.text("b.txt") == "new")
        #expect(folder.text("c.txt") == nil)
        #expect(try folder.entries().contains { $0.hasPrefix(".maskbench-staging-") })
        claimed = nil

        _ = try Self.claimAfterRelease(folder.out)
        #expect(try folder.entries() == ["a.txt", "b.txt", "c.txt", "cache", "charts", "notes.txt"])
        #expect(Self.names.dropLast().allSatisfy { folder.text($0) == "new" })
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.out + "/charts") == ["y.svg"])
    }

    @Test func aReaderCompletesAnInterruptedSwapBeforeReading() throws {
        struct Killed: Error {}
        let folder = try Folder()
        defer { folder.remove() }
        try Self.writeFirstSet(folder)
        var claimed: OutputFolder? = try Self.claimAfterRelease(folder.out)
        claimed?.onStep = { step in if step == .committed { throw Killed() } }
        #expect(throws: Killed.self) {
            try claimed?.replaceSet(of: Self.names) { staging in try Self.write(["a.txt": "new"], into: staging) }
        }
        #expect(folder.text("a.txt") == "old")
        claimed = nil

        let lock = try OutputFolder.ReadLock(folder.out)
        #expect(try folder.entries() == ["a.txt", "cache", "notes.txt"])
        #expect(folder.text("a.txt") == "new")
        withExtendedLifetime(lock) {}
    }

    @Test func aStagingFolderLeftWithoutItsJournalIsRemovedByTheNextClaim() throws {
        let folder = try Folder()
        defer { folder.remove() }
        try Self.writeFirstSet(folder)
        // What a command killed while writing leaves: a staging folder, never committed.
        let staging = folder.out + "/.maskbench-staging-1-killed"
        try Self.write(["a.txt": "half", "charts/x.svg": "half"], into: staging)
        _ = try Self.claimAfterRelease(folder.out)
        #expect(try folder.entries() == ["a.txt", "b.txt", "cache", "charts", "notes.txt"])
        #expect(folder.text("a.txt") == "old")
    }

    @Test func linksPlantedAtOutputNamesAreReplacedNeverFollowed() throws {
        let folder = try Folder()
        defer { folder.remove() }
        let outside = folder.root.appendingPathComponent("outside").path
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try Data("secret".utf8).write(to: URL(fileURLWithPath: outside + "/victim.txt"))
        try FileManager.default.createDirectory(atPath: folder.out, withIntermediateDirectories: true)
        let links = ["a.txt": outside + "/victim.txt", "charts": outside, "b.txt": outside]
        for (name, target) in links {
            try FileManager.default.createSymbolicLink(atPath: folder.out + "/" + name, withDestinationPath: target)
        }
        let claimed = try OutputFolder.claim(folder.out)
        try claimed.replaceSet(of: Self.names) { staging in
            try Self.write(["a.txt": "new", "charts/x.svg": "new"], into: staging)
        }
        #expect(try String(contentsOfFile: outside + "/victim.txt", encoding: .utf8) == "secret")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside) == ["victim.txt"])
        #expect(try folder.entries() == ["a.txt", "charts"])
        #expect(folder.text("a.txt") == "new")
        #expect(folder.text("charts/x.svg") == "new")
    }
}

/// What the waiting claim's thread reports.
private final class Waiter: Sendable {
    let waiting = DispatchSemaphore(value: 0)
    let done = DispatchSemaphore(value: 0)
    let holder = Mutex<Int32?>(nil)
    let claimed = Mutex(false)
}

import Foundation
import MaskBenchCore

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// An output folder (`--out`) claimed by one MaskBench command, and the one way outputs are put in it: a whole
/// set at a time, so that the folder holds one complete set of outputs or the previous one, never a mix.
///
/// **The lock.** ``claim(_:waiting:onWait:)`` takes an exclusive `flock` on `OUT/.maskbench-lock` for the life
/// of the command and writes its pid there. A second command writing into the same folder finds it taken:
/// it fails naming the holder's pid, or waits for it (`--wait`).
///
/// **The set.** ``replaceSet(of:_:)`` gives the command a new staging folder inside `OUT`
/// (`.maskbench-staging-PID-RANDOM`), lets it write every file of the new set there, and only when all are
/// complete swaps them in. A failure while writing (a full disk, an exception) removes the staging folder; a
/// signal leaves it behind, hidden, and the next command claiming the folder removes it. Either way the
/// previous set is untouched. Files and folders of the folder that belong to no set (`cache/`, `logs/`, the
/// user's own) are never touched.
///
/// **The swap** is a journaled roll-forward, because several directory entries cannot be replaced at once:
/// 1. the journal, `STAGING/.maskbench-commit`, is written atomically; it lists the names to put in place and
///    the names of the previous set to remove. Writing it is the commit point;
/// 2. each new entry is renamed over the old one (a folder such as `charts/` is first moved into the staging
///    folder, out of the way); old entries of names the new set does not have are moved out the same way;
/// 3. the journal is deleted, then the staging folder with what was moved into it.
///
/// A command killed (even by `SIGKILL`) before step 1 leaves the previous set; after it, the next command that
/// claims the folder, or reads it through ``ReadLock``, first completes steps 2 and 3 from the journal (they can
/// be repeated). Readers that take a ``ReadLock`` (`maskbench report` and `merge` on the folders they read) are
/// kept out while steps 2 and 3 run, by a shared `flock` on the folder itself that the swap takes exclusively;
/// so they never see a mix. Other programs reading the folder during the few renames of step 2 can.
public final class OutputFolder {
    /// The folder, as the user named it.
    public let path: String
    /// Called at each step of ``replaceSet(of:_:)``, for tests that stop a command there (`maskbench-fault-harness`).
    package var onStep: ((Step) throws -> Void)?

    /// The open lock file, holding the exclusive lock.
    private let lock: Int32

    /// A point in ``replaceSet(of:_:)`` where ``onStep`` is called.
    package enum Step: Sendable, Hashable, CustomStringConvertible {
        /// Every file of the new set is written in the staging folder; nothing is committed.
        case staged
        /// The journal is written: the swap will complete, now or at the next claim.
        case committed
        /// One entry of the new set was put in place.
        case moved(String)

        package var description: String {
            switch self {
            case .staged: "staged"
            case .committed: "committed"
            case .moved(let name): "moved \(name)"
            }
        }
    }

    /// The lock file's name inside the folder.
    static let lockName = ".maskbench-lock"
    /// The prefix of staging folders' names.
    static let stagingPrefix = ".maskbench-staging-"
    /// The journal's name inside a staging folder.
    static let journalName = ".maskbench-commit"
    /// Where a swap moves the entries it replaces, inside the staging folder.
    static let replacedName = ".maskbench-replaced"

    private init(path: String, lock: Int32) {
        self.path = path
        self.lock = lock
    }

    deinit {
        // An empty lock file names no holder: a pid found there belongs to a running command, or a killed one.
        _ = ftruncate(lock, 0)
        close(lock)
    }

    /// Creates the folder when missing (and its parents; a symbolic link to a folder is followed), takes its
    /// lock, and completes or removes what an earlier command left half done.
    ///
    /// - Parameters:
    ///   - path: the output folder.
    ///   - waiting: when another command holds the folder, wait for it instead of failing.
    ///   - onWait: called once with the holder's pid (`nil` when unknown) before waiting.
    /// - Throws: ``OutputError`` naming the folder: in use by another command (with its pid, when not
    ///   `waiting`), a lock file that is a symbolic link or no regular file, or a system error. The
    ///   corresponding C functions are `open` and `flock`.
    public static func claim(
        _ path: String, waiting: Bool = false, onWait: (Int32?) -> Void = { _ in }
    ) throws -> OutputFolder {
        try AtomicFile.makeDirectory(path)
        let lockPath = path + "/" + lockName
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw OutputError(
                path: lockPath, "cannot open the folder's lock file: \(FileErrorReason.describe(errno: errno))")
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw OutputError(path: lockPath, "is not a regular file; remove it")
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EWOULDBLOCK else {
                close(descriptor)
                throw OutputError(path: lockPath, "cannot lock the folder: \(FileErrorReason.describe(errno: code))")
            }
            let holder = holderPID(descriptor)
            guard waiting else {
                close(descriptor)
                let who = holder.map { "another maskbench (pid \($0))" } ?? "another maskbench"
                throw OutputError(
                    path: path,
                    "in use: \(who) is writing into this folder; wait for it to finish, or give --wait to wait")
            }
            onWait(holder)
            while flock(descriptor, LOCK_EX) != 0 {
                guard errno == EINTR else {
                    let code = errno
                    close(descriptor)
                    throw OutputError(
                        path: lockPath, "cannot lock the folder: \(FileErrorReason.describe(errno: code))")
                }
            }
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        let folder = OutputFolder(path: path, lock: descriptor)
        try folder.settle()
        return folder
    }

    /// The pid a holder wrote into the lock file; `nil` when none is there yet or that process is gone.
    private static func holderPID(_ descriptor: Int32) -> Int32? {
        // The holder writes its pid just after taking the lock: give it a moment.
        for attempt in 0..<20 {
            if attempt > 0 { usleep(5_000) }
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { continue }
            let text = String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if let pid = Int32(text), pid > 0, kill(pid, 0) == 0 || errno == EPERM { return pid }
        }
        return nil
    }

    // MARK: - Replacing the set

    /// Replaces the folder's set of outputs with the files `write` puts in the staging folder it is given.
    ///
    /// - Parameters:
    ///   - names: every name (file or folder) a set of this kind can hold. What `write` leaves in the staging
    ///     folder replaces the entries of the same names; entries of the other names are removed, so that
    ///     nothing of the previous set is left beside the new one.
    ///   - write: writes the new set into the folder it is given (which exists and is empty). When it throws,
    ///     the staging folder is removed and the previous set stays as it was.
    /// - Throws: what `write` throws; ``OutputError`` when the staging folder cannot be made, holds a name
    ///   that is not in `names`, or the swap cannot be completed (it is then completed by the next command
    ///   that claims the folder).
    public func replaceSet(of names: [String], _ write: (_ staging: String) throws -> Void) throws {
        let staging = try makeStaging()
        do {
            try write(staging)
            try onStep?(.staged)
        } catch let error as OutputError where error.path.hasPrefix(staging + "/") {
            Self.remove(staging)
            throw OutputError(
                path: finalPath(of: error.path, in: staging),
                error.message + "; the outputs in \(path) are left as they were")
        } catch {
            Self.remove(staging)
            throw error
        }
        let written: [String]
        do {
            written = try FileManager.default.contentsOfDirectory(atPath: staging).sorted()
        } catch {
            Self.remove(staging)
            throw OutputError(path: staging, "cannot list the staging folder: \(FileErrorReason.describe(error))")
        }
        if let stray = written.first(where: { !names.contains($0) }) {
            Self.remove(staging)
            throw OutputError(path: staging + "/" + stray, "is not an output of this command's set")
        }
        let journal = Journal(put: written, remove: names.filter { !written.contains($0) }.sorted())
        let swap = try SwapLock(folder: path)
        do {
            try AtomicFile.write(journal.encoded(), to: staging + "/" + Self.journalName)
        } catch {
            Self.remove(staging)
            throw error
        }
        try onStep?(.committed)
        try complete(staging, journal)
        withExtendedLifetime(swap) {}
    }

    /// Where the file at `staged` (a file of the staging folder, or the temporary file ``AtomicFile`` writes it
    /// through, `.NAME.PID.RANDOM.tmp`) goes in the folder.
    private func finalPath(of staged: String, in staging: String) -> String {
        var parts = staged.dropFirst(staging.count + 1).split(separator: "/").map(String.init)
        if let last = parts.last, last.hasPrefix("."), last.hasSuffix(".tmp") {
            let pieces = last.dropFirst().dropLast(4).split(separator: ".", omittingEmptySubsequences: false)
            if pieces.count > 2 { parts[parts.count - 1] = pieces.dropLast(2).joined(separator: ".") }
        }
        return ([path] + parts).joined(separator: "/")
    }

    /// A new, empty staging folder inside the folder.
    private func makeStaging() throws -> String {
        for _ in 0..<16 {
            let name = Self.stagingPrefix + "\(getpid())-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            let staging = path + "/" + name
            if mkdir(staging, 0o755) == 0 { return staging }
            guard errno == EEXIST else {
                throw OutputError(
                    path: staging, "cannot create the staging folder: \(FileErrorReason.describe(errno: errno))")
            }
        }
        throw OutputError(path: path, "cannot create a staging folder: every name tried exists")
    }

    /// Steps 2 and 3 of the swap, from the journal of `staging`; they can be repeated after a crash.
    private func complete(_ staging: String, _ journal: Journal) throws {
        let replaced = staging + "/" + Self.replacedName
        for name in journal.remove { try moveAside(name, into: replaced) }
        for name in journal.put {
            let source = staging + "/" + name
            guard Self.entryType(source) != nil else { continue }  // put in place before a crash
            let target = path + "/" + name
            if let old = Self.entryType(target), old == S_IFDIR || Self.entryType(source) == S_IFDIR {
                // rename(2) cannot put a folder over an entry, or a file over a folder.
                try moveAside(name, into: replaced)
            }
            guard rename(source, target) == 0 else {
                throw OutputError(
                    path: target,
                    "cannot put the new output in place: \(FileErrorReason.describe(errno: errno)); the complete new set is in "
                        + "\(staging), and the next maskbench command writing into \(path) puts it in place")
            }
            try onStep?(.moved(name))
        }
        _ = unlink(staging + "/" + Self.journalName)
        Self.remove(staging)
    }

    /// Moves the folder's entry `name`, if there is one, into `replaced` (made when missing).
    private func moveAside(_ name: String, into replaced: String) throws {
        let target = path + "/" + name
        guard Self.entryType(target) != nil else { return }
        if mkdir(replaced, 0o755) != 0, errno != EEXIST {
            throw OutputError(path: replaced, "cannot create the folder: \(FileErrorReason.describe(errno: errno))")
        }
        let aside = replaced + "/" + name
        if Self.entryType(aside) != nil { Self.remove(aside) }
        guard rename(target, aside) == 0 else {
            throw OutputError(
                path: target,
                "cannot move the previous output out of the way: \(FileErrorReason.describe(errno: errno))")
        }
    }

    /// Completes the swaps a killed command committed and removes the staging folders it did not.
    private func settle() throws {
        for staging in Self.stagingFolders(in: path) {
            if let journal = try Journal.read(staging + "/" + Self.journalName) {
                let swap = try SwapLock(folder: path)
                try complete(staging, journal)
                withExtendedLifetime(swap) {}
            } else {
                Self.remove(staging)
            }
        }
    }

    /// The staging folders inside `folder`.
    static func stagingFolders(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasPrefix(stagingPrefix) }.sorted().map { folder + "/" + $0 }
    }

    // MARK: - The journal

    /// What a committed swap puts in place and removes.
    struct Journal: Equatable {
        var put: [String]
        var remove: [String]

        /// One `put NAME` or `remove NAME` per line.
        func encoded() -> Data {
            Data((put.map { "put \($0)\n" } + remove.map { "remove \($0)\n" }).joined().utf8)
        }

        /// The journal at `path`; `nil` when there is none (the swap was never committed).
        ///
        /// - Throws: ``OutputError`` when it cannot be read or is not a journal.
        static func read(_ path: String) throws -> Journal? {
            guard entryType(path) != nil else { return nil }
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw OutputError(path: path, "cannot read: \(FileErrorReason.describe(error))")
            }
            var journal = Journal(put: [], remove: [])
            for line in text.split(separator: "\n") {
                if line.hasPrefix("put "), !line.dropFirst(4).contains("/") {
                    journal.put.append(String(line.dropFirst(4)))
                } else if line.hasPrefix("remove "), !line.dropFirst(7).contains("/") {
                    journal.remove.append(String(line.dropFirst(7)))
                } else {
                    throw OutputError(path: path, "not a MaskBench swap journal: '\(line)'")
                }
            }
            return journal
        }
    }

    // MARK: - Readers

    /// A shared lock on a folder that MaskBench writes sets into, held while a command reads a set from it, so
    /// that no swap runs meanwhile; released when the value goes away.
    ///
    /// Taking it first completes a swap a killed command left committed, when the folder can be written to.
    /// A folder that does not exist is not locked (its reader says what is missing).
    public final class ReadLock {
        private let descriptor: Int32

        /// Locks `folder` for reading.
        ///
        /// - Throws: ``OutputError`` when a committed swap cannot be completed.
        public init(_ folder: String) throws {
            while true {
                let descriptor = OutputFolder.openFolder(folder)
                guard descriptor >= 0 else {
                    self.descriptor = -1
                    return
                }
                while flock(descriptor, LOCK_SH) != 0, errno == EINTR {}
                let pending = OutputFolder.stagingFolders(in: folder).contains {
                    entryType($0 + "/" + OutputFolder.journalName) != nil
                }
                guard pending else {
                    self.descriptor = descriptor
                    return
                }
                // A swap a killed command committed: complete it as a writer would, then look again. When
                // another command holds the folder, its own claim completes it (or it is swapping now).
                close(descriptor)
                let lockPath = folder + "/" + OutputFolder.lockName
                let lock = open(lockPath, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
                guard lock >= 0 else {
                    // A folder this command cannot write to: read what is there.
                    self.descriptor = OutputFolder.openFolder(folder)
                    if self.descriptor >= 0 { while flock(self.descriptor, LOCK_SH) != 0, errno == EINTR {} }
                    return
                }
                if flock(lock, LOCK_EX | LOCK_NB) == 0 {
                    let claimed = OutputFolder(path: folder, lock: lock)
                    try claimed.settle()
                } else {
                    close(lock)
                    usleep(10_000)
                }
            }
        }

        deinit {
            if descriptor >= 0 { close(descriptor) }
        }
    }

    /// The exclusive lock on the folder itself that keeps ``ReadLock``s out while a swap runs.
    private final class SwapLock {
        private let descriptor: Int32

        init(folder: String) throws {
            descriptor = OutputFolder.openFolder(folder)
            guard descriptor >= 0 else {
                throw OutputError(
                    path: folder, "cannot open the output folder: \(FileErrorReason.describe(errno: errno))")
            }
            // A file system without locks on folders (some network file systems) only loses the readers' guard.
            while flock(descriptor, LOCK_EX) != 0, errno == EINTR {}
        }

        deinit {
            close(descriptor)
        }
    }

    // MARK: - Helpers

    /// `open(folder, O_RDONLY | O_DIRECTORY)`, or -1.
    static func openFolder(_ folder: String) -> Int32 {
        open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    }

    /// The type bits of the entry at `path` (a symbolic link is not followed), or `nil` when there is none.
    static func entryType(_ path: String) -> mode_t? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }

    /// Removes `path` and, for a folder, everything in it; a symbolic link is removed, never followed.
    static func remove(_ path: String) {
        if entryType(path) == S_IFDIR {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                remove(path + "/" + name)
            }
            _ = rmdir(path)
        } else {
            _ = unlink(path)
        }
    }
}

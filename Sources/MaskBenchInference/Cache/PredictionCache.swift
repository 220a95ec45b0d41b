internal import Crypto
import Foundation
internal import MaskBenchCore
import Synchronization

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Pipeline results stored as each image finishes, so that a re-run, a run after Ctrl-C or a crash, or a full
/// run after sharded ones recomputes nothing already done; one folder may be shared by many processes at once
/// (the shards of a job array on a shared filesystem, each with several workers).
///
/// Content-addressed: a result is keyed by the pipeline's fingerprint and the image's ``ImageKey`` (SHA-256 of
/// its bytes), never by its name or shard. Every process that stores a result appends to a file of its own,
/// `DIR/<P>.<host>-<pid>-<random>.jsonl` where `<P>` is the first 32 hex digits of SHA-256(fingerprint), made
/// with `O_EXCL` on its first store: no two writers ever share a file, so nothing depends on `O_APPEND` being
/// atomic across machines (it is not on NFS), and no reader ever truncates a file another process may still
/// be writing. The file holds a header line `{"cache": "maskbench-predictions", "version": 1, "fingerprint": …}`,
/// then one line per image `{"key": ImageKey, "faces": [{"box": [x, y, w, h], "faceScore", "maskScore"}],
/// "cropMaskScores": […]}`, each written with one `write` as soon as its image is done (a killed process loses
/// nothing the kernel has); the file is `fsync`ed every 32 lines, every 2 seconds and on ``flush()`` (a power
/// cut loses at most that).
///
/// Opening reads every `DIR/<P>.*jsonl` file in name order (the single `DIR/<P>.jsonl` that versions before
/// shared caches wrote included). A last line without its newline is what a crash, or a writer still at work,
/// leaves: it is ignored. Any other unreadable line is skipped and counted. When two files hold the same key
/// (two shards met the same image bytes) the later file's line is used; a pipeline gives both the same answer.
/// Failed images are not cached: they are tried again.
package final class PredictionCache: Sendable {
    /// The cache folder.
    package let directory: String
    /// Results read when the cache was opened.
    package let loadedCount: Int
    /// Complete lines that could not be read when the cache was opened.
    package let skippedLines: Int
    private let fingerprint: String
    private let prefix: String
    private let entries: [String: PipelineResult]
    private let writer = Mutex(Writer())

    private struct Writer: Sendable {
        /// This process's file, once made by its first store.
        var file: (path: String, descriptor: Int32)?
        var unsynced = 0
        var lastSync = DispatchTime.now().uptimeNanoseconds
        var error: String?
    }

    private struct Header: Codable {
        var cache: String
        var version: Int
        var fingerprint: String
    }

    private struct Entry: Codable {
        struct Face: Codable {
            var box: [Double]
            var faceScore: Double
            var maskScore: Double
        }
        var key: String
        var faces: [Face]
        var cropMaskScores: [Double]?
    }

    private static let kind = "maskbench-predictions"
    private static let version = 1

    /// Opens (or creates) the cache folder `directory` and reads the results stored there for `fingerprint`.
    ///
    /// - Throws: ``RunnerError`` naming the folder or file when it cannot be created or read, is a symbolic link
    ///   or not a regular file, or holds another cache version or is not a MaskBench cache.
    package init(directory: String, fingerprint: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw RunnerError(file: directory, "cannot create the folder: \(FileErrorReason.describe(error))")
        }
        self.directory = directory
        self.fingerprint = fingerprint
        let prefix = SHA256.hash(data: Data(fingerprint.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
        self.prefix = prefix
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasPrefix(prefix + ".") && $0.hasSuffix(".jsonl") }
                .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        } catch {
            throw RunnerError(file: directory, "cannot list: \(FileErrorReason.describe(error))")
        }
        var loaded: [String: PipelineResult] = [:]
        var skipped = 0
        for name in names {
            skipped += try Self.read(directory + "/" + name, fingerprint: fingerprint, into: &loaded)
        }
        entries = loaded
        loadedCount = loaded.count
        skippedLines = skipped
    }

    deinit {
        writer.withLock { writer in
            guard let file = writer.file else { return }
            fsync(file.descriptor)
            close(file.descriptor)
        }
    }

    /// The result stored for `key` when the cache was opened.
    package func result(for key: ImageKey) -> PipelineResult? {
        entries[key.description]
    }

    /// Appends the result of the image with `key` to this process's file (made on the first call).
    ///
    /// - Throws: ``RunnerError`` naming the file when it cannot be made or written (the disk is full); after the
    ///   first such error every later call throws it too.
    package func store(_ result: PipelineResult, for key: ImageKey) throws {
        let entry = Entry(
            key: key.description,
            faces: result.faces.map {
                Entry.Face(
                    box: [$0.box.x, $0.box.y, $0.box.width, $0.box.height],
                    faceScore: $0.faceScore,
                    maskScore: $0.maskScore
                )
            },
            cropMaskScores: result.cropMaskScores
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let line: Data
        do {
            line = try encoder.encode(entry) + [UInt8(ascii: "\n")]
        } catch {
            // NaN or infinite numbers cannot be stored; the image is simply not cached.
            return
        }
        try writer.withLock { writer in
            if let error = writer.error { throw RunnerError(file: writer.file?.path ?? directory, error) }
            do {
                let file = try writer.file ?? makeFile()
                writer.file = file
                try Self.append(line, to: file.descriptor, path: file.path)
            } catch let error as RunnerError {
                writer.error = error.message
                throw error
            }
            writer.unsynced += 1
            let now = DispatchTime.now().uptimeNanoseconds
            if let file = writer.file, writer.unsynced >= 32 || now - writer.lastSync >= 2_000_000_000 {
                fsync(file.descriptor)
                writer.unsynced = 0
                writer.lastSync = now
            }
        }
    }

    /// Makes every stored line durable. The corresponding C function is `fsync`.
    package func flush() {
        writer.withLock { writer in
            guard let file = writer.file else { return }
            fsync(file.descriptor)
            writer.unsynced = 0
            writer.lastSync = DispatchTime.now().uptimeNanoseconds
        }
    }

    // MARK: - Files

    /// Makes this process's file, `<prefix>.<host>-<pid>-<random>.jsonl`, with its header line.
    ///
    /// `O_EXCL` with `O_NOFOLLOW`: never an existing file, nor a symbolic link planted under that name.
    private func makeFile() throws -> (path: String, descriptor: Int32) {
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        let hostName = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .map { $0.isLetter || $0.isNumber || $0 == "-" ? String($0) : "_" }.joined()
        while true {
            let random = (0..<4).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
            let path = "\(directory)/\(prefix).\(hostName)-\(getpid())-\(random).jsonl"
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o644)
            if descriptor < 0 {
                if errno == EEXIST { continue }
                throw RunnerError(file: path, "cannot create: \(FileErrorReason.describe(errno: errno))")
            }
            do {
                let header = try JSONEncoder().encode(
                    Header(cache: Self.kind, version: Self.version, fingerprint: fingerprint))
                try Self.append(header + [UInt8(ascii: "\n")], to: descriptor, path: path)
            } catch {
                close(descriptor)
                throw error as? RunnerError ?? RunnerError(file: path, "cannot write the cache: \(error)")
            }
            // The new name survives a power cut once the folder is synced too.
            let folder = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if folder >= 0 {
                fsync(folder)
                close(folder)
            }
            return (path, descriptor)
        }
    }

    /// Reads the results of one cache file into `entries`, returning how many complete lines were unreadable.
    private static func read(
        _ path: String, fingerprint: String, into entries: inout [String: PipelineResult]
    ) throws -> Int {
        // Never through a symbolic link, and never a FIFO or device (which would block or never end).
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ELOOP {
                throw RunnerError(
                    file: path, "a symbolic link in the cache folder; refusing to read through it (delete the link)")
            }
            throw RunnerError(file: path, "cannot read: \(FileErrorReason.describe(errno: code))")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            throw RunnerError(file: path, "not a regular file; move it out of the cache folder")
        }
        let data: Data
        do {
            data = try handle.readToEnd() ?? Data()
        } catch {
            throw RunnerError(file: path, "cannot read: \(FileErrorReason.describe(error))")
        }
        // A last line without its newline is a crash's torn line or a line another writer is still writing.
        let complete = data.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        let decoder = JSONDecoder()
        var lines = data.prefix(complete).split(separator: UInt8(ascii: "\n")).makeIterator()
        guard let first = lines.next() else { return 0 }
        guard let header = try? decoder.decode(Header.self, from: first), header.cache == kind else {
            throw RunnerError(
                file: path, "not a MaskBench predictions cache; move it away or pick another --cache folder")
        }
        guard header.version == version, header.fingerprint == fingerprint else {
            throw RunnerError(
                file: path,
                "cache of version \(header.version) for pipeline '\(header.fingerprint)'; expected version \(version) for '\(fingerprint)'; delete it to start over"
            )
        }
        var skipped = 0
        while let line = lines.next() {
            guard let entry = try? decoder.decode(Entry.self, from: line),
                entry.faces.allSatisfy({ $0.box.count == 4 })
            else {
                skipped += 1
                continue
            }
            let faces = entry.faces.map {
                DetectedFace(
                    box: Box(x: $0.box[0], y: $0.box[1], width: $0.box[2], height: $0.box[3]),
                    faceScore: $0.faceScore,
                    maskScore: $0.maskScore
                )
            }
            entries[entry.key] = PipelineResult(faces: faces, cropMaskScores: entry.cropMaskScores)
        }
        return skipped
    }

    /// Writes `bytes` with as few `write` calls as the system allows (one for a line of ordinary size).
    private static func append(_ bytes: Data, to descriptor: Int32, path: String) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw RunnerError(file: path, "cannot write: \(FileErrorReason.describe(errno: errno))")
                }
                offset += written
            }
        }
    }
}

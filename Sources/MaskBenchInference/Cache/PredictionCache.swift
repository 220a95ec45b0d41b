import Crypto
import Foundation
import MaskBenchCore

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Pipeline results stored as each image finishes, so that a re-run, or a run after Ctrl-C or a crash,
/// recomputes nothing already done.
///
/// One append-only JSON Lines file per pipeline fingerprint, `DIR/<first 32 hex digits of SHA-256(fingerprint)>.jsonl`:
/// a header line `{"cache": "maskbench-predictions", "version": 1, "fingerprint": …}`, then one line per image
/// `{"key": ImageKey, "faces": [{"box": [x, y, w, h], "faceScore", "maskScore"}], "cropMaskScores": […]}`.
/// Each line is written with one `write` as soon as its image is done (a killed process loses nothing the
/// kernel has) and the file is `fsync`ed every 32 lines, every 2 seconds and on ``flush()`` (a power cut loses
/// at most that). A torn last line (a crash mid-write) is cut off when the file is opened again; an
/// unreadable line elsewhere is skipped and counted. Failed images are not cached: they are tried again.
public final class PredictionCache: Sendable {
    /// The cache file.
    public let path: String
    /// Results read when the cache was opened.
    public let loadedCount: Int
    /// Lines that could not be read when the cache was opened (a torn last line included).
    public let skippedLines: Int
    private let entries: [String: PipelineResult]
    private let writer: Mutex<Writer>

    private struct Writer: Sendable {
        var descriptor: Int32
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

    /// Opens (or creates) the cache of `fingerprint` in `directory`.
    ///
    /// - Throws: ``RunnerError`` naming the file when it cannot be created, read or written, or belongs to
    ///   another fingerprint or cache version.
    public init(directory: String, fingerprint: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw RunnerError(file: directory, "cannot create the cache folder: \(error.localizedDescription)")
        }
        let name = SHA256.hash(data: Data(fingerprint.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
        let path = directory + "/" + name + ".jsonl"
        self.path = path
        // Appended to, so never opened through a symbolic link (one planted in the output folder would make
        // MaskBench append to its target): O_NOFOLLOW fails with ELOOP on a link.
        let descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else {
            let code = errno
            if code == ELOOP {
                throw RunnerError(
                    file: path, "the cache file is a symbolic link; refusing to append through it (delete the link)")
            }
            throw RunnerError(file: path, "cannot open the cache: \(String(cString: strerror(code)))")
        }
        var loaded: [String: PipelineResult] = [:]
        var skipped = 0
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            var complete = data.count
            if let lastNewline = data.lastIndex(of: UInt8(ascii: "\n")) {
                complete = lastNewline + 1
            } else {
                complete = 0
            }
            if complete < data.count {
                // A torn last line: cut it off so that the next line starts on a line of its own.
                skipped += 1
                guard ftruncate(descriptor, off_t(complete)) == 0 else {
                    throw RunnerError(
                        file: path, "cannot cut off a torn last line: \(String(cString: strerror(errno)))")
                }
            }
            let decoder = JSONDecoder()
            var lines = data.prefix(complete).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
                .makeIterator()
            if let first = lines.next() {
                guard let header = try? decoder.decode(Header.self, from: first), header.cache == Self.kind else {
                    throw RunnerError(
                        file: path, "not a MaskBench predictions cache; move it away or pick another --cache folder")
                }
                guard header.version == Self.version, header.fingerprint == fingerprint else {
                    throw RunnerError(
                        file: path,
                        "cache of version \(header.version) for pipeline '\(header.fingerprint)'; expected version \(Self.version) for '\(fingerprint)'; delete it to start over"
                    )
                }
            } else {
                let header = try JSONEncoder().encode(
                    Header(cache: Self.kind, version: Self.version, fingerprint: fingerprint))
                try Self.append(header + [UInt8(ascii: "\n")], to: descriptor, path: path)
            }
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
                loaded[entry.key] = PipelineResult(faces: faces, cropMaskScores: entry.cropMaskScores)
            }
        } catch let error as RunnerError {
            close(descriptor)
            throw error
        } catch {
            close(descriptor)
            throw RunnerError(file: path, "cannot read the cache: \(error.localizedDescription)")
        }
        entries = loaded
        loadedCount = loaded.count
        skippedLines = skipped
        writer = Mutex(Writer(descriptor: descriptor))
    }

    deinit {
        writer.withLock { writer in
            fsync(writer.descriptor)
            close(writer.descriptor)
        }
    }

    /// The result stored for `key` when the cache was opened.
    public func result(for key: ImageKey) -> PipelineResult? {
        entries[key.description]
    }

    /// Appends the result of the image with `key`.
    ///
    /// - Throws: ``RunnerError`` naming the file when it cannot be written (the disk is full); after the first
    ///   such error every later call throws it too.
    public func store(_ result: PipelineResult, for key: ImageKey) throws {
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
        let path = self.path
        try writer.withLock { writer in
            if let error = writer.error { throw RunnerError(file: path, error) }
            do {
                try Self.append(line, to: writer.descriptor, path: path)
            } catch let error as RunnerError {
                writer.error = error.message
                throw error
            }
            writer.unsynced += 1
            let now = DispatchTime.now().uptimeNanoseconds
            if writer.unsynced >= 32 || now - writer.lastSync >= 2_000_000_000 {
                fsync(writer.descriptor)
                writer.unsynced = 0
                writer.lastSync = now
            }
        }
    }

    /// Makes every stored line durable. The corresponding C function is `fsync`.
    public func flush() {
        writer.withLock { writer in
            fsync(writer.descriptor)
            writer.unsynced = 0
            writer.lastSync = DispatchTime.now().uptimeNanoseconds
        }
    }

    /// Writes `bytes` with as few `write` calls as the system allows (one for a line of ordinary size).
    private static func append(_ bytes: Data, to descriptor: Int32, path: String) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw RunnerError(file: path, "cannot write the cache: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
    }
}

import Foundation
internal import MaskBenchCore

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A worker's standard-error log, `logs/worker-K.log`, capped so that a worker writing gigabytes cannot fill
/// the disk: of what a run's worker K writes (all its restarts together), the log keeps the first
/// ``headBytes`` and at least the last ``tailBytes``, with one marker line between saying how many bytes were
/// left out. What earlier runs left in the file stays before it.
///
/// MaskBench reads the worker's standard error from a pipe (``WorkerProcess``) and appends it here. Past the
/// head, bytes are appended as they come; when more than twice ``tailBytes`` followed the head, the file is cut
/// back to the head and the marker, and the last ``tailBytes`` are written after them. So the file always holds
/// everything up to the latest byte but what the marker counts, and grows by at most
/// ``headBytes`` + 2 × ``tailBytes`` and the marker per run. Used by one thread at a time.
final class WorkerLog {
    /// The bytes kept from the start of a run's output.
    static let headBytes = 1 << 20
    /// The bytes kept, at least, from the end of a run's output.
    static let tailBytes = 1 << 20

    /// The log file.
    let path: String
    private let descriptor: Int32
    /// Where this run's head ends in the file, once it is full.
    private var headEnd: Int
    /// Bytes of the head still to write.
    private var headLeft = WorkerLog.headBytes
    /// Bytes in the file after the head and the marker.
    private var tail = 0
    /// Bytes of this run's output left out between the head and the tail.
    private var leftOut = 0

    /// Opens (creates when missing) `logs/worker-K.log` for worker number `index` (0-based), making the folder.
    ///
    /// - Throws: ``ExternalWorkerError`` (``ExternalWorkerError/Kind/cannotStart``) naming the folder or file.
    static func open(_ configuration: ExternalPipeline.Configuration, index: Int) throws -> WorkerLog {
        do {
            try FileManager.default.createDirectory(
                atPath: configuration.logDirectory, withIntermediateDirectories: true)
        } catch {
            throw ExternalWorkerError(
                .cannotStart,
                "cannot create the worker log folder \(configuration.logDirectory): \(FileErrorReason.describe(error))")
        }
        return try WorkerLog(path: configuration.logDirectory + "/worker-\(index + 1).log")
    }

    /// Opens the log at `path` for appending; a symbolic link is refused.
    ///
    /// - Throws: ``ExternalWorkerError`` (``ExternalWorkerError/Kind/cannotStart``) naming the file. The
    ///   corresponding C function is `open`.
    init(path: String) throws {
        self.path = path
        descriptor = Glibc.open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else {
            throw ExternalWorkerError(
                .cannotStart, "cannot open the worker log \(path): \(FileErrorReason.describe(errno: errno))")
        }
        headEnd = Int(lseek(descriptor, 0, SEEK_END))
    }

    deinit {
        close(descriptor)
    }

    /// Appends what the worker wrote; a write that fails (a full disk) loses that part of the log, never the run.
    func append(_ bytes: UnsafeRawBufferPointer) {
        var rest = bytes[...]
        if headLeft > 0 {
            let head = rest.prefix(headLeft)
            write(UnsafeRawBufferPointer(rebasing: head))
            headLeft -= head.count
            headEnd += head.count
            rest = rest.dropFirst(head.count)
        }
        guard !rest.isEmpty else { return }
        write(UnsafeRawBufferPointer(rebasing: rest))
        tail += rest.count
        if tail > 2 * Self.tailBytes { cutTail() }
    }

    /// Keeps the last ``tailBytes`` after the head, behind a marker counting what is left out.
    private func cutTail() {
        var kept = [UInt8](repeating: 0, count: Self.tailBytes)
        let end = Int(lseek(descriptor, 0, SEEK_END))
        let read = kept.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(end - $0.count)) }
        guard read == Self.tailBytes else { return }
        leftOut += tail - Self.tailBytes
        guard ftruncate(descriptor, off_t(headEnd)) == 0 else { return }
        let marker =
            "\n[maskbench: \(leftOut) bytes left out here; the log keeps the first \(Self.headBytes >> 20) MiB "
            + "and at least the last \(Self.tailBytes >> 20) MiB of what the worker writes in a run]\n"
        Array(marker.utf8).withUnsafeBytes { write($0) }
        kept.withUnsafeBytes { write($0) }
        tail = Self.tailBytes
    }

    /// Writes all of `bytes` at the end of the file. The corresponding C function is `write`.
    private func write(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, base + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}

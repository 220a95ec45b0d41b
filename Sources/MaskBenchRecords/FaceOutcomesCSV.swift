import Foundation
public import MaskBenchCore
import MaskBenchFiles
import Synchronization

/// `faces.csv`: what happened to every ground-truth face, the per-face record a gate pairs with a baseline.
///
/// Header `image,face,truth,call,maskScore,faceScore,iou`; one row per face in dataset order; `image` is the
/// file name, `face` the index within the image, `truth` and `call` are `masked`, `unmasked` or `incorrect`
/// (after `--incorrect-as`); `call` and the numbers are empty for a face the detector missed. An ignore region
/// (a COCO crowd region, a VOC difficult face) has truth `ignored`, and the highest-scoring detection matched
/// to it, if any.
public enum FaceOutcomesCSV {
    public static let header = ["image", "face", "truth", "call", "maskScore", "faceScore", "iou"]

    /// The CSV text in consecutive parts, handed to `part` in order: the header, then blocks of `blockRows` rows,
    /// each encoded on every core while `part` takes the block before it. A table of millions of rows is written
    /// as it is made, never held whole; the bytes do not depend on `blockRows`.
    ///
    /// Rows are assembled here rather than through ``MaskBenchFormats/CSVWriter/appendRow(_:)``: a 500k-image
    /// run has 3.25M rows, and only the image names can need quoting, so each name is encoded (through
    /// libcsv) once.
    static func parts(
        _ evaluation: Evaluation, dataset: Dataset, blockRows: Int = blockRows, part: ([UInt8]) throws -> Void
    ) rethrows {
        var header = CSVWriter()
        header.appendRow(Self.header)
        try part(header.bytes)
        // Every image's encoded name in one buffer: a row copies bytes, and retains no array of its own.
        var names = EncodedNames()
        for i in dataset.images.indices { names.append(CSVWriter.encodeField(dataset.images[i].name)) }
        let outcomes = evaluation.outcomes
        let blocks = stride(from: 0, to: outcomes.count, by: blockRows).map {
            outcomes[$0..<min($0 + blockRows, outcomes.count)]
        }
        // The next block is encoded while `part` writes this one: on 500,000 images writing the 180 MB into the
        // page cache took half a second on one core, the other idle.
        var upcoming: PendingRows?
        defer { _ = upcoming?.rows() }  // no encoding outlives the call, also when `part` throws
        var ready = blocks.first.map { encoded($0, names: names) } ?? []
        for k in blocks.indices {
            let next = k + 1 < blocks.count ? blocks[k + 1] : nil
            upcoming = next.map { block in PendingRows { [names] in encoded(block, names: names) } }
            for rows in ready { try part(rows) }
            ready = upcoming?.rows() ?? []
        }
    }

    /// The rows of `block`, encoded in runs on every core, in order.
    private static func encoded(_ block: ArraySlice<FaceOutcome>, names: EncodedNames) -> [[UInt8]] {
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        // Rows are independent: encode runs of them on every core, kept in order.
        let runs = block.count < 20_000 ? 1 : cores
        let bounds = (0...runs).map { block.startIndex + $0 * block.count / runs }
        let encoded = Mutex([[UInt8]](repeating: [], count: runs))
        DispatchQueue.concurrentPerform(iterations: runs) { run in
            let rows = rows(block[bounds[run]..<bounds[run + 1]], names: names)
            encoded.withLock { $0[run] = rows }
        }
        return encoded.withLock { $0 }
    }

    /// Rows being encoded on other threads while the caller writes the rows before them.
    private final class PendingRows: Sendable {
        private let done = DispatchSemaphore(value: 0)
        private let encoded = Mutex<[[UInt8]]?>(nil)

        /// Starts `encode` on a global queue.
        init(_ encode: @escaping @Sendable () -> [[UInt8]]) {
            DispatchQueue.global().async { [self] in
                let rows = encode()
                encoded.withLock { $0 = rows }
                done.signal()
            }
        }

        /// The encoded rows, once `encode` has returned.
        func rows() -> [[UInt8]] {
            if let rows = encoded.withLock({ $0 }) { return rows }
            done.wait()
            return encoded.withLock { $0 } ?? []
        }
    }

    /// Rows encoded and written together: about 8 MB of text, so that a run of millions of faces never holds
    /// its whole table.
    static let blockRows = 131_072

    /// Image names, encoded as CSV fields, end to end; name `i` is `bytes[starts[i]..<starts[i + 1]]`.
    private struct EncodedNames: Sendable {
        var bytes: [UInt8] = []
        var starts: [Int] = [0]

        mutating func append(_ field: [UInt8]) {
            bytes += field
            starts.append(bytes.count)
        }
    }

    private static func rows(_ outcomes: ArraySlice<FaceOutcome>, names: EncodedNames) -> [UInt8] {
        var row = RowBuffer()
        row.out.reserveCapacity(outcomes.count * 64)
        names.bytes.withUnsafeBufferPointer { nameBytes in
            for o in outcomes {
                row.out.append(
                    contentsOf: UnsafeBufferPointer(
                        rebasing: nameBytes[names.starts[o.image]..<names.starts[o.image + 1]]))
                row.comma()
                row.integer(o.face)
                row.comma()
                if o.ignoreRegion == nil { row.label(o.truth) } else { row.append("ignored") }
                row.comma()
                if let call = o.call { row.label(call) }
                row.comma()
                row.number(o.maskScore)
                row.comma()
                row.number(o.faceScore)
                row.comma()
                row.number(o.iou)
                row.out.append(UInt8(ascii: "\n"))
            }
        }
        return row.out
    }

    /// Bytes of rows being encoded, with the few field spellings ``FaceOutcomesCSV`` needs.
    private struct RowBuffer {
        var out: [UInt8] = []

        mutating func comma() { out.append(UInt8(ascii: ",")) }

        mutating func append(_ text: StaticString) {
            out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }

        /// The label's raw value.
        mutating func label(_ label: FaceClass) {
            switch label {
            case .masked: append("masked")
            case .unmasked: append("unmasked")
            case .incorrect: append("incorrect")
            }
        }

        /// An integer as `description` spells it.
        mutating func integer(_ value: Int) { DecimalFormatting.appendInteger(value, to: &out) }

        /// A number as `description` spells it; nothing for `nil`.
        mutating func number(_ value: Double?) {
            guard let value else { return }
            // 0 and 1 (a class-only detector's maskScore) are common: spelled without making a string.
            if value == 1 {
                append("1.0")
            } else if value == 0, value.sign == .plus {
                append("0.0")
            } else {
                DecimalFormatting.appendDescription(of: value, to: &out)
            }
        }
    }

    /// Writes `faces.csv` atomically, a block of rows at a time.
    ///
    /// - Throws: ``MaskBenchFiles/OutputError`` naming the file when it could not be written.
    public static func write(_ evaluation: Evaluation, dataset: Dataset, to path: String) throws {
        try AtomicFile.write(to: path) { write in try parts(evaluation, dataset: dataset, part: write) }
    }
}

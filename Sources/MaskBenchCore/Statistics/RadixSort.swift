/// Sorting scores, fast enough for millions of faces.
///
/// An LSD radix sort on the doubles' bit patterns (made to order as the numbers do): linear time and
/// stable. It sorts only on the bits that differ between keys: for scores in `[0, 1]` from a float32 model
/// that is about 35 of the 64, three passes of 12-bit digits.
enum ScoreSort {
    /// A key whose unsigned order is the numeric order of `value` (`-0.0` and `0.0` are one key).
    @inline(__always)
    static func key(_ value: Double) -> UInt64 {
        let bits = (value + 0.0).bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    /// The positions of `scores` from the highest score to the lowest; equal scores keep their input order.
    static func descendingOrder(_ scores: [Double]) -> [UInt32] {
        stableOrder(keys: scores.map { ~key($0) })
    }

    /// The permutation that sorts `keys` ascending, stable.
    static func stableOrder(keys input: [UInt64]) -> [UInt32] {
        var keys = input
        var order = (0..<input.count).map { UInt32($0) }
        sort(&keys, carrying: &order)
        return order
    }

    /// The score whose ``key(_:)`` is `key` (`-0.0` comes back as `0.0`).
    @inline(__always)
    static func score(fromKey key: UInt64) -> Double {
        Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
    }

    /// The keys of `scores` from the highest score to the lowest (each `~key`, so ascending), each with its
    /// flag: 9 bytes moved per score and pass, no permutation to gather through afterwards.
    static func descendingKeys(_ scores: [Double], flags: [Bool]) -> (keys: [UInt64], flags: [UInt8]) {
        precondition(scores.count == flags.count, "one flag per score")
        var keys = scores.map { ~key($0) }
        var marks = flags.map { UInt8($0 ? 1 : 0) }
        sort(&keys, carrying: &marks)
        return (keys, marks)
    }

    /// Sorts `keys` ascending and moves `payload[i]` with `keys[i]`; stable. Only the bits that differ between
    /// keys are sorted on, in digits of at most 12 bits; one pass counts every digit, then one pass per digit
    /// moves keys and payload.
    static func sort<Payload>(_ keys: inout [UInt64], carrying payload: inout [Payload]) {
        precondition(keys.count == payload.count, "one payload per key")
        let n = keys.count
        var all: UInt64 = ~0
        var any: UInt64 = 0
        for k in keys {
            all &= k
            any |= k
        }
        let varying = all ^ any
        guard n > 1, varying != 0 else { return }
        let low = varying.trailingZeroBitCount
        let bits = 64 - varying.leadingZeroBitCount - low
        let passes = (bits + 11) / 12
        let digitBits = (bits + passes - 1) / passes
        let buckets = 1 << digitBits
        let mask = UInt64(buckets - 1)
        // Every pass's counts at once, then turned into starting positions.
        var counts = [Int](repeating: 0, count: buckets * passes)
        keys.withUnsafeBufferPointer { k in
            counts.withUnsafeMutableBufferPointer { c in
                for j in 0..<n {
                    for pass in 0..<passes {
                        let digit = Int((k[j] >> UInt64(low + pass * digitBits)) & mask)
                        c[pass * buckets + digit] += 1
                    }
                }
                for pass in 0..<passes {
                    var total = 0
                    for i in (pass * buckets)..<((pass + 1) * buckets) {
                        let count = c[i]
                        c[i] = total
                        total += count
                    }
                }
            }
        }
        var keyBuffer = keys
        var payloadBuffer = payload
        for pass in 0..<passes {
            let shift = UInt64(low + pass * digitBits)
            keys.withUnsafeBufferPointer { k in
                payload.withUnsafeBufferPointer { p in
                    keyBuffer.withUnsafeMutableBufferPointer { kb in
                        payloadBuffer.withUnsafeMutableBufferPointer { pb in
                            counts.withUnsafeMutableBufferPointer { c in
                                let base = pass * buckets
                                for j in 0..<n {
                                    let slot = base + Int((k[j] >> shift) & mask)
                                    let target = c[slot]
                                    kb[target] = k[j]
                                    pb[target] = p[j]
                                    c[slot] = target + 1
                                }
                            }
                        }
                    }
                }
            }
            swap(&keys, &keyBuffer)
            swap(&payload, &payloadBuffer)
        }
    }
}

extension Array where Element: Equatable {
    /// Removes each element equal to the one before it, keeping the first of every run.
    mutating func removeDuplicates() {
        guard count > 1 else { return }
        var kept = 1
        for i in 1..<count where self[i] != self[kept - 1] {
            self[kept] = self[i]
            kept += 1
        }
        removeLast(count - kept)
    }
}

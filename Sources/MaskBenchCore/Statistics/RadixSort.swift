/// Sorting scores, fast enough for millions of faces.
///
/// An LSD radix sort on the doubles' bit patterns (made to order as the numbers do): linear time and
/// stable. It sorts only on the bits that differ between keys: for scores in `[0, 1]` from a float32 model
/// that is about 33 of the 64, three passes of 11-bit digits.
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
        let n = input.count
        var keys = input
        var order = (0..<n).map { UInt32($0) }
        var all: UInt64 = ~0
        var any: UInt64 = 0
        for k in keys {
            all &= k
            any |= k
        }
        let varying = all ^ any
        guard n > 1, varying != 0 else { return order }
        let low = varying.trailingZeroBitCount
        let high = 64 - varying.leadingZeroBitCount
        let digitBits = 11
        let mask: UInt64 = (1 << UInt64(digitBits)) - 1
        var keyBuffer = [UInt64](repeating: 0, count: n)
        var orderBuffer = [UInt32](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: 1 << digitBits)
        for shift in stride(from: low, to: high, by: digitBits) {
            let s = UInt64(shift)
            keys.withUnsafeBufferPointer { k in
                order.withUnsafeBufferPointer { v in
                    keyBuffer.withUnsafeMutableBufferPointer { kb in
                        orderBuffer.withUnsafeMutableBufferPointer { vb in
                            counts.withUnsafeMutableBufferPointer { c in
                                for i in c.indices { c[i] = 0 }
                                for j in 0..<n { c[Int((k[j] >> s) & mask)] += 1 }
                                var total = 0
                                for i in c.indices {
                                    let count = c[i]
                                    c[i] = total
                                    total += count
                                }
                                for j in 0..<n {
                                    let digit = Int((k[j] >> s) & mask)
                                    let target = c[digit]
                                    kb[target] = k[j]
                                    vb[target] = v[j]
                                    c[digit] = target + 1
                                }
                            }
                        }
                    }
                }
            }
            swap(&keys, &keyBuffer)
            swap(&order, &orderBuffer)
        }
        return order
    }
}

extension ScoreSort {
    /// The score whose ``key(_:)`` is `key` (`-0.0` comes back as `0.0`).
    @inline(__always)
    static func score(fromKey key: UInt64) -> Double {
        Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
    }

    /// The keys of `scores` from the highest score to the lowest (each `~key`, so ascending), each with its flag;
    /// not stable (equal scores are a run whose order ROC curves do not need). One pass counts every digit,
    /// then at most ⌈bits / 12⌉ passes move 9 bytes per score: no permutation, no gather.
    static func descendingKeys(_ scores: [Double], flags: [Bool]) -> (keys: [UInt64], flags: [UInt8]) {
        precondition(scores.count == flags.count, "one flag per score")
        let n = scores.count
        var keys = [UInt64](unsafeUninitializedCapacity: n) { buffer, count in
            for i in 0..<n { buffer[i] = ~key(scores[i]) }
            count = n
        }
        var marks = [UInt8](unsafeUninitializedCapacity: n) { buffer, count in
            for i in 0..<n { buffer[i] = flags[i] ? 1 : 0 }
            count = n
        }
        var all: UInt64 = ~0
        var any: UInt64 = 0
        for k in keys {
            all &= k
            any |= k
        }
        let varying = all ^ any
        guard n > 1, varying != 0 else { return (keys, marks) }
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
        var keyBuffer = [UInt64](repeating: 0, count: n)
        var markBuffer = [UInt8](repeating: 0, count: n)
        for pass in 0..<passes {
            let shift = UInt64(low + pass * digitBits)
            keys.withUnsafeBufferPointer { k in
                marks.withUnsafeBufferPointer { m in
                    keyBuffer.withUnsafeMutableBufferPointer { kb in
                        markBuffer.withUnsafeMutableBufferPointer { mb in
                            counts.withUnsafeMutableBufferPointer { c in
                                let base = pass * buckets
                                for j in 0..<n {
                                    let slot = base + Int((k[j] >> shift) & mask)
                                    let target = c[slot]
                                    kb[target] = k[j]
                                    mb[target] = m[j]
                                    c[slot] = target + 1
                                }
                            }
                        }
                    }
                }
            }
            swap(&keys, &keyBuffer)
            swap(&marks, &markBuffer)
        }
        return (keys, marks)
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

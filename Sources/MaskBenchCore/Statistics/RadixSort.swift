/// Sorting scores with their labels, fast enough for millions of faces.
///
/// An LSD radix sort on the doubles' bit patterns (made to order as the numbers do): linear time, stable,
/// and it skips the byte positions in which all keys agree, which for scores in `[0, 1]` is most of them.
enum ScoreSort {
    /// A key whose unsigned order is the numeric order of `value` (`-0.0` and `0.0` are one key).
    @inline(__always)
    static func key(_ value: Double) -> UInt64 {
        let bits = (value + 0.0).bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    @inline(__always)
    static func value(_ key: UInt64) -> Double {
        Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
    }

    /// `scores` in descending order, each with its payload; equal scores keep no particular order.
    static func descending(_ scores: [Double], payload: [UInt32]) -> (scores: [Double], payload: [UInt32]) {
        let n = scores.count
        var keys = scores.map(key)
        var values = payload
        // Sort only on the bits that differ between keys: for scores in [0, 1] from a float32 model that is
        // about 33 of the 64, three passes of 11-bit digits.
        var all: UInt64 = ~0
        var any: UInt64 = 0
        for k in keys {
            all &= k
            any |= k
        }
        let varying = all ^ any
        if n > 1, varying != 0 {
            let low = varying.trailingZeroBitCount
            let high = 64 - varying.leadingZeroBitCount
            let digitBits = 11
            let mask: UInt64 = (1 << UInt64(digitBits)) - 1
            var keyBuffer = [UInt64](repeating: 0, count: n)
            var valueBuffer = [UInt32](repeating: 0, count: n)
            var counts = [Int](repeating: 0, count: 1 << digitBits)
            for shift in stride(from: low, to: high, by: digitBits) {
                let s = UInt64(shift)
                keys.withUnsafeBufferPointer { k in
                    values.withUnsafeBufferPointer { v in
                        keyBuffer.withUnsafeMutableBufferPointer { kb in
                            valueBuffer.withUnsafeMutableBufferPointer { vb in
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
                swap(&values, &valueBuffer)
            }
        }
        var sorted = [Double](repeating: 0, count: n)
        var sortedValues = [UInt32](repeating: 0, count: n)
        for i in 0..<n {
            sorted[i] = value(keys[n - 1 - i])
            sortedValues[i] = values[n - 1 - i]
        }
        return (sorted, sortedValues)
    }
}

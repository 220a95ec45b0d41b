/// Sums doubles as numpy's `add.reduce` does (pairwise, eight accumulators in blocks of up to 128), so
/// areas and means equal scikit-learn's and pycocotools' to the last bit.
///
/// Pairwise summation also keeps the rounding error at O(log n) instead of O(n).
public func pairwiseSum(_ values: UnsafeBufferPointer<Double>) -> Double {
    let n = values.count
    if n < 8 {
        var sum = 0.0
        for v in values { sum += v }
        return sum
    }
    if n <= 128 {
        var r = (values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7])
        var i = 8
        while i < n - n % 8 {
            r.0 += values[i]
            r.1 += values[i + 1]
            r.2 += values[i + 2]
            r.3 += values[i + 3]
            r.4 += values[i + 4]
            r.5 += values[i + 5]
            r.6 += values[i + 6]
            r.7 += values[i + 7]
            i += 8
        }
        var sum = ((r.0 + r.1) + (r.2 + r.3)) + ((r.4 + r.5) + (r.6 + r.7))
        while i < n {
            sum += values[i]
            i += 1
        }
        return sum
    }
    var half = n / 2
    half -= half % 8
    return pairwiseSum(UnsafeBufferPointer(rebasing: values[..<half]))
        + pairwiseSum(UnsafeBufferPointer(rebasing: values[half...]))
}

/// ``pairwiseSum(_:)`` of an array.
public func pairwiseSum(_ values: [Double]) -> Double {
    values.withUnsafeBufferPointer { pairwiseSum($0) }
}

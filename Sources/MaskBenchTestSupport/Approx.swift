/// Approximate equality for floating-point results, with the tolerance stated at the call.
extension Double {
    /// `|self - other| <= absolute + relative * max(|self|, |other|)`.
    public func isClose(to other: Double, absolute: Double = 1e-12, relative: Double = 1e-9) -> Bool {
        if self == other { return true }
        guard isFinite, other.isFinite else { return false }
        return abs(self - other) <= absolute + relative * max(abs(self), abs(other))
    }
}

extension Optional where Wrapped == Double {
    /// False when `nil`; otherwise ``Double/isClose(to:absolute:relative:)``.
    public func isClose(to other: Double, absolute: Double = 1e-12, relative: Double = 1e-9) -> Bool {
        guard let value = self else { return false }
        return value.isClose(to: other, absolute: absolute, relative: relative)
    }
}

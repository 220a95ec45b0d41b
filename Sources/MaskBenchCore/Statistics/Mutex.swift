import Foundation

/// A value behind a lock, for results gathered from concurrent work.
///
/// `@unchecked Sendable` is safe because every access to `value` goes through `lock`.
public final class Mutex<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    /// Puts `value` behind the lock.
    public init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with the value, holding the lock.
    public func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

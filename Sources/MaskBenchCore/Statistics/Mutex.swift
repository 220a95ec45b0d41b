import Foundation

/// A value behind a lock, for results gathered from concurrent work.
///
/// `@unchecked Sendable` is safe because every access to `value` goes through `lock`.
final class Mutex<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) {
        self.value = value
    }

    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// What a command keeps until the process exits.
enum ProcessLifetime {
    /// Keeps `value` (a run's dataset, predictions and evaluation) alive until the process exits, so it is
    /// never freed piece by piece: on 500,000 images that is millions of arrays and strings, hundreds of
    /// milliseconds of freeing just before `exit` hands the whole address space back anyway.
    static func keep<Value>(_ value: Value) {
        _ = Unmanaged.passRetained(Kept(value))
    }

    private final class Kept<Value> {
        let value: Value
        init(_ value: Value) { self.value = value }
    }
}

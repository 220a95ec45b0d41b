internal import CMaskBenchDNN

/// The one funnel for calls into the `CMaskBenchDNN` shim: gives the C function an error buffer and turns a
/// nonzero status into an ``InferenceError`` naming the C function, the file concerned and the shim's message.
enum DNNCall {
    /// The size of the error buffer handed to the shim; longer messages are truncated by the shim.
    static let messageCapacity = 1024

    /// Calls `body` with an error buffer and its size; throws unless it returns `MBDNN_OK`.
    ///
    /// - Parameters:
    ///   - cFunction: the C function `body` calls, for the error.
    ///   - file: the file concerned (a model path), for the error.
    ///   - body: the C call, given the buffer and its capacity.
    /// - Throws: ``InferenceError`` with the kind matching the C status.
    static func check(
        _ cFunction: String,
        file: String? = nil,
        fileID: String = #fileID,
        line: Int = #line,
        _ body: (UnsafeMutablePointer<CChar>, Int) -> Int32
    ) throws {
        var failure: (status: Int32, message: String)?
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: messageCapacity) { buffer in
            buffer.initialize(repeating: 0)
            guard let base = buffer.baseAddress else { return }
            let status = body(base, buffer.count)
            if status != Int32(MBDNN_OK) {
                failure = (status, String(cString: base))
            }
        }
        if let failure {
            throw InferenceError(
                status: failure.status,
                cFunction: cFunction,
                message: failure.message,
                file: file,
                fileID: fileID,
                line: line
            )
        }
    }
}

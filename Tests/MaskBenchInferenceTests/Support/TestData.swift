import Foundation
import MaskBenchInference
import MaskBenchTestSupport

/// Where the inference tests find their data: fixtures made by Scripts/make-keras-fixtures.py, the team's
/// reference outputs in ../shared/reference, and the models fetched by Scripts/fetch-models.sh.
enum TestData {
    /// Tests/MaskBenchInferenceTests/Fixtures.
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// ../shared/reference.
    static let reference = Fixtures.shared.appendingPathComponent("reference")

    /// Whether ../shared/reference is present.
    static let referenceAvailable = FileManager.default.fileExists(
        atPath: reference.appendingPathComponent("README.md").path
    )

    /// The models folder (MASKBENCH_MODELS or models/ at the checkout root).
    static let models = ModelFiles.default()

    /// Whether the fetched models of the res10, MTCNN and Haar pipelines are present (`Scripts/fetch-models.sh`).
    static let modelsAvailable = ModelFiles.Model.allCases.filter { ![.retinaFace, .retinaFaceOpenCV].contains($0) }
        .allSatisfy { FileManager.default.fileExists(atPath: models.url(for: $0).path) }

    /// Whether RetinaFace is fetched too (a models folder fetched before it was added lacks it).
    static let retinaFaceAvailable = FileManager.default.fileExists(
        atPath: models.url(for: .retinaFaceOpenCV).path)

    /// Little-endian float32 values of a file.
    static func floats(_ url: URL) throws -> [Float] {
        let data = try Data(contentsOf: url)
        return data.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map {
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
            }
        }
    }

    /// NHWC float32 values to NCHW.
    static func nchw(_ values: [Float], batch: Int, height: Int, width: Int, channels: Int) -> [Float] {
        var out = [Float](repeating: 0, count: values.count)
        for n in 0..<batch {
            for y in 0..<height {
                for x in 0..<width {
                    for c in 0..<channels {
                        out[((n * channels + c) * height + y) * width + x] =
                            values[((n * height + y) * width + x) * channels + c]
                    }
                }
            }
        }
        return out
    }

    /// A fresh temporary folder, removed when the test process exits.
    static func temporaryDirectory() throws -> URL { try Command.temporaryDirectory() }
}

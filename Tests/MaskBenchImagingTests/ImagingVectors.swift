import Crypto
import Foundation
import MaskBenchImaging
import MaskBenchTestSupport
import Testing

/// `Vectors/imread.json`, written by `Scripts/make-imaging-vectors.py` with opencv-python-headless 4.6.0.66:
/// the size and SHA-256 of `cv2.imread(path)` for the fixtures and for images in `../shared`.
struct ImreadCase: Codable, Sendable, CustomTestStringConvertible {
    var root: String
    var path: String
    var width: Int
    var height: Int
    var sha256: String

    var testDescription: String { path }

    /// The file: under `Fixtures/` or `../shared`.
    var url: URL {
        root == "fixtures" ? ImagingVectors.fixture(path) : Fixtures.shared.appendingPathComponent(path)
    }
}

enum ImagingVectors {
    static let directory = Fixtures.packageRoot.appendingPathComponent("Tests/MaskBenchImagingTests")

    static func fixture(_ name: String) -> URL {
        directory.appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    static let cases: [ImreadCase] = {
        struct File: Codable { var cases: [ImreadCase] }
        let url = directory.appendingPathComponent("Vectors/imread.json")
        do {
            return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
        } catch {
            fatalError("cannot read \(url.path): \(error)")
        }
    }()

    static var fixtureCases: [ImreadCase] { cases.filter { $0.root == "fixtures" } }
    static var sharedCases: [ImreadCase] { cases.filter { $0.root == "shared" } }

    /// Whether `../shared` holds the reference photos and the Kaggle images.
    static let sharedAvailable =
        FileManager.default.fileExists(
            atPath: Fixtures.shared.appendingPathComponent("reference/detectors/astronaut.png").path
        ) && Fixtures.datasetsAvailable

    static func sha256(_ image: Image) -> String {
        SHA256.hash(data: image.pixels).map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }
}

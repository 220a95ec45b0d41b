import CMaskBenchDNNTestSupport
import Foundation
import MaskBenchImaging
import MaskBenchInference
import MaskBenchTestSupport
import Testing

/// res10's convolutions with their layouts chained (CMaskBenchDNN/onednn_convolution.cpp, chainOneDNNLayouts:
/// NHWC blobs between convolutions, the first convolution's blocks read by the max pooling, one shared transposed
/// copy of a blob several convolutions read) against the same network unchained: the same bits for every prior's
/// locations and scores and for the detections, over forwards on different images (a shared copy left from the
/// forward before would show).
@Suite struct ChainedLayoutsTests {
    /// Runs the check on the photo at `path`; returns the convolutions writing another layout than NCHW, reading
    /// NHWC and reading a shared copy.
    private func check(_ path: String) throws -> (outputs: Int32, inputs: Int32, shared: Int32) {
        let image = try ImageDecoder.decode(path: path)
        var identical: Int32 = -1
        var (outputs, inputs, shared): (Int32, Int32, Int32) = (-1, -1, -1)
        var message = [CChar](repeating: 0, count: 512)
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            mbdnn_test_res10_layouts_check(
                TestData.models.url(for: .res10Prototxt).path, TestData.models.url(for: .res10Weights).path,
                pixels.baseAddress, Int32(image.width), Int32(image.height), &identical, &outputs, &inputs, &shared,
                &message, message.count)
        }
        let text = message.cMessage
        #expect(status == 0, "\(path): \(text)")
        #expect(identical == 1, "\(path): the chained network's outputs differ")
        return (outputs, inputs, shared)
    }

    @Test(
        .enabled(if: TestData.referenceAvailable, "needs ../shared/reference/detectors"),
        .enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh"),
        arguments: DetectorTests.photos
    )
    func chainedGivesTheSameBitsOnTheReferencePhotos(_ photo: String) throws {
        let counts = try check(DetectorTests.folder.appendingPathComponent(photo).path)
        // res10's eight convolutions followed by a convolution alone (layer_64_1_conv1_h ... conv9_1_h) and their
        // readers, and its first convolution, followed by the max pooling alone (blocks of 16 channels); 22
        // readers of 9 blobs read by several convolutions (the ReLUs after the sums, Normalize, the SSD heads'
        // sources).
        #expect(counts.outputs == 9 && counts.inputs == 8 && counts.shared == 22, "\(photo): \(counts)")
    }

    @Test(
        .enabled(if: Fixtures.datasetsAvailable, "needs ../shared/datasets"),
        .enabled(if: TestData.modelsAvailable, "needs the models: run Scripts/fetch-models.sh")
    )
    func chainedGivesTheSameBitsOnKaggleImages() throws {
        let folder = Fixtures.dataset("kaggle-face-mask/images")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".png") }
        // Every 10th image (in name order): a whole pass over the 214 takes minutes in a debug build.
        for name in names.sorted().enumerated().filter({ $0.offset % 10 == 0 }).map(\.element) {
            _ = try check(folder.appendingPathComponent(name).path)
        }
    }
}

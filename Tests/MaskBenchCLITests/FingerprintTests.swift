import MaskBenchCore
import MaskBenchReport
import Testing

@Suite struct FingerprintTests {
    static let dataset = Dataset(images: [
        AnnotatedImage(
            name: "a.png",
            width: 10,
            height: 10,
            faces: [GroundTruthFace(box: Box(x: 1, y: 2, width: 3, height: 4), label: .masked)]
        ),
        AnnotatedImage(name: "b.png", faces: []),
    ])

    @Test func theSameContentGivesTheSameFingerprint() {
        let copy = Dataset(images: Self.dataset.images)
        #expect(Self.dataset.fingerprint() == copy.fingerprint())
        #expect(Self.dataset.fingerprint().hasPrefix("sha256:"))
        #expect(Self.dataset.fingerprint().count == "sha256:".count + 64)
    }

    @Test func anyChangeToABoxALabelOrTheImageListChangesIt() {
        var moved = Self.dataset
        moved.images[0].faces[0].box.x = 1.5
        var relabelled = Self.dataset
        relabelled.images[0].faces[0].label = .unmasked
        var fewer = Self.dataset
        fewer.images.removeLast()
        let fingerprints = Set([Self.dataset, moved, relabelled, fewer].map { $0.fingerprint() })
        #expect(fingerprints.count == 4)
    }
}

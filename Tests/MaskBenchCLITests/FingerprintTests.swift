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

    /// 3,000 images (one with a 40,000-byte name), 0-5 faces each with every label, both ignore regions, a
    /// negative zero and missing sizes: more bytes than the hash is fed at a time.
    static let large = Dataset(images: (0..<3000).map(largeImage))

    static func largeImage(_ i: Int) -> AnnotatedImage {
        var faces: [GroundTruthFace] = []
        for k in 0..<(i % 6) {
            let x = Double(i * 13 + k) / 8
            let y: Double = k == 1 ? -0.0 : Double(i + k) * 0.1
            let box = Box(x: x, y: y, width: 10 + Double(k), height: 20.5)
            var region: IgnoreRegion?
            if k == 4 { region = i % 2 == 0 ? .crowd : .difficult }
            faces.append(GroundTruthFace(box: box, label: FaceClass.allCases[k % 3], ignoreRegion: region))
        }
        let name = i == 1234 ? String(repeating: "n", count: 40000) + ".jpg" : "folder/img-\(i).jpg"
        let width: Int? = i % 7 == 0 ? nil : 640 + i
        let height: Int? = i % 11 == 0 ? nil : 480 + i
        return AnnotatedImage(name: name, width: width, height: height, faces: faces)
    }

    /// Baselines and shards store fingerprints: the value for given content never changes. This one is the
    /// SHA-256 of the layout the documentation gives, computed apart from MaskBench (Python's hashlib, struct).
    @Test func theFingerprintIsTheSHA256OfTheDocumentedBytes() {
        #expect(
            Self.large.fingerprint() == "sha256:8b940e90b1a4c0f392d850e19c5738d7f859a3bfe2102e56e290868067564352")
    }
}

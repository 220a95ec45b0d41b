import Foundation
import MaskBenchCore
import MaskBenchInference
import Testing

@Suite struct PipelineTypesTests {
    @Test func resultRoundTripsThroughJSON() throws {
        let result = PipelineResult(
            faces: [DetectedFace(box: Box(x: 1, y: 2, width: 3, height: 4), faceScore: 0.9, maskScore: 0.25)],
            cropMaskScores: [0.5]
        )
        let decoded = try JSONDecoder().decode(PipelineResult.self, from: JSONEncoder().encode(result))
        #expect(decoded == result)
    }
}

import MaskBenchCore
import Testing

@Suite struct ClosestNameTests {
    @Test(arguments: [
        ("bbox_heigth", "bbox_height", 1), ("kitten", "sitting", 3), ("", "abc", 3), ("Label_Name", "label_name", 0),
        ("evalute", "evaluate", 1), ("ab", "ba", 1), ("abc", "abc", 0),
    ])
    func distanceCountsEditsAndSwapsIgnoringCase(a: String, b: String, expected: Int) {
        #expect(ClosestName.distance(a, b) == expected)
        #expect(ClosestName.distance(b, a) == expected)
    }

    @Test func theClosestNameIsOfferedOnlyWhenNearEnough() {
        let commands = ["run", "evaluate", "validate", "sweep", "gate", "baseline", "claims", "report"]
        #expect(ClosestName.closest(to: "evalute", in: commands) == "evaluate")
        #expect(ClosestName.closest(to: "swep", in: commands) == "sweep")
        #expect(ClosestName.closest(to: "reprot", in: commands) == "report")
        #expect(ClosestName.closest(to: "frobnicate", in: commands) == nil)
        // A name that is one of them needs no hint.
        #expect(ClosestName.closest(to: "Gate", in: commands) == nil)
    }
}

import MaskBenchCore
import MaskBenchGate
import Testing

/// Rules files: YAML and JSON, and the errors a bad one gives.
@Suite struct GateRulesTests {
    @Test func readsAYAMLListOfRules() throws {
        let yaml = """
            rules:
              - metric: pipeline.tnr.value
                direction: higher
                absoluteTolerance: 0.02
                significance: 0.05
              - metric: pipeline.fnr.value
                direction: lower
                relativeTolerance: 0.1
            """
        let rules = try GateRules.parse(yaml, file: "rules.yml")
        #expect(rules.count == 2)
        #expect(rules[0].metric == "pipeline.tnr.value")
        #expect(rules[0].direction == .higher)
        #expect(rules[0].absoluteTolerance == 0.02)
        #expect(rules[0].relativeTolerance == 0)
        #expect(rules[0].significance == 0.05)
        #expect(rules[0].line == 2)
        #expect(rules[1].direction == .lower)
        #expect(rules[1].relativeTolerance == 0.1)
        #expect(rules[1].significance == nil)
        #expect(!rules[0].allowsUndefined)
    }

    @Test func aRuleMayAllowAnUndefinedMetric() throws {
        let yaml = "- metric: pipeline.tnr.value\n  direction: higher\n  allowUndefined: true\n"
        #expect(try GateRules.parse(yaml, file: "rules.yml").first?.allowsUndefined == true)
        let json = #"[{"metric": "pipeline.roc.auc", "direction": "higher", "allowUndefined": false}]"#
        #expect(try GateRules.parse(json, file: "rules.json").first?.allowsUndefined == false)
    }

    @Test func readsAJSONArrayOfRules() throws {
        let json = """
            [{"metric": "detector.ap.coco", "direction": "higher", "absoluteTolerance": 0.005},
             {"metric": "pipeline.roc.auc", "direction": "higher", "absoluteTolerance": 1e-2, "significance": 0.01}]
            """
        let rules = try GateRules.parse(json, file: "rules.json")
        #expect(rules.map(\.metric) == ["detector.ap.coco", "pipeline.roc.auc"])
        #expect(rules[0].absoluteTolerance == 0.005)
        #expect(rules[1].absoluteTolerance == 0.01)
        #expect(rules[1].significance == 0.01)
    }

    @Test func theDefaultsCoverTNRFNRRecallAndAUC() {
        let rules = GateRule.defaults
        #expect(
            rules.map(\.metric) == [
                "pipeline.tnr.value", "pipeline.fnr.value", "detector.recall.value", "pipeline.roc.auc",
            ])
        #expect(rules.map(\.direction) == [.higher, .lower, .higher, .higher])
        #expect(rules.allSatisfy { $0.absoluteTolerance == 0.01 && $0.significance == 0.05 })
    }

    @Test func aNegativeToleranceIsAnErrorAtItsLine() throws {
        let yaml = """
            - metric: pipeline.tnr.value
              direction: higher
              absoluteTolerance: -0.01
            """
        let error = try #require(throws: GateError.self) { try GateRules.parse(yaml, file: "rules.yml") }
        #expect(error.file == "rules.yml")
        #expect(error.line == 3)
        #expect(error.description.contains("rule 1 (pipeline.tnr.value): absoluteTolerance must be >= 0"))
    }

    @Test func aNegativeRelativeToleranceInJSONIsAnError() throws {
        let json = #"[{"metric": "pipeline.fnr.value", "direction": "lower", "relativeTolerance": -1}]"#
        let error = try #require(throws: GateError.self) { try GateRules.parse(json, file: "r.json") }
        #expect(error.description.contains("relativeTolerance must be >= 0"))
    }

    @Test(arguments: [
        ("- metric: pipeline.tnr.value\n  direction: up\n", "direction must be higher or lower"),
        ("- direction: higher\n", "'metric' is missing"),
        ("- metric: pipeline.tnr.value\n", "'direction' is missing"),
        (
            "- metric: pipeline.tnr.value\n  direction: higher\n  absolute_tolerance: 0.1\n",
            "unknown key 'absolute_tolerance'"
        ),
        (
            "- metric: pipeline.tnr.value\n  direction: higher\n  significance: 5\n",
            "significance must be between 0 and 1"
        ),
        (
            "- metric: pipeline.tnr.value\n  direction: higher\n  absoluteTolerance: lots\n",
            "absoluteTolerance must be a number"
        ),
        (
            "- metric: pipeline.tnr.value\n  direction: higher\n  allowUndefined: maybe\n",
            "allowUndefined must be true or false, found 'maybe'"
        ),
        ("metric: pipeline.tnr.value\n", "expected a list of rules"),
        ("[]", "the rules list is empty"),
        ("- [unclosed\n", "not valid YAML or JSON"),
    ])
    func aMalformedRuleIsAClearError(_ text: String, _ message: String) throws {
        let error = try #require(throws: GateError.self) { try GateRules.parse(text, file: "rules.yml") }
        #expect(error.description.hasPrefix("rules.yml"))
        #expect(error.description.contains(message), "\(error)")
    }

    @Test func anUnknownMetricIsAnErrorNamingTheRuleAndTheMetric() throws {
        let rules = try GateRules.parse(
            "- metric: pipeline.tnr.valu\n  direction: higher\n", file: "rules.yml")
        let run = GateFixture.run()
        let gate = RegressionGate(rules: rules)
        let error = try #require(throws: GateError.self) {
            try gate.check(baseline: GateFixture.baseline(run), baselineFile: "base.json", current: run)
        }
        #expect(error.file == "rules.yml")
        #expect(error.line == 1)
        #expect(error.description.contains("rule for 'pipeline.tnr.valu': unknown metric 'pipeline.tnr.valu'"))
    }

    @Test func aPathToAnObjectIsNotANumber() throws {
        let run = GateFixture.run()
        let gate = RegressionGate(rules: [GateRule(metric: "pipeline.tnr", direction: .higher)])
        let error = try #require(throws: GateError.self) {
            try gate.check(baseline: GateFixture.baseline(run), baselineFile: "base.json", current: run)
        }
        #expect(error.description.contains("unknown metric 'pipeline.tnr'"))
        #expect(error.file == "default rules")
    }

    @Test func significanceOnAMetricWithoutAPairedTestIsAnError() throws {
        let run = GateFixture.run()
        let gate = RegressionGate(rules: [
            GateRule(metric: "detector.ap.coco", direction: .higher, absoluteTolerance: 0.01, significance: 0.05)
        ])
        let error = try #require(throws: GateError.self) {
            try gate.check(baseline: GateFixture.baseline(run), baselineFile: "base.json", current: run)
        }
        #expect(error.description.contains("significance is not available for 'detector.ap.coco'"))
    }
}

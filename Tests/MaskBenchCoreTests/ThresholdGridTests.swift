import MaskBenchCore
import MaskBenchTestSupport
import Testing

@Suite struct ThresholdGridTests {
    static let quick = EvaluationSettings(bootstrap: Bootstrap(samples: 0))

    /// A seeded random dataset: 1–4 faces per image, each found (with jitter) or missed, scores on a coarse
    /// grid so that ties happen, and some extra detections.
    static func randomRun(seed: UInt64, images: Int = 120) -> (Dataset, PredictionSet) {
        var generator = SplitMix64(seed: seed)
        func coarse() -> Double { Double(Int.random(in: 0...20, using: &generator)) / 20 }
        var annotated: [AnnotatedImage] = []
        var predictions = PredictionSet()
        for i in 0..<images {
            let name = "img\(i).jpg"
            var faces: [GroundTruthFace] = []
            var found: [Prediction] = []
            for f in 0..<Int.random(in: 1...4, using: &generator) {
                let box = Box(x: Double(f) * 100 + 5, y: 10, width: 60, height: 70)
                let masked = Bool.random(using: &generator)
                faces.append(GroundTruthFace(box: box, label: masked ? .masked : .unmasked))
                guard Double.random(in: 0..<1, using: &generator) < 0.85 else { continue }
                let lean = masked ? 0.25 : -0.25
                let maskScore = min(1, max(0, coarse() + lean))
                found.append(
                    Prediction(
                        box: Box(x: box.x + 3, y: box.y + 2, width: box.width, height: box.height),
                        faceScore: coarse(),
                        maskScore: maskScore
                    )
                )
            }
            if Double.random(in: 0..<1, using: &generator) < 0.3 {
                found.append(
                    Prediction(
                        box: Box(x: 500, y: 300, width: 40, height: 40), faceScore: coarse(), maskScore: coarse()))
            }
            annotated.append(AnnotatedImage(name: name, width: 800, height: 600, faces: faces))
            predictions.byImage[name] = found
        }
        return (Dataset(images: annotated), predictions)
    }

    static func allPoints(_ grid: ThresholdGrid) -> [OperatingPoint] {
        var points: [OperatingPoint] = []
        grid.forEachPoint { points.append($0) }
        return points
    }

    @Test func eachRowIsTheSweepOfAnEvaluationAtThatDetectorThreshold() {
        let (dataset, predictions) = Self.randomRun(seed: 7)
        let grid = ThresholdGrid(dataset, predictions, settings: Self.quick, detectorThresholds: [0.5, 0, 0.3, 0.5])
        #expect(grid.detectorThresholds == [0, 0.3, 0.5])
        for (threshold, row) in zip(grid.detectorThresholds, grid.rows) {
            var settings = Self.quick
            settings.matching.minFaceScore = threshold
            #expect(row == Evaluator(settings: settings).evaluate(dataset, predictions).pipeline.sweep)
        }
        #expect(grid.count == grid.rows.reduce(0) { $0 + $1.thresholds.count })
    }

    @Test func theFrontDominatesEveryPointAndNoPointDominatesTheFront() {
        for seed: UInt64 in [1, 2, 3] {
            let (dataset, predictions) = Self.randomRun(seed: seed)
            let grid = ThresholdGrid(
                dataset, predictions, settings: Self.quick, detectorThresholds: [0, 0.2, 0.4, 0.6, 0.8])
            let points = Self.allPoints(grid)
            let front = grid.paretoFront()
            #expect(!front.isEmpty)
            func dominates(_ a: OperatingPoint, _ b: OperatingPoint) -> Bool {
                guard let ta = a.tnr, let tb = b.tnr, let fa = a.fnr, let fb = b.fnr else { return false }
                return ta >= tb && fa <= fb && (ta > tb || fa < fb)
            }
            for f in front {
                #expect(!points.contains { dominates($0, f) }, "front point \(f) is dominated")
                // Of the points equal to it in both rates, it has the fewest false alarms.
                let equal = points.filter { $0.tnr == f.tnr && $0.fnr == f.fnr }
                #expect(equal.allSatisfy { $0.falseAlarms >= f.falseAlarms })
            }
            for p in points {
                #expect(
                    front.contains { dominates($0, p) || ($0.tnr == p.tnr && $0.fnr == p.fnr) },
                    "point \(p) is neither on the front nor dominated by it")
            }
            #expect(zip(front, front.dropFirst()).allSatisfy { ($0.fnr ?? 0) < ($1.fnr ?? 0) })
        }
    }

    @Test(arguments: ["fnr<=0.10", "fnr<=0.3", "tnr>=0.8", "tnr >= 0.85", "falseAlarms<=3", "fnr<=0.2"])
    func theTargetPicksTheBruteForceBest(text: String) throws {
        let target = try #require(SweepTarget(text))
        let (dataset, predictions) = Self.randomRun(seed: 11)
        let grid = ThresholdGrid(dataset, predictions, settings: Self.quick, detectorThresholds: [0, 0.25, 0.5, 0.75])
        let meeting = Self.allPoints(grid).filter { target.isMet(by: $0) }
        let chosen = try #require(grid.best(meeting: [target]))
        #expect(target.isMet(by: chosen))
        // Best on the free rate: no point meeting the target does better on it.
        switch target.quantity {
        case .fnr, .falseAlarms:
            let best = meeting.compactMap(\.tnr).max()
            #expect(chosen.tnr == best)
        case .tnr:
            let best = meeting.compactMap(\.fnr).min()
            #expect(chosen.fnr == best)
        }
    }

    /// The rule of ``ThresholdGrid/best(meeting:)``, spelled out as a sort key over every point: best on
    /// what the targets leave free, then fewer false alarms, the higher detector and the lower classifier
    /// threshold.
    static func bruteForceBest(_ points: [OperatingPoint], _ targets: [SweepTarget]) -> OperatingPoint? {
        let bounded = Set(targets.map(\.quantity))
        func key(_ p: OperatingPoint) -> [Double] {
            let tnr = -(p.tnr ?? -.infinity)
            let fnr = p.fnr ?? .infinity
            let alarms = Double(p.falseAlarms)
            let ties = [-p.detectorThreshold, p.classifierThreshold]
            switch (bounded.contains(.tnr), bounded.contains(.fnr)) {
            case (false, _): return [tnr, fnr, alarms] + ties
            case (true, false): return [fnr, tnr, alarms] + ties
            case (true, true): return [alarms, tnr, fnr] + ties
            }
        }
        return points.filter { p in targets.allSatisfy { $0.isMet(by: p) } }
            .min { key($0).lexicographicallyPrecedes(key($1)) }
    }

    static let combinedTargets = [
        "fnr<=0.1,falseAlarms<=2", "fnr<=0.25,falseAlarms<=0", "tnr>=0.6,fnr<=0.3", "tnr>=0.7,falseAlarms<=3",
        "tnr>=0.5,fnr<=0.4,falseAlarms<=1", "falseAlarms<=1,falseAlarms<=4", "fnr<=0.2,fnr<=0.05",
        "tnr>=0.99,fnr<=0.01",
    ]

    @Test(arguments: combinedTargets)
    func combinedTargetsPickTheBruteForceBestOfThePointsMeetingThemAll(text: String) throws {
        let targets = try #require(SweepTarget.all(text))
        #expect(targets.count == text.split(separator: ",").count)
        for seed: UInt64 in [11, 12, 13, 14] {
            let (dataset, predictions) = Self.randomRun(seed: seed)
            let grid = ThresholdGrid(
                dataset, predictions, settings: Self.quick, detectorThresholds: [0, 0.25, 0.5, 0.75])
            let points = Self.allPoints(grid)
            let chosen = grid.best(meeting: targets)
            #expect(chosen == Self.bruteForceBest(points, targets), "seed \(seed)")
            guard let chosen else {
                #expect(!points.contains { p in targets.allSatisfy { $0.isMet(by: p) } })
                continue
            }
            #expect(targets.allSatisfy { $0.isMet(by: chosen) })
            // Best on what the targets leave free, among the points meeting them all.
            let meetingAll = points.filter { p in targets.allSatisfy { $0.isMet(by: p) } }
            let bounded = Set(targets.map(\.quantity))
            if !bounded.contains(.tnr) {
                #expect(chosen.tnr == meetingAll.compactMap(\.tnr).max())
            } else if !bounded.contains(.fnr) {
                #expect(chosen.fnr == meetingAll.compactMap(\.fnr).min())
            } else {
                #expect(chosen.falseAlarms == meetingAll.map(\.falseAlarms).min())
            }
        }
    }

    @Test func targetsJoinedByCommasParseAsAllOfThem() {
        #expect(
            SweepTarget.all("fnr<=0.05, falseAlarms<=20")
                == [SweepTarget(.fnr, atLeast: false, 0.05), SweepTarget(.falseAlarms, atLeast: false, 20)])
        #expect(SweepTarget.all("tnr>=0.9") == [SweepTarget(.tnr, atLeast: true, 0.9)])
        for malformed in ["", ",", "fnr<=0.05,", "fnr<=0.05,auc>=0.9", "fnr<=0.05;tnr>=0.5"] {
            #expect(SweepTarget.all(malformed) == nil, "\(malformed)")
        }
        #expect(SweepTarget(.falseAlarms, atLeast: false, 5).description == "falseAlarms<=5")
        #expect(SweepTarget(.fnr, atLeast: false, 0.05).description == "fnr<=0.05")
    }

    @Test func everyPointCarriesItsRowsRecallMissedFacesAndTheScoreBelowIt() {
        let (dataset, predictions) = Self.randomRun(seed: 21)
        let grid = ThresholdGrid(dataset, predictions, settings: Self.quick, detectorThresholds: [0, 0.4, 0.8])
        for (r, threshold) in grid.detectorThresholds.enumerated() {
            var settings = Self.quick
            settings.matching.minFaceScore = threshold
            let detector = Evaluator(settings: settings).evaluate(dataset, predictions).detector
            #expect(grid.recall[r] == detector.recall.value)
            #expect(grid.missedFaces[r] == detector.falseNegatives)
        }
        var previous: OperatingPoint?
        grid.forEachPoint { p in
            let sameRow = previous?.detectorThreshold == p.detectorThreshold
            #expect(p.classifierThresholdAbove == (sameRow ? previous?.classifierThreshold : nil))
            #expect(p.missedFaces == grid.missedFaces[grid.detectorThresholds.firstIndex(of: p.detectorThreshold) ?? 0])
            previous = p
        }
    }

    @Test func targetsNoPointMeetsGiveNil() {
        let (dataset, predictions) = Self.randomRun(seed: 5)
        let grid = ThresholdGrid(dataset, predictions, settings: Self.quick, detectorThresholds: [0])
        #expect(grid.best(meeting: [SweepTarget(.tnr, atLeast: true, 1.01)]) == nil)
    }

    @Test func targetsParse() {
        #expect(SweepTarget("fnr<=0.10") == SweepTarget(.fnr, atLeast: false, 0.1))
        #expect(SweepTarget(" TNR >= 0.95 ") == SweepTarget(.tnr, atLeast: true, 0.95))
        #expect(SweepTarget("falseAlarms<=20") == SweepTarget(.falseAlarms, atLeast: false, 20))
        #expect(SweepTarget("auc>=0.9") == nil)
        #expect(SweepTarget("fnr=0.1") == nil)
        #expect(SweepTarget("fnr<=abc") == nil)
        #expect(SweepTarget("fnr<=0.1")?.description == "fnr<=0.1")
        #expect(SweepTarget("falseAlarms<=5.0")?.description == "falseAlarms<=5")
    }

    @Test func seed001TableKeepsItsFNRAndGainsTNRAboveTheSevenUnmaskedFacesScored0_7() throws {
        // Masked faces score 0.9 (95) or 0.2 (14 wrong); unmasked 0.1 (115) or 0.7 (7 wrong at 0.5).
        let b = EvaluatorTests.seed001()
        let grid = ThresholdGrid(b.dataset, b.predictions, settings: Self.quick, detectorThresholds: [0])
        let sameTNR = try #require(grid.best(meeting: [SweepTarget(.tnr, atLeast: true, 115.0 / 130)]))
        // The same TNR with no masked face called unmasked: any threshold in (0.1, 0.2].
        #expect(sameTNR.tnr == 115.0 / 130)
        #expect(sameTNR.fnr == 0)
        #expect(sameTNR.classifierThreshold > 0.1 && sameTNR.classifierThreshold <= 0.2)
        let point = try #require(grid.best(meeting: [SweepTarget(.fnr, atLeast: false, 14.0 / 119)]))
        #expect(point.fnr == 14.0 / 119)
        #expect(point.tnr == 122.0 / 130)
        #expect(point.classifierThreshold > 0.7 && point.classifierThreshold <= 0.9)
    }
}

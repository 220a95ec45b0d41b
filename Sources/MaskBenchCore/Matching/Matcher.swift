/// The pairing of one image's predictions with its ground-truth faces.
public struct ImageMatch: Sendable, Hashable {
    /// For each face, the index of the prediction that identifies it, or `nil` when it was missed. For an
    /// ignore region (``GroundTruthFace/ignoreRegion``), the highest-scoring prediction matched to it.
    public var faceMatches: [Int?]
    /// For each prediction, the face it matched, or `nil` for a false positive (an extra detection). A
    /// prediction matched to an ignore region is neither a true nor a false positive.
    ///
    /// In `dataroots` mode several predictions may point at one face; only one of them is in ``faceMatches``.
    public var predictionMatches: [Int?]

    public init(faceMatches: [Int?], predictionMatches: [Int?]) {
        self.faceMatches = faceMatches
        self.predictionMatches = predictionMatches
    }
}

/// Pairs predictions with faces, one image at a time.
///
/// The rules of the three modes are those of ``MatchingMode``; ignore regions (COCO crowd regions, VOC
/// difficult faces, unless ``MatchingSettings/ignoreRegions`` counts them as faces) take part in each:
/// - `coco` (pycocotools' `evaluateImg`): a prediction takes an ordinary face when one is left for it;
///   only when none is does it look at the ignore regions, taking the best by IoU (the last of equals). IoU
///   with a crowd region is the intersection over the prediction's own area, and any number of predictions
///   may match one; a difficult face is matched once, like pycocotools' other ignored ground truths.
/// - `voc` (the VOC devkit, chainercv): the single best face by IoU, difficult faces included; matched to a
///   difficult face, the prediction is ignored, and any number may be. Crowd regions come after the faces:
///   a prediction whose best face does not pass may match one.
/// - `dataroots`: a prediction matching no ordinary face matches the ignore region with the best IoU.
/// A prediction matched to an ignore region is neither a true nor a false positive.
public struct Matcher: Sendable {
    public var settings: MatchingSettings

    public init(settings: MatchingSettings) {
        self.settings = settings
    }

    /// Matches `predictions` to `faces` under ``settings``.
    ///
    /// Predictions are taken as given: filtering by ``MatchingSettings/minFaceScore`` is the caller's job.
    /// The `dataroots` rule needs `maskScore`; the greedy rules use `faceScore` order only.
    public func match(_ predictions: [Prediction], to faces: [GroundTruthFace]) -> ImageMatch {
        var workspace = Workspace()
        workspace.load(predictions, faces: faces, settings: settings)
        assign(in: &workspace)
        return ImageMatch(
            faceMatches: workspace.faceMatches.map { $0 < 0 ? nil : $0 },
            predictionMatches: workspace.predictionMatches.map { $0 < 0 ? nil : $0 }
        )
    }

    /// The assignment of ``settings``'s rule (`coco`, `voc` or `dataroots`) at the matching threshold for the
    /// image loaded in `workspace`, left in its ``Workspace/faceMatches`` and ``Workspace/predictionMatches``
    /// (and bit 0 of ``Workspace/hits`` and ``Workspace/ignored``).
    ///
    /// - Parameter workspace: loaded under settings that accept the same IoUs as ``settings`` (the mode may
    ///   differ only between `coco` and `dataroots`: the evaluator matches an image under the dataroots rule,
    ///   then under pycocotools' for AP).
    package func assign(in workspace: inout Workspace) {
        if settings.mode == .dataroots {
            assignDataroots(in: &workspace)
        } else {
            assignGreedy(in: &workspace) { _, _ in true }
        }
    }

    /// The `coco` or `voc` rule (``settings``'s mode; `dataroots` counts as `coco`) for the image loaded in
    /// `workspace`, at every threshold it was loaded with, with only the pairs `compatible` allows
    /// (class-aware matching).
    ///
    /// Each threshold is matched as if alone: bit `t` of ``Workspace/hits`` and ``Workspace/ignored`` says
    /// whether a prediction is a true positive, or matched to an ignore region, at threshold `t`; the
    /// assignment at the matching threshold (bit 0) is in ``Workspace/faceMatches`` and
    /// ``Workspace/predictionMatches``. The candidate pairs of a prediction are ordered best first
    /// (``Candidates``), so at each threshold the rule's choice is the first pair that passes it and is free
    /// there: all thresholds are decided in one pass over the pairs, with bit masks.
    package func assignGreedy(in workspace: inout Workspace, compatible: (Int, Int) -> Bool) {
        workspace.resetMatches()
        guard workspace.predictionCount > 0, workspace.faceCount > 0 else { return }
        let all = workspace.allThresholds
        let voc = settings.mode == .voc
        let order = workspace.order
        let regions = workspace.regions
        if workspace.keepsWholeTable {
            let candidates = workspace.candidates
            workspace.withMatches { matches in
                for p in order {
                    Self.take(p, candidates, row: p, matches, all: all, voc: voc, regions: regions, compatible)
                }
            }
        } else {
            // Over the table limit: each prediction's pairs are collected when its turn comes.
            var rows = Workspace.Rows(workspace)
            workspace.withMatches { matches in
                for p in order {
                    rows.load(p)
                    Self.take(p, rows.candidates, row: 0, matches, all: all, voc: voc, regions: regions, compatible)
                }
            }
        }
    }

    /// The greedy rules' step for prediction `p`, whose pairs are row `row` of `candidates`: at each threshold
    /// it takes the first pair that passes there and is free (under `voc`, only its best face may).
    @inline(__always)
    private static func take(
        _ p: Int, _ candidates: Candidates, row: Int, _ matches: Workspace.Matches, all: UInt16, voc: Bool,
        regions: [UInt8], _ compatible: (Int, Int) -> Bool
    ) {
        var remaining = all
        var hit: UInt16 = 0
        var ignore: UInt16 = 0
        let split = candidates.splits[row]
        for k in candidates.starts[row]..<split where remaining != 0 {
            let g = candidates.faces[k]
            guard compatible(p, g) else { continue }
            let passes = candidates.passes[k]
            if voc {
                // The best face decides alone: taken, or below a threshold, means no match there.
                if regions[g] == Workspace.face {
                    let won = passes & ~matches.taken[g]
                    hit |= won
                    matches.record(p, g, won)
                } else {
                    ignore |= passes
                    matches.record(p, g, passes)
                }
                remaining &= ~passes
                break
            }
            let won = remaining & passes & ~matches.taken[g]
            guard won != 0 else { continue }
            hit |= won
            remaining &= ~won
            matches.record(p, g, won)
        }
        // Ignore regions, where no face took the prediction.
        for k in split..<candidates.starts[row + 1] where remaining != 0 {
            let g = candidates.faces[k]
            guard compatible(p, g) else { continue }
            let crowd = regions[g] == Workspace.crowd
            let won = remaining & candidates.passes[k] & (crowd ? all : ~matches.taken[g])
            guard won != 0 else { continue }
            ignore |= won
            remaining &= ~won
            matches.record(p, g, won, once: !crowd)
        }
        matches.hits[p] = hit
        matches.ignored[p] = ignore
    }

    /// The `dataroots` rule at the matching threshold, over every pair: each ordinary face is matched by the
    /// passing prediction with the lowest `maskScore` (the first of equals); each prediction points at its best
    /// passing ordinary face (the first of equals), else at its best passing ignore region.
    func assignDataroots(in workspace: inout Workspace) {
        workspace.resetMatches()
        let m = workspace.faceCount
        let n = workspace.predictionCount
        for g in 0..<m where workspace.regions[g] == 0 {
            for p in 0..<n where settings.accepts(workspace.iou(p, g)) {
                let current = workspace.faceMatches[g]
                if current >= 0, workspace.maskScores[current] <= workspace.maskScores[p] { continue }
                workspace.faceMatches[g] = p
            }
        }
        for p in workspace.order {
            // Ordinary faces first, then ignore regions.
            for pass in 0..<2 where workspace.predictionMatches[p] < 0 {
                var topIoU = -1.0
                for g in 0..<m where (workspace.regions[g] == Workspace.face) == (pass == 0) {
                    let v = workspace.iou(p, g)
                    guard settings.accepts(v), v > topIoU else { continue }
                    workspace.predictionMatches[p] = g
                    topIoU = v
                }
            }
            let g = workspace.predictionMatches[p]
            guard g >= 0 else { continue }
            if workspace.regions[g] == 0 {
                workspace.hits[p] = 1
            } else {
                workspace.ignored[p] = 1
                if workspace.faceMatches[g] < 0 { workspace.faceMatches[g] = p }
            }
        }
    }

    /// The buffers of matching one image, reused from image to image so that matching many images allocates
    /// nothing per image.
    ///
    /// Memory is bounded per image: an image of at most ``tablePairs`` prediction-face pairs keeps its IoU
    /// table whole (8 bytes a pair) and the pairs that pass a threshold (18 bytes each), at most 26 MiB at
    /// the default limit; a larger one keeps its boxes and matches a prediction at a time, computing each
    /// prediction's row of IoUs when the rule comes to it (a few hundred bytes per prediction and face), so
    /// that 9,999 predictions on 9,999 faces no longer build a table of 800 MB. Both give the same result.
    package struct Workspace {
        /// ``regions`` values.
        static let face: UInt8 = 0
        static let crowd: UInt8 = 1
        static let difficult: UInt8 = 2

        /// The most prediction-face pairs of an image whose IoU table is kept whole: 2^20 (1,024 predictions
        /// on 1,024 faces).
        package static let tablePairLimit = 1 << 20
        /// The limit this workspace applies, ``tablePairLimit`` unless a test lowers it.
        package var tablePairs = tablePairLimit
        /// Whether the loaded image's IoU table is kept whole (its pairs are at most ``tablePairs``);
        /// otherwise its rows are computed one prediction at a time.
        package private(set) var keepsWholeTable = true
        /// The IoU of prediction `p` with face `g` at `p * faceCount + g` (``keepsWholeTable`` only); with a
        /// crowd region, the part of the prediction inside it.
        private var ious: [Double] = []
        /// The boxes, kept instead of the table when it is not kept whole.
        private var predictionBoxes: [Box] = []
        private var faceBoxes: [Box] = []
        private var pixels = PixelConvention.continuous
        private var inclusive = false
        private var voc = false
        package private(set) var faceCount = 0
        package var predictionCount: Int { maskScores.count }
        /// Each prediction's `maskScore` (the `dataroots` rule).
        package private(set) var maskScores: [Double] = []
        /// The predictions by descending `faceScore`, ties in input order.
        package private(set) var order: [Int] = []
        /// Each face's kind: ``face``, ``crowd`` or ``difficult`` (every face ``face`` when ignore regions
        /// count as faces).
        package private(set) var regions: [UInt8] = []
        /// The IoU thresholds, one bit each in ``hits`` and ``ignored``: the matching threshold first.
        package private(set) var thresholds: [Double] = []
        /// The pairs the greedy rules can match, best first.
        private(set) var candidates = Candidates()
        /// For each face, the prediction matching it at the matching threshold; `-1` for none.
        package fileprivate(set) var faceMatches: [Int] = []
        /// For each prediction, the face it matches at the matching threshold; `-1` for none.
        package fileprivate(set) var predictionMatches: [Int] = []
        /// For each prediction, bit `t` set when it is a true positive at ``thresholds``[`t`].
        package fileprivate(set) var hits: [UInt16] = []
        /// For each prediction, bit `t` set when it matches an ignore region at ``thresholds``[`t`].
        package fileprivate(set) var ignored: [UInt16] = []
        /// For each face, bit `t` set when a prediction took it at ``thresholds``[`t`].
        fileprivate var taken: [UInt16] = []

        package init() {}

        /// A mask with a bit for each threshold.
        var allThresholds: UInt16 { UInt16(truncatingIfNeeded: (1 << thresholds.count) - 1) }

        /// Loads one image: the IoU table, the score order and the pairs whose IoU passes a threshold.
        ///
        /// - Parameters:
        ///   - predictions: the image's predictions (already filtered by ``MatchingSettings/minFaceScore``).
        ///   - faces: the image's faces, ignore regions included.
        ///   - settings: the pixel convention, the matching threshold and its comparison, whether ignore
        ///     regions are ignored, and the mode (which orders the pairs).
        ///   - thresholds: more IoU thresholds to match at (bits 1 and up), compared as the matching one; at
        ///     most 15 in all.
        package mutating func load(
            _ predictions: [Prediction], faces: [GroundTruthFace], settings: MatchingSettings,
            thresholds more: [Double] = []
        ) {
            precondition(more.count < 16, "at most 16 thresholds")
            let n = predictions.count
            faceCount = faces.count
            regions.removeAll(keepingCapacity: true)
            for face in faces {
                switch settings.ignoreRegions == .ignore ? face.ignoreRegion : nil {
                case nil: regions.append(Self.face)
                case .crowd?: regions.append(Self.crowd)
                case .difficult?: regions.append(Self.difficult)
                }
            }
            pixels = settings.pixels
            inclusive = settings.iouInclusive
            voc = settings.mode == .voc
            let (pairs, overflow) = n.multipliedReportingOverflow(by: faces.count)
            keepsWholeTable = !overflow && pairs <= tablePairs
            ious.removeAll(keepingCapacity: true)
            predictionBoxes.removeAll(keepingCapacity: keepsWholeTable)
            faceBoxes.removeAll(keepingCapacity: keepsWholeTable)
            maskScores.removeAll(keepingCapacity: true)
            for p in predictions {
                if keepsWholeTable {
                    for (face, region) in zip(faces, regions) {
                        ious.append(Self.iou(p.box, face.box, region: region, pixels: pixels))
                    }
                }
                maskScores.append(p.maskScore)
            }
            if !keepsWholeTable {
                predictionBoxes.append(contentsOf: predictions.lazy.map(\.box))
                faceBoxes.append(contentsOf: faces.lazy.map(\.box))
            }
            thresholds.removeAll(keepingCapacity: true)
            thresholds.append(settings.iouThreshold)
            thresholds += more
            // Over the limit the candidates stay empty: ``Rows`` collects them a prediction at a time.
            candidates.collect(
                ious: keepsWholeTable ? ious : [], regions: regions, thresholds: thresholds, inclusive: inclusive,
                voc: voc)
            order.removeAll(keepingCapacity: true)
            order.append(contentsOf: repeatElement(0, count: n))
            Matcher.rankByScore(count: n, score: { predictions[$0].faceScore }, into: &order)
        }

        /// The IoU of prediction `p` with face `g` (with a crowd region, the part of the prediction inside it).
        @inline(__always)
        package func iou(_ p: Int, _ g: Int) -> Double {
            keepsWholeTable
                ? ious[p * faceCount + g]
                : Self.iou(predictionBoxes[p], faceBoxes[g], region: regions[g], pixels: pixels)
        }

        /// The pairs the workspace holds: IoUs in the table and candidate pairs (bounded by ``tablePairs``
        /// whatever the image).
        package var storedPairs: Int { ious.count + candidates.faces.count }

        /// The IoU of a prediction's `box` with a face's (``regions`` kind `region`): the part of the
        /// prediction inside a crowd region.
        @inline(__always)
        static func iou(_ box: Box, _ face: Box, region: UInt8, pixels: PixelConvention) -> Double {
            region == crowd ? box.fraction(inside: face, pixels: pixels) : box.iou(with: face, pixels: pixels)
        }

        /// One prediction's candidate pairs at a time, for an image over the table limit: its row of IoUs
        /// computed and collected (``Candidates/collect(ious:regions:thresholds:inclusive:voc:)``, one row).
        struct Rows {
            private let predictionBoxes: [Box]
            private let faceBoxes: [Box]
            private let regions: [UInt8]
            private let thresholds: [Double]
            private let pixels: PixelConvention
            private let inclusive: Bool
            private let voc: Bool
            private var row: [Double] = []
            /// The loaded prediction's pairs, as row 0.
            private(set) var candidates = Candidates()

            init(_ workspace: Workspace) {
                predictionBoxes = workspace.predictionBoxes
                faceBoxes = workspace.faceBoxes
                regions = workspace.regions
                thresholds = workspace.thresholds
                pixels = workspace.pixels
                inclusive = workspace.inclusive
                voc = workspace.voc
                row.reserveCapacity(faceBoxes.count)
            }

            /// Collects prediction `p`'s pairs into ``candidates``.
            mutating func load(_ p: Int) {
                row.removeAll(keepingCapacity: true)
                let box = predictionBoxes[p]
                for (face, region) in zip(faceBoxes, regions) {
                    row.append(Workspace.iou(box, face, region: region, pixels: pixels))
                }
                candidates.collect(ious: row, regions: regions, thresholds: thresholds, inclusive: inclusive, voc: voc)
            }
        }

        /// Sets every face and prediction unmatched at every threshold.
        fileprivate mutating func resetMatches() {
            let n = predictionCount
            faceMatches.removeAll(keepingCapacity: true)
            faceMatches.append(contentsOf: repeatElement(-1, count: faceCount))
            taken.removeAll(keepingCapacity: true)
            taken.append(contentsOf: repeatElement(0, count: faceCount))
            predictionMatches.removeAll(keepingCapacity: true)
            predictionMatches.append(contentsOf: repeatElement(-1, count: n))
            hits.removeAll(keepingCapacity: true)
            hits.append(contentsOf: repeatElement(0, count: n))
            ignored.removeAll(keepingCapacity: true)
            ignored.append(contentsOf: repeatElement(0, count: n))
        }

        /// The match arrays, written in place by the greedy rule (no copy-on-write check per write).
        fileprivate struct Matches {
            var faceMatches: UnsafeMutableBufferPointer<Int>
            var predictionMatches: UnsafeMutableBufferPointer<Int>
            var hits: UnsafeMutableBufferPointer<UInt16>
            var ignored: UnsafeMutableBufferPointer<UInt16>
            var taken: UnsafeMutableBufferPointer<UInt16>

            /// Prediction `p` took face `g` at the thresholds in `won`: `g` is taken there (unless a crowd
            /// region, `once: false`), and at the matching threshold the pair is the assignment (a face keeps
            /// its first, highest-scoring prediction).
            @inline(__always)
            func record(_ p: Int, _ g: Int, _ won: UInt16, once: Bool = true) {
                if once { taken[g] |= won }
                guard won & 1 != 0 else { return }
                predictionMatches[p] = g
                if faceMatches[g] < 0 { faceMatches[g] = p }
            }
        }

        /// Runs `body` on the match arrays.
        fileprivate mutating func withMatches(_ body: (Matches) -> Void) {
            faceMatches.withUnsafeMutableBufferPointer { faceMatches in
                predictionMatches.withUnsafeMutableBufferPointer { predictionMatches in
                    hits.withUnsafeMutableBufferPointer { hits in
                        ignored.withUnsafeMutableBufferPointer { ignored in
                            taken.withUnsafeMutableBufferPointer { taken in
                                body(
                                    Matches(
                                        faceMatches: faceMatches, predictionMatches: predictionMatches, hits: hits,
                                        ignored: ignored, taken: taken))
                            }
                        }
                    }
                }
            }
        }
    }

    /// For each prediction, the faces whose IoU with it passes at least one threshold, best first: the only
    /// pairs the `coco` and `voc` rules can match (every pair when an IoU of 0 passes).
    ///
    /// A prediction's pairs are ordered faces first, then the ignore regions that come after them (under
    /// `coco` all of them, under `voc` crowd regions: difficult faces compete with the others there), each
    /// group by descending IoU; equal IoUs put the later face first under `coco` (pycocotools keeps the last
    /// of equals), the earlier under `voc` (the devkit's `argmax` keeps the first). A face whose IoU passes
    /// no threshold is never a candidate and cannot change either rule's choice: the `voc` rule's best face
    /// either passes (then it is a candidate, as is every face with that IoU) or no face does.
    struct Candidates {
        /// Prediction `p`'s pairs are at `starts[p]..<starts[p + 1]`, its ignore regions from `splits[p]`.
        private(set) var starts: [Int] = []
        private(set) var splits: [Int] = []
        private(set) var faces: [Int] = []
        private(set) var ious: [Double] = []
        /// For each pair, bit `t` set when its IoU passes threshold `t`.
        private(set) var passes: [UInt16] = []
        /// Scratch: whether each face of the image comes after the others.
        private var late: [Bool] = []

        /// Refills the lists from a prediction-major IoU table, keeping the storage.
        ///
        /// - Parameters:
        ///   - table: `n × regions.count` IoUs.
        ///   - regions: each face's kind (``Workspace/regions``).
        ///   - thresholds: an IoU passes threshold `t` when it is above it (or at it, when `inclusive`).
        ///   - voc: order for the `voc` rule rather than the `coco` rule.
        mutating func collect(ious table: [Double], regions: [UInt8], thresholds: [Double], inclusive: Bool, voc: Bool)
        {
            starts.removeAll(keepingCapacity: true)
            splits.removeAll(keepingCapacity: true)
            faces.removeAll(keepingCapacity: true)
            ious.removeAll(keepingCapacity: true)
            passes.removeAll(keepingCapacity: true)
            starts.append(0)
            let m = regions.count
            guard m > 0, let lowest = thresholds.min() else { return }
            // Whether each face comes after the others (an ignore region looked at only when no face passes).
            late.removeAll(keepingCapacity: true)
            var anyLate = false
            for region in regions {
                let isLate = region == Workspace.crowd || (region == Workspace.difficult && !voc)
                late.append(isLate)
                anyLate = anyLate || isLate
            }
            thresholds.withUnsafeBufferPointer { thresholds in
                for row in stride(from: 0, to: table.count, by: m) {
                    let first = faces.count
                    for g in 0..<m {
                        let v = table[row + g]
                        guard inclusive ? v >= lowest : v > lowest else { continue }
                        var mask: UInt16 = 0
                        for t in thresholds.indices where inclusive ? v >= thresholds[t] : v > thresholds[t] {
                            mask |= 1 << t
                        }
                        faces.append(g)
                        ious.append(v)
                        passes.append(mask)
                    }
                    orderRow(from: first, voc: voc)
                    var split = faces.count
                    while anyLate, split > first, late[faces[split - 1]] { split -= 1 }
                    splits.append(split)
                    starts.append(faces.count)
                }
            }
        }

        /// Orders the pairs from `first` on (one row, appended by ascending face) best first: faces before the
        /// ignore regions that come after them, then by descending IoU, then the later face first under `coco`
        /// and the earlier under `voc`. The order is total, so the insertion sort of short rows (a prediction
        /// overlaps few faces) and the sort of long ones give the same rows.
        private mutating func orderRow(from first: Int, voc: Bool) {
            let count = faces.count - first
            guard count > 1 else { return }
            guard count > 32 else {
                for i in (first + 1)..<faces.count {
                    let g = faces[i]
                    let v = ious[i]
                    var k = i
                    while k > first {
                        let other = faces[k - 1]
                        let before = late[other] != late[g] ? late[other] : ious[k - 1] != v ? ious[k - 1] < v : !voc
                        guard before else { break }
                        faces.swapAt(k, k - 1)
                        ious.swapAt(k, k - 1)
                        passes.swapAt(k, k - 1)
                        k -= 1
                    }
                }
                return
            }
            var row = (first..<faces.count).map { (face: faces[$0], iou: ious[$0], passes: passes[$0]) }
            row.sort { a, b in
                late[a.face] != late[b.face]
                    ? late[b.face] : a.iou != b.iou ? a.iou > b.iou : voc ? a.face < b.face : a.face > b.face
            }
            for (k, pair) in zip(first..., row) {
                faces[k] = pair.face
                ious[k] = pair.iou
                passes[k] = pair.passes
            }
        }
    }

    /// Writes `0..<count` ordered by descending score, ties in input order (an insertion sort: images
    /// have few predictions).
    @inline(__always)
    static func rankByScore(count: Int, score: (Int) -> Double, into order: inout [Int]) {
        for i in 0..<count {
            let s = score(i)
            var j = i
            while j > 0, score(order[j - 1]) < s {
                order[j] = order[j - 1]
                j -= 1
            }
            order[j] = i
        }
    }

    /// Indices ordered by descending score; equal scores keep their input order.
    public static func rankedByScore(_ scores: [Double]) -> [Int] {
        ScoreSort.descendingOrder(scores).map { Int($0) }
    }
}

/// A port of pycocotools' `COCOeval` for boxes (`iouType='bbox'`): `evaluate()`, `accumulate()` and
/// `summarize()`, giving the same numbers to the last bits.
///
/// The rules, as pycocotools applies them:
/// - Images are `sorted(unique(imageIDs))`, categories `sorted(unique(categoryIDs))`; annotations and
///   detections of other images or categories take no part. Ground truths keep file order within an image
///   (and, with ``COCOEvalParameters/useCategories`` off, category order first).
/// - Per image and category, detections are ranked by descending score with a stable sort (file order on
///   ties) and cut to the largest `maxDetections`.
/// - IoU is continuous (no `+1`); against a crowd ground truth it is `intersection / area(detection)`.
/// - A ground truth is ignored when it is a crowd or its `area` lies outside the area range; ignored ones
///   are sorted last (stable). Each detection, best first, takes the ground truth with the highest IoU
///   ≥ the threshold (capped at `1 - 1e-10`) that is not yet matched (a crowd may be matched many times);
///   on equal IoU the later ground truth wins (a running best compared with `<`); once it holds a regular
///   ground truth it stops at the first ignored one. A detection matched to an ignored ground truth is
///   ignored, as is an unmatched detection whose own `width * height` lies outside the area range.
/// - Accumulation concatenates, per category, area range and `maxDetections`, each image's first
///   `maxDetections` detections in image-id order, sorts them by descending score with a stable sort
///   (numpy's mergesort), and computes `precision = tp / (tp + fp + ε)` (ε = `np.spacing(1)`), recall
///   `tp / (non-ignored ground truths)`, precision made monotone from the right and sampled at the first
///   point reaching each recall threshold (0 past the last point). Settings without a non-ignored ground
///   truth stay -1.
///
/// One deliberate difference: pycocotools records a match by the ground truth's `id` and treats id 0 as
/// "unmatched", so a ground truth with `"id": 0` can never be a true positive. Matches here are kept by
/// index, so such a ground truth counts like any other (pycocotools' numbers after renumbering ids from 1).
public struct COCOEvaluator: Sendable {
    public var parameters: COCOEvalParameters

    public init(parameters: COCOEvalParameters = COCOEvalParameters()) {
        self.parameters = parameters
    }

    /// Evaluates `detections` against `groundTruth` and accumulates precision and recall.
    ///
    /// Detections of images outside the evaluated images or categories outside the evaluated categories
    /// are ignored, as in pycocotools (whose `loadRes` would reject unknown images before that).
    public func evaluate(groundTruth: COCODataset, detections: [COCODetection]) -> COCOEvaluation {
        let plan = Plan(parameters: parameters, groundTruth: groundTruth)
        let matched = match(plan: plan, groundTruth: groundTruth, detections: detections)
        return accumulate(plan: plan, matched: matched)
    }

    // MARK: - Plan

    /// The resolved parameters and id lookups shared by evaluation and accumulation.
    struct Plan {
        var parameters: COCOEvalParameters
        var imageIDs: [Int]
        var categoryIDs: [Int]
        var maxDetections: [Int]
        var imageIndex: [Int: Int]
        var categoryIndex: [Int: Int]
        /// Categories in the result: the evaluated ones, or one pseudo-category when categories are ignored.
        var resultCategories: Int { parameters.useCategories ? categoryIDs.count : 1 }

        init(parameters: COCOEvalParameters, groundTruth: COCODataset) {
            imageIDs = Array(Set(parameters.imageIDs ?? groundTruth.images.map(\.id))).sorted()
            categoryIDs = Array(Set(parameters.categoryIDs ?? groundTruth.categories.map(\.id))).sorted()
            maxDetections = parameters.maxDetections.sorted()
            var resolved = parameters
            resolved.imageIDs = imageIDs
            resolved.categoryIDs = categoryIDs
            resolved.maxDetections = maxDetections
            self.parameters = resolved
            imageIndex = Dictionary(uniqueKeysWithValues: imageIDs.enumerated().map { ($1, $0) })
            categoryIndex = Dictionary(uniqueKeysWithValues: categoryIDs.enumerated().map { ($1, $0) })
        }
    }

    // MARK: - Per-image evaluation

    /// What `evaluateImg` leaves for accumulation, flattened per result category.
    struct Matched {
        /// Per result category: the kept detections (image order, then score order within the image).
        var scores: [[Double]]
        /// Per result category: each kept detection's rank within its image (0 = best).
        var ranks: [[Int32]]
        /// Per result category: ``Outcome`` raw values, indexed `[(a * T + t) * count + detection]` for area
        /// range `a` and IoU threshold `t`.
        var outcomes: [[UInt8]]
        /// Per result category and area range: the number of non-ignored ground truths.
        var regularGroundTruths: [[Int]]
    }

    /// A detection's fate at one IoU threshold and area range.
    enum Outcome: UInt8 {
        case falsePositive = 0
        case truePositive = 1
        /// Matched to an ignored ground truth, or unmatched and outside the area range.
        case ignored = 2
    }

    /// Groups ground truths and detections by image and category (file order kept), as compressed rows.
    private struct Buckets {
        var start: [Int]
        var members: [Int]

        init(count: Int, keys: [Int?]) {
            var start = [Int](repeating: 0, count: count + 1)
            for key in keys {
                if let key { start[key + 1] += 1 }
            }
            for i in 0..<count { start[i + 1] += start[i] }
            var fill = start
            var members = [Int](repeating: 0, count: start[count])
            for (index, key) in keys.enumerated() {
                if let key {
                    members[fill[key]] = index
                    fill[key] += 1
                }
            }
            self.start = start
            self.members = members
        }

        func range(_ key: Int) -> Range<Int> { start[key]..<start[key + 1] }
    }

    func match(plan: Plan, groundTruth: COCODataset, detections: [COCODetection]) -> Matched {
        let imageCount = plan.imageIDs.count
        let categoryCount = plan.categoryIDs.count
        let areaRanges = plan.parameters.areaRanges
        let thresholds = plan.parameters.iouThresholds.map { min($0, 1 - 1e-10) }
        let maxDetections = plan.maxDetections.last ?? 0
        let useCategories = plan.parameters.useCategories
        let resultCategories = plan.resultCategories

        let gtBuckets = Buckets(
            count: imageCount * categoryCount,
            keys: groundTruth.annotations.map { annotation in
                guard let i = plan.imageIndex[annotation.imageID], let k = plan.categoryIndex[annotation.categoryID]
                else { return nil }
                return i * categoryCount + k
            }
        )
        let dtBuckets = Buckets(
            count: imageCount * categoryCount,
            keys: detections.map { detection in
                guard let i = plan.imageIndex[detection.imageID], let k = plan.categoryIndex[detection.categoryID]
                else { return nil }
                return i * categoryCount + k
            }
        )

        // Members of one (result category, image) cell, in pycocotools' order.
        func cell(_ buckets: Buckets, category: Int, image: Int) -> [Int] {
            if useCategories { return Array(buckets.members[buckets.range(image * categoryCount + category)]) }
            var all: [Int] = []
            for k in 0..<categoryCount {
                all.append(contentsOf: buckets.members[buckets.range(image * categoryCount + k)])
            }
            return all
        }

        var matched = Matched(
            scores: Array(repeating: [], count: resultCategories),
            ranks: Array(repeating: [], count: resultCategories),
            outcomes: Array(repeating: [], count: resultCategories),
            regularGroundTruths: Array(repeating: Array(repeating: 0, count: areaRanges.count), count: resultCategories)
        )

        var ious: [Double] = []
        var gtCrowd: [Bool] = []
        var gtOrder: [Int] = []
        var gtIgnored: [Bool] = []
        var gtTaken: [Bool] = []
        for k in 0..<resultCategories {
            // The kept detections of every image, to size the outcome tables.
            var kept: [[Int]] = []
            kept.reserveCapacity(imageCount)
            var total = 0
            for i in 0..<imageCount {
                var dts = cell(dtBuckets, category: k, image: i)
                // Stable by descending score: ties keep file order.
                dts.sort { a, b in
                    let sa = detections[a].score
                    let sb = detections[b].score
                    return sa != sb ? sa > sb : a < b
                }
                if dts.count > maxDetections { dts.removeLast(dts.count - maxDetections) }
                kept.append(dts)
                total += dts.count
            }
            var scores: [Double] = []
            var ranks: [Int32] = []
            scores.reserveCapacity(total)
            ranks.reserveCapacity(total)
            for dts in kept {
                for (rank, d) in dts.enumerated() {
                    scores.append(detections[d].score)
                    ranks.append(Int32(rank))
                }
            }
            let thresholdCount = thresholds.count
            var outcomes = [UInt8](
                repeating: Outcome.falsePositive.rawValue,
                count: areaRanges.count * thresholdCount * total
            )
            var regular = [Int](repeating: 0, count: areaRanges.count)

            var offset = 0
            for i in 0..<imageCount {
                let dts = kept[i]
                let gts = cell(gtBuckets, category: k, image: i)
                defer { offset += dts.count }
                if dts.isEmpty && gts.isEmpty { continue }
                let g = gts.count
                gtCrowd.removeAll(keepingCapacity: true)
                for gt in gts { gtCrowd.append(groundTruth.annotations[gt].isCrowd) }
                if gtTaken.count < g { gtTaken = [Bool](repeating: false, count: g) }
                // IoU table, detection-major, ground truths in file order (maskUtils.iou / bbIou).
                ious.removeAll(keepingCapacity: true)
                ious.reserveCapacity(dts.count * g)
                for d in dts {
                    for gt in gts {
                        let annotation = groundTruth.annotations[gt]
                        ious.append(Self.iou(detections[d].bbox, annotation.bbox, crowd: annotation.isCrowd))
                    }
                }
                for (a, range) in areaRanges.enumerated() {
                    // Ignore flags, then ground truths sorted ignore-last (stable).
                    gtIgnored.removeAll(keepingCapacity: true)
                    for (j, gt) in gts.enumerated() {
                        gtIgnored.append(gtCrowd[j] || range.excludes(groundTruth.annotations[gt].area))
                    }
                    gtOrder.removeAll(keepingCapacity: true)
                    for j in 0..<g where !gtIgnored[j] { gtOrder.append(j) }
                    regular[a] += gtOrder.count
                    for j in 0..<g where gtIgnored[j] { gtOrder.append(j) }
                    if dts.isEmpty { continue }

                    for (t, threshold) in thresholds.enumerated() {
                        for j in 0..<g { gtTaken[j] = false }
                        let row = (a * thresholdCount + t) * total + offset
                        for (dIndex, d) in dts.enumerated() {
                            var best = threshold
                            var m = -1
                            for position in 0..<g {
                                let j = gtOrder[position]
                                // Already matched and not a crowd: not available.
                                if gtTaken[j] && !gtCrowd[j] { continue }
                                // Holding a regular ground truth: ignored ones (sorted last) cannot win.
                                if m > -1 && !gtIgnored[m] && gtIgnored[j] { break }
                                let value = ious[dIndex * g + j]
                                if value < best { continue }
                                best = value
                                m = j
                            }
                            let outcome: Outcome
                            if m == -1 {
                                outcome = range.excludes(detections[d].area) ? .ignored : .falsePositive
                            } else {
                                gtTaken[m] = true
                                outcome = gtIgnored[m] ? .ignored : .truePositive
                            }
                            outcomes[row + dIndex] = outcome.rawValue
                        }
                    }
                }
            }
            matched.scores[k] = scores
            matched.ranks[k] = ranks
            matched.outcomes[k] = outcomes
            matched.regularGroundTruths[k] = regular
        }
        return matched
    }

    /// pycocotools' `bbIou` for one pair: continuous coordinates; a crowd's union is the detection's area.
    static func iou(_ dt: Box, _ gt: Box, crowd: Bool) -> Double {
        let w = min(dt.width + dt.x, gt.width + gt.x) - max(dt.x, gt.x)
        if w <= 0 { return 0 }
        let h = min(dt.height + dt.y, gt.height + gt.y) - max(dt.y, gt.y)
        if h <= 0 { return 0 }
        let intersection = w * h
        let dtArea = dt.width * dt.height
        let union = crowd ? dtArea : dtArea + gt.width * gt.height - intersection
        return intersection / union
    }

    // MARK: - Accumulation

    func accumulate(plan: Plan, matched: Matched) -> COCOEvaluation {
        let p = plan.parameters
        let shape = COCOEvaluation.Shape(
            iouThresholds: p.iouThresholds.count,
            recallThresholds: p.recallThresholds.count,
            categories: plan.resultCategories,
            areaRanges: p.areaRanges.count,
            maxDetections: plan.maxDetections.count
        )
        var precision = [Double](repeating: -1, count: shape.precisionCount)
        var recall = [Double](repeating: -1, count: shape.recallCount)
        var scoreAtRecall = [Double](repeating: -1, count: shape.precisionCount)
        let epsilon = Double.ulpOfOne  // np.spacing(1)

        var rc: [Double] = []
        var pr: [Double] = []
        for k in 0..<shape.categories {
            let scores = matched.scores[k]
            let ranks = matched.ranks[k]
            let outcomes = matched.outcomes[k]
            let total = scores.count
            if rc.count < total {
                rc = [Double](repeating: 0, count: total)
                pr = [Double](repeating: 0, count: total)
            }
            // numpy's mergesort of -score: descending, stable (concatenation order on ties).
            let order = (0..<total).sorted { a, b in
                let sa = scores[a]
                let sb = scores[b]
                return sa != sb ? sa > sb : a < b
            }
            for (m, maxDet) in plan.maxDetections.enumerated() {
                // The first `maxDet` detections of each image, in the sorted order.
                let selected =
                    maxDet >= (plan.maxDetections.last ?? 0) ? order : order.filter { Int(ranks[$0]) < maxDet }
                let nd = selected.count
                for a in 0..<shape.areaRanges {
                    let npig = Double(matched.regularGroundTruths[k][a])
                    if npig == 0 { continue }
                    for t in 0..<shape.iouThresholds {
                        let row = (a * shape.iouThresholds + t) * total
                        rc.withUnsafeMutableBufferPointer { rc in
                            pr.withUnsafeMutableBufferPointer { pr in
                                var tp = 0.0
                                var fp = 0.0
                                for (j, d) in selected.enumerated() {
                                    switch outcomes[row + d] {
                                    case Outcome.truePositive.rawValue: tp += 1
                                    case Outcome.falsePositive.rawValue: fp += 1
                                    default: break
                                    }
                                    rc[j] = tp / npig
                                    pr[j] = tp / (fp + tp + epsilon)
                                }
                                // Precision made monotone from the right.
                                if nd > 1 {
                                    for i in stride(from: nd - 1, to: 0, by: -1) where pr[i] > pr[i - 1] {
                                        pr[i - 1] = pr[i]
                                    }
                                }
                                recall[shape.recallIndex(t, k, a, m)] = nd > 0 ? rc[nd - 1] : 0
                                for (r, level) in p.recallThresholds.enumerated() {
                                    let at = shape.precisionIndex(t, r, k, a, m)
                                    let first = Self.searchSortedLeft(rc, count: nd, level)
                                    if first < nd {
                                        precision[at] = pr[first]
                                        scoreAtRecall[at] = scores[selected[first]]
                                    } else {
                                        precision[at] = 0
                                        scoreAtRecall[at] = 0
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return COCOEvaluation(
            parameters: p,
            categoryIDs: p.useCategories ? plan.categoryIDs : [-1],
            shape: shape,
            precision: precision,
            recall: recall,
            scores: scoreAtRecall
        )
    }

    /// `numpy.searchsorted(sorted[..<count], value, side='left')`: the first index whose element is `>= value`.
    static func searchSortedLeft(_ sorted: UnsafeMutableBufferPointer<Double>, count: Int, _ value: Double) -> Int {
        var lo = 0
        var hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

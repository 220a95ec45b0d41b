import Foundation
import MaskBenchCore
import MaskBenchRecords

/// The gallery of mistakes: missed faces (unmasked, then masked), wrong calls and false alarms, each kind
/// capped and ordered worst first, each with a thumbnail of the image around the face and every box drawn.
struct Gallery: Sendable {
    /// The kinds of mistake, in display order.
    enum Kind: String, Sendable, CaseIterable {
        case missed = "missed-unmasked"
        case missedMasked = "missed-masked"
        case wrongCall = "wrong-call"
        case falseAlarm = "false-alarm"
        /// Faces the baseline got right and this run gets wrong (only with a baseline).
        case newMistake = "new-since-baseline"
        /// Faces the baseline got wrong and this run gets right (only with a baseline).
        case fixed = "fixed-since-baseline"

        var title: String {
            switch self {
            case .missed: "Missed unmasked faces"
            case .missedMasked: "Missed masked faces"
            case .wrongCall: "Wrong calls"
            case .falseAlarm: "False alarms"
            case .newMistake: "New mistakes since the baseline"
            case .fixed: "Fixed since the baseline"
            }
        }

        /// How "worst first" is decided, for the page.
        var order: String {
            switch self {
            case .missed, .missedMasked: "largest faces first"
            case .wrongCall: "most confident first: maskScore furthest from the threshold"
            case .falseAlarm: "highest faceScore first"
            case .newMistake, .fixed: "missed faces first, largest first, then the most confident calls"
            }
        }
    }

    /// A box drawn on a thumbnail.
    struct DrawnBox: Sendable, Hashable {
        enum Role: Sendable, Hashable {
            case truth, calledMasked, calledUnmasked
        }

        var box: Box
        var role: Role
    }

    /// One mistake.
    struct Item: Sendable, Hashable {
        var kind: Kind
        var image: String
        /// The face or detection the mistake is about.
        var focus: Box
        var caption: String
        var imageWidth: Int?
        var imageHeight: Int?
    }

    /// The mistakes per kind, capped, worst first, and how many there were before the cap.
    var items: [Kind: [Item]]
    var totals: [Kind: Int]
    /// The boxes of every image that has an item.
    var boxes: [String: [DrawnBox]]

    /// The gallery of `data`, at most `cap` items per kind.
    init(_ data: ReportData, cap: Int) {
        let settings = data.document.settings
        let threshold = settings.threshold
        // Rank first by (badness, position), build the captions of the shown items only: a 50k-image run has
        // hundreds of thousands of mistakes.
        var missed: [(Double, Int)] = []
        var missedMasked: [(Double, Int)] = []
        var wrong: [(Double, Int)] = []
        var alarms: [(Double, Int)] = []
        for (index, face) in data.faces.enumerated() {
            guard let box = face.box else { continue }
            if face.call == nil {
                if face.truth == .masked {
                    missedMasked.append((-box.height, index))
                } else {
                    missed.append((-box.height, index))
                }
            } else if let call = face.call, call != face.truth, let score = face.maskScore {
                wrong.append((-abs(score - threshold), index))
            }
        }
        for (index, extra) in data.extras.enumerated() where extra.call != .masked && extra.box != nil {
            alarms.append((-extra.faceScore, index))
        }
        func worstFirst(_ list: [(Double, Int)]) -> [Int] {
            list.sorted { $0 < $1 }.prefix(cap).map(\.1)
        }
        func faceItem(_ index: Int, _ kind: Kind) -> Item {
            let face = data.faces[index]
            let box = face.box ?? Box(x: 0, y: 0, width: 0, height: 0)
            let truth = Self.truth(of: face)
            let caption =
                face.call == nil
                ? "\(truth), missed · \(Markup.coordinate(box.height)) px high"
                : "\(truth) called \(face.call?.rawValue ?? "") · maskScore \(Markup.fixed(face.maskScore ?? 0, 3))"
            return Item(
                kind: kind, image: face.image, focus: face.call == nil ? box : face.predicted ?? box,
                caption: caption, imageWidth: face.imageWidth, imageHeight: face.imageHeight)
        }
        let alarmIndices = worstFirst(alarms)
        let alarmImages = Set(alarmIndices.map { data.extras[$0].image })
        var facesOf: [String: [ReportData.Face]] = [:]
        for face in data.faces where alarmImages.contains(face.image) { facesOf[face.image, default: []].append(face) }
        let alarmItems = alarmIndices.map { index -> Item in
            let extra = data.extras[index]
            let faces = facesOf[extra.image] ?? []
            let focus = extra.box ?? Box(x: 0, y: 0, width: 0, height: 0)
            let scores = "faceScore \(Markup.fixed(extra.faceScore, 3)), maskScore \(Markup.fixed(extra.maskScore, 3))"
            return Item(
                kind: .falseAlarm, image: extra.image, focus: focus,
                caption: "\(Self.overlap(of: focus, with: faces, settings)), called \(extra.call.rawValue) · \(scores)",
                imageWidth: faces.first?.imageWidth, imageHeight: faces.first?.imageHeight)
        }
        items = [
            .missed: worstFirst(missed).map { faceItem($0, .missed) },
            .missedMasked: worstFirst(missedMasked).map { faceItem($0, .missedMasked) },
            .wrongCall: worstFirst(wrong).map { faceItem($0, .wrongCall) },
            .falseAlarm: alarmItems,
        ]
        totals = [
            .missed: missed.count, .missedMasked: missedMasked.count, .wrongCall: wrong.count,
            .falseAlarm: alarms.count,
        ]
        if let baseline = data.baseline {
            // A face whose correctness changed; missed ones first (largest), then by the call's confidence.
            var gained: [(Double, Int)] = []
            var lost: [(Double, Int)] = []
            for (index, face) in data.faces.enumerated() {
                guard face.box != nil, let before = baseline.correct[face.image]?[face.face] else { continue }
                let now = face.call == face.truth
                guard before != now else { continue }
                let key =
                    face.call == nil
                    ? -1e9 - (face.box?.height ?? 0) : -abs((face.maskScore ?? threshold) - threshold)
                if before { gained.append((key, index)) } else { lost.append((key, index)) }
            }
            func changeItem(_ index: Int, _ kind: Kind) -> Item {
                let face = data.faces[index]
                let box = face.box ?? Box(x: 0, y: 0, width: 0, height: 0)
                let call =
                    face.call.map { "called \($0.rawValue) · maskScore \(Markup.fixed(face.maskScore ?? 0, 3))" }
                    ?? "missed"
                let was = kind == .newMistake ? "right in \(baseline.name), now" : "wrong in \(baseline.name), now"
                return Item(
                    kind: kind, image: face.image, focus: face.predicted ?? box,
                    caption: "\(Self.truth(of: face)), \(was) \(call)", imageWidth: face.imageWidth,
                    imageHeight: face.imageHeight)
            }
            items[.newMistake] = worstFirst(gained).map { changeItem($0, .newMistake) }
            items[.fixed] = worstFirst(lost).map { changeItem($0, .fixed) }
            totals[.newMistake] = gained.count
            totals[.fixed] = lost.count
        }

        let shown = Set(items.values.joined().map(\.image))
        var boxes: [String: [DrawnBox]] = [:]
        for face in data.faces where shown.contains(face.image) {
            if let box = face.box { boxes[face.image, default: []].append(DrawnBox(box: box, role: .truth)) }
            if let p = face.predicted, let call = face.call {
                boxes[face.image, default: []].append(
                    DrawnBox(box: p, role: call == .masked ? .calledMasked : .calledUnmasked))
            }
        }
        for extra in data.extras where shown.contains(extra.image) {
            if let box = extra.box {
                boxes[extra.image, default: []].append(
                    DrawnBox(box: box, role: extra.call == .masked ? .calledMasked : .calledUnmasked))
            }
        }
        self.boxes = boxes
    }

    /// A face's class for a caption: as evaluated, and for a face annotated as a mask worn incorrectly, that
    /// and what it counts as (`incorrect (counted unmasked)`).
    static func truth(of face: ReportData.Face) -> String {
        guard face.annotated == .incorrect, face.truth != .incorrect else { return face.truth.rawValue }
        return "incorrect (counted \(face.truth.rawValue))"
    }

    /// What an extra detection at `box` lies on: the face of its image it overlaps most, with that IoU (a
    /// duplicate when the IoU would have matched, the face being taken), or no face.
    static func overlap(of box: Box, with faces: [ReportData.Face], _ settings: EvaluationSettings) -> String {
        let matching = settings.matching
        var best: (iou: Double, face: ReportData.Face)?
        for face in faces {
            guard let truth = face.box else { continue }
            let iou = box.iou(with: truth, pixels: matching.pixels)
            if iou > (best?.iou ?? 0) { best = (iou, face) }
        }
        guard let best else { return "no face" }
        let name = "\(truth(of: best.face)) face \(best.face.face)"
        let iou = "IoU \(Markup.fixed(best.iou, 2))"
        let matches = matching.iouInclusive ? best.iou >= matching.iouThreshold : best.iou > matching.iouThreshold
        if matches { return "duplicate on the \(name) (\(iou), taken by another detection)" }
        return "on the \(name) at \(iou), below \(Markup.coordinate(matching.iouThreshold))"
    }

    /// The region shown around `item`: three times the face's longer side, at least 64 px, centred on the
    /// face and kept inside the image when its size is known.
    static func region(of item: Item) -> Box {
        let side = max(64, 3 * max(item.focus.width, item.focus.height))
        var x = item.focus.x + item.focus.width / 2 - side / 2
        var y = item.focus.y + item.focus.height / 2 - side / 2
        var w = side
        var h = side
        if let width = item.imageWidth.map(Double.init), width > 0 {
            w = min(w, width)
            x = min(max(x, 0), width - w)
        }
        if let height = item.imageHeight.map(Double.init), height > 0 {
            h = min(h, height)
            y = min(max(y, 0), height - h)
        }
        return Box(x: x, y: y, width: w, height: h)
    }
}

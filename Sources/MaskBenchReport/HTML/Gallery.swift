import Foundation
import MaskBenchCore

/// The gallery of mistakes: missed unmasked faces, wrong calls and false alarms, each kind capped and
/// ordered worst first, each with a thumbnail of the image around the face and every box drawn.
struct Gallery: Sendable {
    /// The kinds of mistake, in display order.
    enum Kind: String, Sendable, CaseIterable {
        case missed = "missed-unmasked"
        case wrongCall = "wrong-call"
        case falseAlarm = "false-alarm"
        /// Faces the baseline got right and this run gets wrong (only with a baseline).
        case newMistake = "new-since-baseline"
        /// Faces the baseline got wrong and this run gets right (only with a baseline).
        case fixed = "fixed-since-baseline"

        var title: String {
            switch self {
            case .missed: "Missed unmasked faces"
            case .wrongCall: "Wrong calls"
            case .falseAlarm: "False alarms"
            case .newMistake: "New mistakes since the baseline"
            case .fixed: "Fixed since the baseline"
            }
        }

        /// How "worst first" is decided, for the page.
        var order: String {
            switch self {
            case .missed: "largest faces first"
            case .wrongCall: "most confident first (maskScore furthest from the threshold)"
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
        let threshold = data.document.settings.threshold
        // Rank first by (badness, position), build the captions of the shown items only: a 50k-image run has
        // hundreds of thousands of mistakes.
        var missed: [(Double, Int)] = []
        var wrong: [(Double, Int)] = []
        var alarms: [(Double, Int)] = []
        for (index, face) in data.faces.enumerated() {
            guard let box = face.box else { continue }
            if face.call == nil, face.truth != .masked {
                missed.append((-box.height, index))
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
            let truth = face.truth.rawValue
            let caption =
                kind == .missed
                ? "\(truth), missed · \(Markup.coordinate(box.height)) px high"
                : "\(truth) called \(face.call?.rawValue ?? "") · maskScore \(Markup.fixed(face.maskScore ?? 0, 3))"
            return Item(
                kind: kind, image: face.image, focus: kind == .missed ? box : face.predicted ?? box, caption: caption,
                imageWidth: face.imageWidth, imageHeight: face.imageHeight)
        }
        let alarmIndices = worstFirst(alarms)
        let alarmImages = Set(alarmIndices.map { data.extras[$0].image })
        var sizes: [String: (Int?, Int?)] = [:]
        for face in data.faces where alarmImages.contains(face.image) && sizes[face.image] == nil {
            sizes[face.image] = (face.imageWidth, face.imageHeight)
        }
        let alarmItems = alarmIndices.map { index -> Item in
            let extra = data.extras[index]
            let size = sizes[extra.image] ?? (nil, nil)
            return Item(
                kind: .falseAlarm, image: extra.image, focus: extra.box ?? Box(x: 0, y: 0, width: 0, height: 0),
                caption:
                    "no face, called \(extra.call.rawValue) · faceScore \(Markup.fixed(extra.faceScore, 3)), maskScore \(Markup.fixed(extra.maskScore, 3))",
                imageWidth: size.0, imageHeight: size.1)
        }
        items = [
            .missed: worstFirst(missed).map { faceItem($0, .missed) },
            .wrongCall: worstFirst(wrong).map { faceItem($0, .wrongCall) },
            .falseAlarm: alarmItems,
        ]
        totals = [.missed: missed.count, .wrongCall: wrong.count, .falseAlarm: alarms.count]
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
                    caption: "\(face.truth.rawValue), \(was) \(call)", imageWidth: face.imageWidth,
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

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

        var title: String {
            switch self {
            case .missed: "Missed unmasked faces"
            case .wrongCall: "Wrong calls"
            case .falseAlarm: "False alarms"
            }
        }

        /// How "worst first" is decided, for the page.
        var order: String {
            switch self {
            case .missed: "largest faces first"
            case .wrongCall: "most confident first (maskScore furthest from the threshold)"
            case .falseAlarm: "highest faceScore first"
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
        var missed: [(Double, Int, Item)] = []
        var wrong: [(Double, Int, Item)] = []
        var alarms: [(Double, Int, Item)] = []
        for (index, face) in data.faces.enumerated() {
            guard let box = face.box else { continue }
            let truth = face.truth.rawValue
            if face.call == nil, face.truth != .masked {
                let item = Item(
                    kind: .missed, image: face.image, focus: box,
                    caption: "\(truth), missed · \(Markup.coordinate(box.height)) px high",
                    imageWidth: face.imageWidth, imageHeight: face.imageHeight)
                missed.append((-box.height, index, item))
            } else if let call = face.call, call != face.truth, let score = face.maskScore {
                let item = Item(
                    kind: .wrongCall, image: face.image, focus: face.predicted ?? box,
                    caption: "\(truth) called \(call.rawValue) · maskScore \(Markup.fixed(score, 3))",
                    imageWidth: face.imageWidth, imageHeight: face.imageHeight)
                wrong.append((-abs(score - threshold), index, item))
            }
        }
        var sizes: [String: (Int?, Int?)] = [:]
        for face in data.faces where sizes[face.image] == nil {
            sizes[face.image] = (face.imageWidth, face.imageHeight)
        }
        for (index, extra) in data.extras.enumerated() where extra.call != .masked {
            guard let box = extra.box else { continue }
            let size = sizes[extra.image] ?? (nil, nil)
            let item = Item(
                kind: .falseAlarm, image: extra.image, focus: box,
                caption:
                    "no face, called \(extra.call.rawValue) · faceScore \(Markup.fixed(extra.faceScore, 3)), maskScore \(Markup.fixed(extra.maskScore, 3))",
                imageWidth: size.0, imageHeight: size.1)
            alarms.append((-extra.faceScore, index, item))
        }
        func worstFirst(_ list: [(Double, Int, Item)]) -> [Item] {
            list.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.prefix(cap).map(\.2)
        }
        items = [.missed: worstFirst(missed), .wrongCall: worstFirst(wrong), .falseAlarm: worstFirst(alarms)]
        totals = [.missed: missed.count, .wrongCall: wrong.count, .falseAlarm: alarms.count]

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

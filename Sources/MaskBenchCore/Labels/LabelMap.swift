/// Maps the label spellings found in datasets and predictions to ``FaceClass``.
///
/// Lookup ignores case and treats spaces, hyphens and underscores alike, so `No Mask`, `no-mask` and
/// `no_mask` are one spelling. Entries added with ``setting(_:to:)`` win over the defaults.
public struct LabelMap: Sendable, Hashable {
    private var entries: [String: FaceClass]

    /// The spellings seen in the wild: Kaggle/MakeML (`with_mask`, `without_mask`, `mask_weared_incorrect`),
    /// seed 001 (`masked`, `not_masked`), Roboflow exports (`Mask`, `No Mask`) and MaskBench's own names.
    public static let defaults = LabelMap(entries: [
        "masked": .masked, "with_mask": .masked, "mask": .masked, "face_mask": .masked, "good": .masked,
        "unmasked": .unmasked, "not_masked": .unmasked, "without_mask": .unmasked, "no_mask": .unmasked,
        "nomask": .unmasked, "face_no_mask": .unmasked, "bad": .unmasked, "non_masked": .unmasked,
        "incorrect": .incorrect, "mask_weared_incorrect": .incorrect, "mask_worn_incorrectly": .incorrect,
        "incorrect_mask": .incorrect, "mask_incorrect": .incorrect,
    ])

    public init() { entries = [:] }

    private init(entries: [String: FaceClass]) {
        self.entries = Dictionary(uniqueKeysWithValues: entries.map { (Self.normalize($0.key), $0.value) })
    }

    /// A copy that maps `raw` to `label`.
    public func setting(_ raw: String, to label: FaceClass) -> LabelMap {
        var copy = self
        copy.entries[Self.normalize(raw)] = label
        return copy
    }

    /// The class for `raw`, or `nil` when no entry matches.
    public func label(for raw: String) -> FaceClass? {
        if let hit = entries[raw] { return hit }
        return entries[Self.normalize(raw)]
    }

    /// The spellings this map knows, sorted.
    public var knownSpellings: [String] { entries.keys.sorted() }

    /// The spelling `raw` is looked up as: trimmed, lowercased, spaces and hyphens as underscores (`No Mask` →
    /// `no_mask`).
    public static func normalize(_ raw: String) -> String {
        var out = ""
        out.reserveCapacity(raw.utf8.count)
        for ch in raw.trimmingWhitespace().lowercased() {
            out.append(ch == " " || ch == "-" ? "_" : ch)
        }
        return out
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }),
            let end = lastIndex(where: { !isSpace($0) })
        else { return "" }
        return self[start...end]
    }
}

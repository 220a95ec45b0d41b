/// Maps COCO ids to positions, finding duplicates, without hashing when the ids are compact.
///
/// COCO files number images and annotations from 0 or 1 upwards, so a flat array indexed by
/// `id - minimum` is the usual case (a 325,000-annotation file needs no hash table); sparse ids fall back
/// to a dictionary.
struct COCOIDTable {
    private var minimum = 0
    private var dense: [Int32] = []
    private var sparse: [Int: Int] = [:]
    private let isDense: Bool

    /// Builds the table; `duplicate` receives `(position, firstPosition)` for the first repeated id.
    init(ids: [Int], duplicate: (Int, Int) throws -> Void) rethrows {
        guard let low = ids.min(), let high = ids.max() else {
            isDense = true
            return
        }
        let (span, overflow) = high.subtractingReportingOverflow(low)
        isDense = !overflow && span < 4 * ids.count + 1024 && ids.count < Int(Int32.max)
        if isDense {
            minimum = low
            dense = [Int32](repeating: -1, count: span + 1)
            for (position, id) in ids.enumerated() {
                let slot = id - low
                if dense[slot] >= 0 { try duplicate(position, Int(dense[slot])) }
                dense[slot] = Int32(position)
            }
        } else {
            sparse.reserveCapacity(ids.count)
            for (position, id) in ids.enumerated() {
                if let first = sparse.updateValue(position, forKey: id) { try duplicate(position, first) }
            }
        }
    }

    /// The position of `id`, or `nil`.
    func position(of id: Int) -> Int? {
        if isDense {
            let (slot, overflow) = id.subtractingReportingOverflow(minimum)
            guard !overflow, slot >= 0, slot < dense.count else { return nil }
            let position = dense[slot]
            return position >= 0 ? Int(position) : nil
        }
        return sparse[id]
    }
}

/// The canonical label of a face.
///
/// Datasets spell these many ways; ``LabelMap`` turns their spellings into these three.
public enum FaceClass: String, Sendable, Codable, CaseIterable, Comparable {
    case masked
    case unmasked
    /// A mask worn wrongly (below the nose, on the chin).
    case incorrect

    public static func < (lhs: FaceClass, rhs: FaceClass) -> Bool {
        lhs.index < rhs.index
    }

    /// Position in `[masked, unmasked, incorrect]`, which is also the position in ``IncorrectPolicy/classes``.
    @inlinable
    package var index: Int {
        switch self {
        case .masked: 0
        case .unmasked: 1
        case .incorrect: 2
        }
    }
}

/// What `incorrect` faces count as.
public enum IncorrectPolicy: String, Sendable, Codable, CaseIterable {
    /// Counted as unmasked: the safe default for an alarm system.
    case unmasked
    /// Counted as masked.
    case masked
    /// Kept as a class of its own; confusion matrices become 3×3.
    case `class`

    /// The class a face of label `label` is evaluated as.
    @inlinable
    public func resolve(_ label: FaceClass) -> FaceClass {
        guard label == .incorrect else { return label }
        switch self {
        case .unmasked: return .unmasked
        case .masked: return .masked
        case .class: return .incorrect
        }
    }

    /// The classes an evaluation under this policy reports, in order.
    public var classes: [FaceClass] {
        self == .class ? [.masked, .unmasked, .incorrect] : [.masked, .unmasked]
    }
}

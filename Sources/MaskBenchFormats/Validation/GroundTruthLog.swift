import MaskBenchCore
import MaskBenchFiles

/// What a ground-truth reader noticed while reading: structured findings and plain notes, in order.
///
/// The readers share it so that every format clamps, warns and reports unknown labels the same way, and
/// so that ``GroundTruthValidator`` gets structured findings instead of parsing diagnostic text.
struct GroundTruthLog {
    /// Structured findings, in the order they were noticed.
    private(set) var findings: [ValidationFinding] = []
    /// Everything noticed, findings and notes, as diagnostics in the order noticed.
    private(set) var diagnostics: [Diagnostic] = []

    /// Records a finding.
    mutating func add(_ finding: ValidationFinding) {
        findings.append(finding)
        diagnostics.append(finding.diagnostic)
    }

    /// Records a note that is not a finding about the data (which split was kept, a file not read, ...).
    mutating func note(file: String, line: Int? = nil, _ message: String) {
        diagnostics.append(Diagnostic(.note, file: file, line: line, message))
    }

    // MARK: - Labels

    /// The canonical class for `raw`, through `options.labelMap`.
    ///
    /// - Returns: The class, or `nil` when the label is unknown and `options.collectUnknownLabels` is set (the
    ///   face is then skipped and an ``ValidationFinding/Kind/unknownLabel`` finding recorded).
    /// - Throws: ``FormatError`` at `file:line:column` naming the label and how to map it.
    mutating func label(
        _ raw: String, options: GroundTruthOptions, file: String, line: Int?, column: Int? = nil, image: String?
    ) throws -> FaceClass? {
        if let label = options.labelMap.label(for: raw) { return label }
        let message = "unknown label '\(raw)'"
        let hint = "map it with --label '\(raw)=masked' (or =unmasked, =incorrect)"
        guard options.collectUnknownLabels else {
            throw FormatError(file: file, line: line, column: column, "\(message); \(hint)")
        }
        add(
            ValidationFinding(
                .unknownLabel, file: file, line: line, image: image, message: message,
                action: "face skipped; \(hint)"))
        return nil
    }

    // MARK: - Boxes

    /// `box` clamped to a `width` × `height` image, with a finding when it had to be, and one when the result
    /// has zero area.
    ///
    /// With no size known the box is returned as it is (a zero-area box is still reported). With `clamp` off
    /// (checking what another reader returned) the box is only reported, and returned unchanged.
    mutating func place(
        _ box: Box, imageWidth width: Int?, height: Int?, file: String, line: Int?, image: String, clamp: Bool = true
    ) -> Box {
        var placed = box
        if let width, let height, !box.isInside(width: Double(width), height: Double(height)) {
            let clamped = box.clamped(toWidth: Double(width), height: Double(height))
            if clamp { placed = clamped }
            add(
                ValidationFinding(
                    .boxOutsideImage, file: file, line: line, image: image,
                    message: "box \(Self.corners(box)) of '\(image)' extends past the \(width)×\(height) image",
                    action: clamp
                        ? "clamped to the image: \(Self.corners(clamped))"
                        : "kept as annotated; only \(Self.corners(clamped)) lies inside the image"))
        }
        if placed.width == 0 || placed.height == 0 {
            add(
                ValidationFinding(
                    .zeroAreaBox, file: file, line: line, image: image,
                    message: "box \(Self.corners(placed)) of '\(image)' has zero area",
                    action: "kept; no detection can overlap it, so it counts as a missed face"))
        }
        return placed
    }

    /// Records a finding for every face whose box repeats an earlier box of the same image.
    ///
    /// - Parameter lines: The line of each face, parallel to `faces` (`nil` entries when unknown).
    mutating func checkDuplicates(_ faces: [GroundTruthFace], lines: [Int?], file: String, image: String) {
        var firstLine: [Box: Int?] = [:]
        for (index, face) in faces.enumerated() {
            let line = index < lines.count ? lines[index] : nil
            if let earlier = firstLine[face.box] {
                let whereEarlier = earlier.map { "line \($0)" } ?? "an earlier face"
                add(
                    ValidationFinding(
                        .duplicateBox, file: file, line: line, image: image,
                        message: "box \(Self.corners(face.box)) of '\(image)' repeats the box on \(whereEarlier)",
                        action: "kept twice; one copy can match a detection, the other counts as missed"))
            } else {
                firstLine[face.box] = line
            }
        }
    }

    /// Records a note for an annotated image with no faces.
    mutating func imageWithoutFaces(file: String, line: Int? = nil, image: String) {
        add(
            ValidationFinding(
                .imageWithoutFaces, file: file, line: line, image: image,
                message: "'\(image)' has no faces",
                action: "evaluated as an image with no faces: every detection in it is an extra detection"))
    }

    /// `[minX, minY, maxX, maxY]`, as annotation tools show boxes.
    static func corners(_ box: Box) -> String {
        "[\(number(box.x)), \(number(box.y)), \(number(box.maxX)), \(number(box.maxY))]"
    }

    /// `12` for whole numbers, `12.5` otherwise.
    static func number(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }
}

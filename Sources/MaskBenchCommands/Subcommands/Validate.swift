import ArgumentParser
import Foundation
import MaskBenchCore
import MaskBenchFormats

/// `maskbench validate`: lint a ground truth before evaluating against it.
struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Check a ground truth: missing images, boxes outside the image, zero-area or duplicate boxes, unknown labels, images without faces.",
        discussion: """
            Prints each finding with its place and what evaluate would do about it. Exit 0 when nothing \
            needs attention, 1 when there are warnings, 2 when the file cannot be read at all.
            """
    )

    @OptionGroup var groundTruth: GroundTruthArguments
    @OptionGroup var console: ConsoleOptions

    func run() async throws {
        var clock = console.clock()
        let result = try GroundTruthValidator.validate(path: groundTruth.path, options: try groundTruth.options())
        clock.lap("read and check the ground truth")
        if result.hasWarnings, console.quiet { throw ExitCode(1) }
        guard !console.quiet else { return }
        let dataset = result.dataset
        var regions: [IgnoreRegion: Int] = [:]
        for image in dataset.images {
            for face in image.faces { if let region = face.ignoreRegion { regions[region, default: 0] += 1 } }
        }
        let ignored = regions.values.reduce(0, +)
        let kinds = IgnoreRegion.allCases.compactMap { kind in regions[kind].map { "\($0) \(kind.rawValue)" } }
        printEscaped(
            "\(groundTruth.path): \(result.format.rawValue), \(dataset.images.count) images, "
                + "\(dataset.faceCount - ignored) faces"
                + (ignored == 0
                    ? ""
                    : " and \(ignored) ignore region\(ignored == 1 ? "" : "s") (\(kinds.joined(separator: ", ")); "
                        + "evaluate ignores \(ignored == 1 ? "it" : "them") unless --ignore-regions count)")
        )
        for finding in result.findings {
            printEscaped("\(finding)")
        }
        var counts: [ValidationFinding.Kind: Int] = [:]
        for finding in result.findings { counts[finding.kind, default: 0] += 1 }
        if counts.isEmpty {
            printEscaped("no findings")
        } else {
            let summary = ValidationFinding.Kind.allCases.compactMap { kind in
                counts[kind].map { "\($0) \(kind.rawValue)" }
            }
            printEscaped("findings: " + summary.joined(separator: ", "))
        }
        if result.hasWarnings { throw ExitCode(1) }
    }
}

import Foundation
public import MaskBenchCore
import MaskBenchFiles
import MaskBenchRecords
import Synchronization

/// Writes the human-readable report of an evaluation: `index.html` and `charts/*.svg` beside (or apart
/// from) `metrics.json`, drawn from the files of the report folder only.
public enum ReportWriter {
    /// Mistakes shown per kind in the gallery.
    public static let galleryCap = 60

    /// The names ``render(metricsPath:images:out:thumbnails:allowOutsideRoot:baseline:)`` writes in its
    /// output folder: `index.html` and `charts/`.
    public static let names = ["index.html", "charts"]

    /// After an evaluation has written `metrics.json` and `faces.csv` into `folder`: writes `boxes.csv` and
    /// `extras.csv` beside them, then `index.html` and `charts/*.svg`, drawn from the run in memory (the same
    /// report ``render(metricsPath:images:out:thumbnails:allowOutsideRoot:)`` draws from those files later).
    ///
    /// `allowOutsideRoot` lets thumbnails be cut from images whose names lead out of `images`; `thumbnails`
    /// cuts them (`nil`: boxes on placeholders).
    ///
    /// - Throws: ``MaskBenchFiles/OutputError`` naming the file that could not be written.
    public static func write(
        _ document: MetricsDocument, _ evaluation: Evaluation, dataset: Dataset, predictions: PredictionSet,
        folder: String, images: String?, thumbnails: Thumbnails? = .imaging, allowOutsideRoot: Bool = false
    ) throws {
        // Three independent jobs (on 50k images each takes a few hundred milliseconds): run them side by side.
        let results = Mutex([(any Error)?](repeating: nil, count: 3))
        DispatchQueue.concurrentPerform(iterations: 3) { job in
            do {
                switch job {
                case 0:
                    try BoxTables.writeBoxes(
                        evaluation, dataset: dataset, predictions: predictions, to: folder + "/boxes.csv")
                case 1:
                    try BoxTables.writeExtras(
                        evaluation, dataset: dataset, predictions: predictions, to: folder + "/extras.csv")
                default:
                    let data = ReportData(
                        document: document, evaluation: evaluation, dataset: dataset, predictions: predictions)
                    let files = render(
                        data, images: images ?? document.inputs.images, thumbnails: thumbnails,
                        allowOutsideRoot: allowOutsideRoot)
                    try write(files, to: folder)
                }
            } catch {
                results.withLock { $0[job] = error }
            }
        }
        if let error = results.withLock({ $0.compactMap { $0 }.first }) { throw error }
    }

    /// Re-renders the report of the run whose `metrics.json` is at `metricsPath`, running nothing again.
    ///
    /// - Parameters:
    ///   - images: the image folder for gallery thumbnails; `nil` uses the one the run recorded, if any.
    ///   - out: where to write; `nil` writes beside `metrics.json`.
    ///   - thumbnails: how thumbnails are made; `nil` draws boxes on placeholders.
    ///   - baseline: adds galleries of the faces that changed since this baseline.
    ///   - allowOutsideRoot: whether image names may lead out of `images` (absolute, `..`, symbolic links);
    ///     otherwise such an image gets a placeholder and a note.
    /// - Returns: the paths written.
    /// - Throws: ``MaskBenchFiles/FormatError`` for another `metrics.json` schema version (naming both) or
    ///   missing or malformed tables; ``MaskBenchFiles/OutputError`` for a file that could not be written.
    @discardableResult
    public static func render(
        metricsPath: String, images: String?, out: String? = nil, thumbnails: Thumbnails? = .imaging,
        allowOutsideRoot: Bool = false, baseline: ReportData.BaselineOutcomes? = nil
    ) throws -> [String] {
        var data = try ReportData.load(metricsPath: metricsPath)
        data.baseline = baseline
        let folder = out ?? URL(fileURLWithPath: metricsPath).deletingLastPathComponent().path
        return try write(
            render(
                data, images: images ?? data.document.inputs.images, thumbnails: thumbnails,
                allowOutsideRoot: allowOutsideRoot),
            to: folder)
    }

    /// Writes `files` (relative path, content) into `folder`, each atomically; returns their paths.
    @discardableResult
    static func write(_ files: [(String, String)], to folder: String) throws -> [String] {
        try AtomicFile.makeDirectory(folder)
        try AtomicFile.makeSubdirectory("charts", in: folder)
        var written: [String] = []
        for (name, text) in files {
            let path = folder + "/" + name
            try AtomicFile.write(Data(text.utf8), to: path)
            written.append(path)
        }
        return written
    }

    /// The report's files as (relative path, content), in a fixed order: the charts, then `index.html`.
    public static func render(
        _ data: ReportData, images: String?, thumbnails: Thumbnails?, allowOutsideRoot: Bool = false
    ) -> [(String, String)] {
        let charts = ReportCharts.all(data)
        let gallery = Gallery(data, cap: galleryCap)
        let html = HTMLReport(
            data: data, charts: charts, gallery: gallery, images: images, thumbnails: thumbnails,
            allowOutsideRoot: allowOutsideRoot)
        return charts.map { ("charts/" + $0.name, $0.svg) } + [("index.html", html.render())]
    }
}

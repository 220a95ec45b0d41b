import Foundation
public import MaskBenchCore

/// Writes the human-readable report of an evaluation: `index.html` and `charts/*.svg` beside (or apart
/// from) `metrics.json`, drawn from the files of the report folder only.
public enum ReportWriter {
    /// Mistakes shown per kind in the gallery.
    public static let galleryCap = 60

    /// After an evaluation has written `metrics.json` and `faces.csv` into `folder`: writes `boxes.csv` and
    /// `extras.csv` beside them, then `index.html` and `charts/*.svg` (see ``render(metricsPath:images:out:thumbnails:)``).
    ///
    /// - Throws: ``ReportError`` naming the file that could not be read or written.
    public static func write(
        _ evaluation: Evaluation, dataset: Dataset, predictions: PredictionSet, folder: String, images: String?
    ) throws {
        try BoxTables.write(evaluation, dataset: dataset, predictions: predictions, folder: folder)
        try render(metricsPath: folder + "/metrics.json", images: images)
    }

    /// Re-renders the report of the run whose `metrics.json` is at `metricsPath`, running nothing again.
    ///
    /// - Parameters:
    ///   - images: the image folder for gallery thumbnails; `nil` uses the one the run recorded, if any.
    ///   - out: where to write; `nil` writes beside `metrics.json`.
    ///   - thumbnails: how thumbnails are made; `nil` draws boxes on placeholders.
    /// - Returns: the paths written.
    /// - Throws: ``ReportError``: another `metrics.json` schema version (naming both), missing or malformed
    ///   tables, or a file that could not be written.
    @discardableResult
    public static func render(
        metricsPath: String, images: String?, out: String? = nil, thumbnails: Thumbnails? = .imaging
    ) throws -> [String] {
        let data = try ReportData.load(metricsPath: metricsPath)
        let folder = out ?? URL(fileURLWithPath: metricsPath).deletingLastPathComponent().path
        let files = render(data, images: images ?? data.document.inputs.images, thumbnails: thumbnails)
        try AtomicFile.makeDirectory(folder + "/charts")
        var written: [String] = []
        for (name, text) in files {
            let path = folder + "/" + name
            try AtomicFile.write(Data(text.utf8), to: path)
            written.append(path)
        }
        return written
    }

    /// The report's files as (relative path, content), in a fixed order: the charts, then `index.html`.
    public static func render(_ data: ReportData, images: String?, thumbnails: Thumbnails?) -> [(String, String)] {
        let charts = ReportCharts.all(data)
        let gallery = Gallery(data, cap: galleryCap)
        let html = HTMLReport(data: data, charts: charts, gallery: gallery, images: images, thumbnails: thumbnails)
        return charts.map { ("charts/" + $0.name, $0.svg) } + [("index.html", html.render())]
    }
}

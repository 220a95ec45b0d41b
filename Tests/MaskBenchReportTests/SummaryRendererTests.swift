import MaskBenchCore
import MaskBenchRecords
import MaskBenchReport
import Testing

/// `summary.md` and the console table carry the classifier's numbers on ground-truth crops when the run
/// measured them, as the report does.
@Suite struct SummaryRendererTests {
    @Test(arguments: [SummaryRenderer.Style.markdown, .text])
    func groundTruthCropsAppearWhenTheRunClassifiedThem(style: SummaryRenderer.Style) throws {
        let data = try ReportData.load(metricsPath: try ReportFixture.writeRun())
        let text = SummaryRenderer(style: style).render(data.document)
        let title = style == .markdown ? "## Classifier on ground-truth crops\n" : "Classifier on ground-truth crops\n"
        #expect(text.contains(title))
        #expect(text.contains("accuracy 85.0% (17/20)"))
        #expect(text.contains("AUC 0.813 (0.600 – 0.950)"))
        var without = data.document
        without.classifier.groundTruthCrops = nil
        #expect(!SummaryRenderer(style: style).render(without).contains("ground-truth crops"))
    }
}

import Testing

@Suite struct MaskBenchCoreTestsPlaceholder {}

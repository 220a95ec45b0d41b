import Testing

@Suite struct MaskBenchFormatsTestsPlaceholder {}

import Testing

@Suite struct MaskBenchCLITestsPlaceholder {}

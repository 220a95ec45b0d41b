import Testing

@Suite struct GatePlaceholderTests {}

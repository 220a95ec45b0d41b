public enum MaskBenchTestSupport {}

import MaskBenchFiles

/// Failures and pauses injected into a command, for tests that check how MaskBench behaves when it fails or is
/// killed at a given point: the test-only `maskbench-fault-harness` passes them to
/// ``MaskBenchProgram/main(faults:)``. The shipped `maskbench` injects none, and reads no variable to do so.
package struct FaultInjection: Sendable {
    /// Called after the command line is parsed, before the command runs; what it throws is handled as the
    /// command's own error.
    package var beforeCommand: @Sendable () throws -> Void
    /// Called at each step of writing a set of outputs (``MaskBenchFiles/OutputFolder/replaceSet(of:_:)``);
    /// what it throws fails the command there, and it may also never return.
    package var outputStep: @Sendable (OutputFolder.Step) throws -> Void

    /// Faults at these points.
    package init(
        beforeCommand: @escaping @Sendable () throws -> Void = {},
        outputStep: @escaping @Sendable (OutputFolder.Step) throws -> Void = { _ in }
    ) {
        self.beforeCommand = beforeCommand
        self.outputStep = outputStep
    }

    /// The faults of the running command line, set by ``MaskBenchProgram/main(faults:)``.
    @TaskLocal static var current: FaultInjection?
}

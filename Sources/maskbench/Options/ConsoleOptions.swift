import ArgumentParser

/// What a command prints on the terminal, the same flags for every command: `--quiet` and `--timings`.
struct ConsoleOptions: ParsableArguments {
    @Flag(help: "Print nothing but errors (sweep still prints the points its targets chose).")
    var quiet = false

    @Flag(help: "Print how long each phase took, on standard error.")
    var timings = false

    /// A clock that laps phases when `--timings` is given.
    func clock() -> PhaseClock { PhaseClock(enabled: timings) }
}

/// Where a command writes its outputs: `--out`, for every command that writes a folder.
struct OutputFolderOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Output folder (default: Reports/latest; for `report`, the folder of --metrics).", valueName: "DIR"))
    var out: String?

    /// The folder `--out` names, or `fallback`.
    func folder(default fallback: String = "Reports/latest") -> String { out ?? fallback }
}

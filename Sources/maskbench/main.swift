import MaskBenchCommands

await MaskBenchProgram.main()

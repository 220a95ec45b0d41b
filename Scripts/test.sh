#!/usr/bin/env bash
# The test command of the README and of CI: format lint, a warnings-as-errors build, then swift test in
# debug, the Slurm path end to end (Scripts/test-slurm.sh), the README's "Gate your own model" walkthrough
# (Scripts/test-gate-own-model.sh, about 2 min) and swift test in release (interop bugs often show
# only optimised). Tests that need ../shared skip with a message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
swift format lint --strict --recursive Sources Tests Package.swift Benchmarks/Package.swift Benchmarks/Sources \
    Fuzz/Package.swift Fuzz/Sources
swift build --build-tests -Xswiftc -warnings-as-errors
swift test --skip-build
# Before the release tests, whose -enable-testing build replaces the release binary these checks run.
Scripts/test-slurm.sh
Scripts/test-gate-own-model.sh
swift test -c release -Xswiftc -enable-testing

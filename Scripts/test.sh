#!/usr/bin/env bash
# The test command of the README and of CI: format lint, a warnings-as-errors build, then swift test in
# debug and in release (interop bugs often show only optimised). Tests that need ../shared skip with a
# message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
swift format lint --strict --recursive Sources Tests Package.swift Benchmarks/Package.swift Benchmarks/Sources \
    Fuzz/Package.swift Fuzz/Sources
swift build --build-tests -Xswiftc -warnings-as-errors
swift test --skip-build
swift test -c release -Xswiftc -enable-testing

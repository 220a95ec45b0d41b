// swift-tools-version:6.0
// Speed comparisons with the tools users would otherwise run; not tests. See Benchmarks/README.md.
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name, which is the checkout's name.
let parent = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "MaskBenchBenchmarks",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "roc-bench",
            dependencies: [.product(name: "MaskBenchCore", package: parent.lastPathComponent)]
        )
    ]
)

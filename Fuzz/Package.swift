// swift-tools-version:6.0
// libFuzzer targets for every reader; built only by Fuzz/run.sh (with -sanitize=fuzzer,address), never by
// `swift build` of the main package. See Fuzz/README.md.
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name, which is the checkout's name.
let parent = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "MaskBenchFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "CFuzzerDriver"),
        .executableTarget(
            name: "maskbench-fuzz",
            dependencies: [
                "CFuzzerDriver",
                .product(name: "MaskBenchCore", package: parent.lastPathComponent),
                .product(name: "MaskBenchFormats", package: parent.lastPathComponent),
                .product(name: "MaskBenchGate", package: parent.lastPathComponent),
                .product(name: "MaskBenchImaging", package: parent.lastPathComponent),
                .product(name: "MaskBenchRecords", package: parent.lastPathComponent),
            ]
        ),
    ]
)

// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "MaskBench",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "maskbench", targets: ["maskbench"]),
        .library(name: "MaskBenchCore", targets: ["MaskBenchCore"]),
        .library(name: "MaskBenchFormats", targets: ["MaskBenchFormats"]),
        .library(name: "MaskBenchReport", targets: ["MaskBenchReport"]),
        .library(name: "MaskBenchGate", targets: ["MaskBenchGate"]),
        .library(name: "MaskBenchImaging", targets: ["MaskBenchImaging"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
    ],
    targets: [
        // MARK: - C system libraries (Debian packages)
        .systemLibrary(name: "CMaskBenchCSV", providers: [.apt(["libcsv-dev"])]),
        .systemLibrary(name: "CMaskBenchPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(
            name: "CMaskBenchTurboJPEG",
            pkgConfig: "libturbojpeg",
            providers: [.apt(["libturbojpeg0-dev"])]
        ),
        // libpng's classic API configured as OpenCV's PNG decoder; the setjmp for libpng's longjmp lives in C.
        // libpng for every PNG, libdeflate for the faster route of plain RGB/RGBA files (decode.c).
        .target(
            name: "CMaskBenchPNGDecode",
            dependencies: ["CMaskBenchPNG"],
            linkerSettings: [.linkedLibrary("deflate")]
        ),
        // A plain C API over simdjson (C++); Foundation's decoder takes ~5 s on a 40 MB COCO file.
        .target(
            name: "CMaskBenchJSON",
            cxxSettings: [.unsafeFlags(["-O3", "-std=c++17"])],
            linkerSettings: [.linkedLibrary("simdjson")]
        ),

        // glibc's malloc settings (mallopt), which Swift cannot call: <malloc.h> is not in Glibc's module map.
        .target(name: "CMaskBenchAllocator"),

        .systemLibrary(name: "CMaskBenchHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        // A plain C API over OpenCV's DNN module, the Keras HDF5 importer and the detectors (C++).
        // libopencv-dnn-dev ships no opencv4.pc, hence the include path.
        .target(
            name: "CMaskBenchDNN",
            dependencies: ["CMaskBenchHDF5"],
            cxxSettings: [.unsafeFlags(["-O2", "-std=c++17", "-I/usr/include/opencv4"])],
            linkerSettings: [
                .linkedLibrary("opencv_dnn"), .linkedLibrary("opencv_objdetect"), .linkedLibrary("opencv_imgproc"),
                .linkedLibrary("opencv_core"), .linkedLibrary("simdjson"),
            ]
        ),

        // MARK: - Libraries
        .target(name: "MaskBenchCore"),
        .target(
            name: "MaskBenchImaging",
            dependencies: ["CMaskBenchPNG", "CMaskBenchPNGDecode", "CMaskBenchTurboJPEG"]
        ),
        .target(
            name: "MaskBenchFormats",
            dependencies: ["MaskBenchCore", "MaskBenchImaging", "CMaskBenchCSV", "CMaskBenchJSON"]
        ),
        .target(
            name: "MaskBenchReport",
            dependencies: [
                "MaskBenchCore", "MaskBenchFormats", "MaskBenchImaging",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "MaskBenchGate",
            dependencies: ["MaskBenchCore", "MaskBenchFormats", "MaskBenchReport", "Yams"]
        ),
        .target(
            name: "MaskBenchInference",
            dependencies: [
                "MaskBenchCore", "MaskBenchImaging", "CMaskBenchDNN", "Yams",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "maskbench",
            dependencies: [
                "MaskBenchCore", "MaskBenchFormats", "MaskBenchReport", "MaskBenchGate", "MaskBenchInference",
                "MaskBenchImaging", "CMaskBenchAllocator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: - Tests
        .target(name: "MaskBenchTestSupport", dependencies: ["MaskBenchCore"], path: "Sources/MaskBenchTestSupport"),
        .testTarget(
            name: "MaskBenchCoreTests",
            dependencies: ["MaskBenchCore", "MaskBenchTestSupport"],
            exclude: ["Vectors"]
        ),
        .testTarget(
            name: "MaskBenchFormatsTests",
            dependencies: ["MaskBenchCore", "MaskBenchFormats", "MaskBenchImaging", "MaskBenchTestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "MaskBenchImagingTests",
            dependencies: [
                "MaskBenchCore", "MaskBenchImaging", "MaskBenchTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Fixtures", "Vectors"]
        ),
        .testTarget(
            name: "MaskBenchGateTests",
            dependencies: ["MaskBenchCore", "MaskBenchGate", "MaskBenchReport", "MaskBenchTestSupport"],
            exclude: ["Vectors"]
        ),
        .testTarget(
            name: "MaskBenchInferenceTests",
            dependencies: [
                "MaskBenchCore", "MaskBenchImaging", "MaskBenchInference", "MaskBenchTestSupport", "CMaskBenchPNG",
                "CMaskBenchDNN",
            ],
            exclude: ["Workers", "Fixtures"]
        ),
        .testTarget(
            name: "MaskBenchReportTests",
            dependencies: ["MaskBenchCore", "MaskBenchReport", "MaskBenchTestSupport"],
            exclude: ["Snapshots"]
        ),
        .testTarget(
            name: "MaskBenchCLITests",
            dependencies: ["MaskBenchCore", "MaskBenchFormats", "MaskBenchReport", "MaskBenchTestSupport"],
            exclude: ["Fixtures", "Snapshots"]
        ),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}

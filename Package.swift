// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "MaskBench",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "maskbench", targets: ["maskbench"]),
        .library(name: "MaskBenchCore", targets: ["MaskBenchCore"]),
        .library(name: "MaskBenchFiles", targets: ["MaskBenchFiles"]),
        .library(name: "MaskBenchFormats", targets: ["MaskBenchFormats"]),
        .library(name: "MaskBenchRecords", targets: ["MaskBenchRecords"]),
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
        // A plain C API over OpenCV's DNN module, the Keras HDF5 importer and the detectors (C++); oneDNN runs
        // res10's convolutions.
        // libopencv-dnn-dev ships no opencv4.pc, hence the include path.
        .target(
            name: "CMaskBenchDNN",
            dependencies: ["CMaskBenchHDF5"],
            cxxSettings: [.unsafeFlags(["-O2", "-std=c++17", "-I/usr/include/opencv4"])],
            linkerSettings: [
                .linkedLibrary("opencv_dnn"), .linkedLibrary("opencv_objdetect"), .linkedLibrary("opencv_imgproc"),
                .linkedLibrary("opencv_core"), .linkedLibrary("simdjson"), .linkedLibrary("dnnl"),
                // onednn_convolution.cpp sets libgomp's thread count, the OpenMP runtime Debian's oneDNN runs on.
                .linkedLibrary("gomp"),
            ]
        ),

        // Checks of CMaskBenchDNN's own layers against OpenCV's (its internal header), for tests only.
        .target(
            name: "CMaskBenchDNNTestSupport",
            dependencies: ["CMaskBenchDNN"],
            cxxSettings: [
                .headerSearchPath("../CMaskBenchDNN"), .unsafeFlags(["-std=c++17", "-I/usr/include/opencv4"]),
            ]
        ),

        // MARK: - Libraries
        .target(name: "MaskBenchCore"),
        // Files in and out: input files read within limits, CSV through libcsv, atomic writes.
        .target(name: "MaskBenchFiles", dependencies: ["MaskBenchCore", "CMaskBenchCSV"]),
        .target(
            name: "MaskBenchImaging",
            dependencies: ["MaskBenchCore", "CMaskBenchPNG", "CMaskBenchPNGDecode", "CMaskBenchTurboJPEG"]
        ),
        .target(
            name: "MaskBenchFormats",
            dependencies: ["MaskBenchCore", "MaskBenchFiles", "MaskBenchImaging", "CMaskBenchJSON"]
        ),
        // The records runs write and gates read: metrics.json, faces.csv, boxes.csv, extras.csv, baselines.
        .target(name: "MaskBenchRecords", dependencies: ["MaskBenchCore", "MaskBenchFiles"]),
        .target(
            name: "MaskBenchReport",
            dependencies: [
                "MaskBenchCore", "MaskBenchFiles", "MaskBenchRecords", "MaskBenchImaging",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "MaskBenchGate",
            dependencies: ["MaskBenchCore", "MaskBenchFiles", "MaskBenchRecords", "Yams"]
        ),
        .target(
            name: "MaskBenchInference",
            dependencies: [
                "MaskBenchCore", "MaskBenchImaging", "CMaskBenchDNN", "Yams",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The commands; a library so that the test-only fault harness runs the same entry point.
        .target(
            name: "MaskBenchCommands",
            dependencies: [
                "MaskBenchCore", "MaskBenchFiles", "MaskBenchFormats", "MaskBenchRecords", "MaskBenchReport",
                "MaskBenchGate", "MaskBenchInference", "MaskBenchImaging", "CMaskBenchAllocator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "maskbench", dependencies: ["MaskBenchCommands"]),

        // MARK: - Tests
        // `maskbench` with MASKBENCH_INJECT_FAULT read, for the CLI tests that fail or kill a command mid-way.
        .executableTarget(
            name: "maskbench-fault-harness", dependencies: ["MaskBenchCommands", "MaskBenchFiles"]
        ),
        .target(
            name: "MaskBenchTestSupport",
            dependencies: ["MaskBenchCore", "MaskBenchRecords"],
            path: "Sources/MaskBenchTestSupport"
        ),
        .testTarget(
            name: "MaskBenchCoreTests",
            dependencies: ["MaskBenchCore", "MaskBenchTestSupport"],
            exclude: ["Vectors"]
        ),
        .testTarget(
            name: "MaskBenchFormatsTests",
            dependencies: [
                "MaskBenchCore", "MaskBenchFiles", "MaskBenchFormats", "MaskBenchImaging", "MaskBenchTestSupport",
            ],
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
            name: "MaskBenchRecordsTests",
            dependencies: ["MaskBenchCore", "MaskBenchFiles", "MaskBenchRecords", "MaskBenchTestSupport"]
        ),
        .testTarget(
            name: "MaskBenchGateTests",
            dependencies: [
                "MaskBenchCore", "MaskBenchFiles", "MaskBenchRecords", "MaskBenchGate", "MaskBenchTestSupport",
            ],
            exclude: ["Vectors"]
        ),
        .testTarget(
            name: "MaskBenchInferenceTests",
            dependencies: [
                "MaskBenchCore", "MaskBenchImaging", "MaskBenchInference", "MaskBenchTestSupport", "CMaskBenchPNG",
                "CMaskBenchDNNTestSupport", "Yams",
            ],
            exclude: ["Workers", "Fixtures", "Vectors"]
        ),
        .testTarget(
            name: "MaskBenchReportTests",
            dependencies: [
                "MaskBenchCore", "MaskBenchFiles", "MaskBenchImaging", "MaskBenchRecords", "MaskBenchReport",
                "MaskBenchTestSupport",
            ],
            exclude: ["Snapshots"]
        ),
        .testTarget(
            name: "MaskBenchCLITests",
            dependencies: [
                "MaskBenchCore", "MaskBenchFiles", "MaskBenchFormats", "MaskBenchRecords", "MaskBenchReport",
                "MaskBenchTestSupport",
            ],
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

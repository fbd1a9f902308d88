// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Rectifier",
    products: [
        .library(name: "Rectifier", targets: ["Rectifier"]),
        .executable(name: "rectifier", targets: ["rectifier"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Sweep files.
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // Hot numeric kernels (GEMM micro-kernels, sparse row kernels). C, because Swift cannot
        // compile one function for AVX-512 or AVX2+FMA and pick it at run time; see Sources/CKernels/README.md.
        .target(name: "CKernels", exclude: ["README.md"]),
        // The system zlib, for gzip-compressed IDX files.
        .systemLibrary(name: "CZlib"),
        .target(
            name: "Rectifier",
            dependencies: [
                "CKernels", "CZlib",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            resources: [.copy("Resources/mnist-demo")]
        ),
        .executableTarget(
            name: "rectifier",
            dependencies: [
                "Rectifier",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "RectifierTests",
            dependencies: ["Rectifier", "CKernels"]
        ),
    ]
)

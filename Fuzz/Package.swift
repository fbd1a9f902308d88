// swift-tools-version: 6.1
// libFuzzer harnesses for Rectifier's file readers. Built and run by ../scripts/fuzz.sh:
//   swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --product FuzzIDX
import Foundation
import PackageDescription

// A path dependency is known by its directory's name, whatever the checkout is called.
let rectifier = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent
let library = Target.Dependency.product(name: "Rectifier", package: rectifier)

let package = Package(
    name: "RectifierFuzz",
    dependencies: [.package(path: "..")],
    targets: ["FuzzIDX", "FuzzSafeTensors", "FuzzCheckpoint", "FuzzProcessedACL", "FuzzReviews", "FuzzCSV", "FuzzSVMLight",
              "FuzzVocabulary", "FuzzCIFAR", "FuzzBinaryMatrix", "FuzzTar", "FuzzEMNISTMapping", "FuzzSeeds"].map {
        .executableTarget(name: $0, dependencies: [library])
    }
)

// swift-tools-version: 6.1
// libFuzzer harnesses for Rectifier's file readers. Built and run by ../scripts/fuzz.sh:
//   swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --product RectifierFuzz
import Foundation
import PackageDescription

// A path dependency is known by its directory's name, whatever the checkout is called.
let rectifier = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent
let library = Target.Dependency.product(name: "Rectifier", package: rectifier)

let package = Package(
    name: "RectifierFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        // Every reader's harness behind one libFuzzer driver (RectifierFuzz READER ...).
        .executableTarget(name: "RectifierFuzz", dependencies: [library]),
        // Writes the seed corpora.
        .executableTarget(name: "FuzzSeeds", dependencies: [library]),
    ]
)

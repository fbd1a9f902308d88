import Foundation
import Rectifier
import Testing

@Suite struct SafeTensorsTests {
    @Test func roundTripWithMetadata() throws {
        let file = SafeTensors(tensors: ["a": .init(shape: [2, 3], values: [1, 2, 3, 4, 5, -6.5]),
                                         "b.bias": .init(shape: [1], values: [.pi])],
                               metadata: ["note": "quote \" and\nnewline"])
        let bytes = file.encoded()
        #expect(try SafeTensors.parse(bytes, path: "x") == file)
        // header length is little-endian and the data starts 8-aligned
        let n = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(n % 8 == 0 && bytes.count == 8 + n + 7 * 4)
    }

    /// A file written by hand exactly as the safetensors specification (and the Python
    /// package) lays it out.
    @Test func readsAHandWrittenFile() throws {
        let header = #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes += $0 }
        bytes += Array(header.utf8)
        for v: Float in [1.5, -2] { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
        let file = try SafeTensors.parse(bytes, path: "hand")
        #expect(file.tensors["w"]?.values == [1.5, -2])
    }

    func expectRefused(_ bytes: [UInt8], containing fragment: String) {
        do {
            _ = try SafeTensors.parse(bytes, path: "bad.safetensors")
            Issue.record("accepted a malformed file (\(fragment))")
        } catch let e as FileError {
            #expect(e.path == "bad.safetensors")
            #expect(e.problem.contains(fragment), "\(e.problem)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    func file(header: String, data: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes += $0 }
        return bytes + Array(header.utf8) + data
    }

    @Test func malformedFilesAreRefused() {
        expectRefused([1, 2, 3], containing: "truncated")
        expectRefused([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0], containing: "header")
        expectRefused([100, 0, 0, 0, 0, 0, 0, 0] + Array("{}".utf8), containing: "truncated")
        expectRefused(file(header: "not json", data: []), containing: "JSON")
        expectRefused(file(header: #"{"w":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}"#, data: [0, 0]), containing: "F16")
        expectRefused(file(header: #"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)),
                      containing: "needs 12 bytes")
        expectRefused(file(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [0, 0, 0]), containing: "outside")
        expectRefused(file(header: #"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#, data: []), containing: "shape")
        expectRefused(file(header: #"{"w":{"dtype":"F32"}}"#, data: []), containing: "lacks")
        expectRefused(file(header: #"[1,2]"#, data: []), containing: "object")
    }

    /// The data area is tiled exactly by the tensors' byte ranges, and no key is given twice
    /// (JSONSerialization kept one of two silently, so a file could read as another file).
    @Test func rangesTileTheDataAndKeysAreUnique() throws {
        let eight = [UInt8](repeating: 0, count: 8)
        let w = #""w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#
        expectRefused(file(header: "{\(w),\"v\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", data: eight), containing: "overlaps")
        expectRefused(file(header: "{\(w),\"v\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", data: eight), containing: "overlaps")
        expectRefused(file(header: "{\(w)}", data: eight + [1, 2, 3, 4]), containing: "4 bytes after the last tensor")
        expectRefused(file(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: eight), containing: "bytes 0-4")
        expectRefused(file(header: "{}", data: [0]), containing: "1 byte after the last tensor")
        expectRefused(file(header: "{\(w),\(w)}", data: eight), containing: #"key "w" appears twice"#)
        // The same key written with an escape is the same key.
        expectRefused(file(header: "{\(w),\(w.replacingOccurrences(of: "\"w\"", with: #""\u0077""#))}", data: eight),
                      containing: #"key "w" appears twice"#)
        expectRefused(file(header: #"{"w":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: eight),
                      containing: #"key "dtype" appears twice"#)
        expectRefused(file(header: #"{"__metadata__":{"a":"1","a":"2"}}"#, data: []), containing: #"key "a" appears twice"#)
        expectRefused(file(header: #"{"w":"# + String(repeating: "[", count: 100_000), data: []), containing: "nested deeper")
        expectRefused(file(header: #"{"w":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}"#, data: eight), containing: "invalid shape")
        expectRefused(file(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8,9]}}"#, data: eight), containing: "data_offsets")
        // A name with an escape sequence in it is shown escaped, and a huge shape is not listed whole.
        let bad = #"{"\u001b[2Jx":{"dtype":"F32","shape":["# + Array(repeating: "7", count: 100_000).joined(separator: ",") + #"],"data_offsets":[0,8]}}"#
        do {
            _ = try SafeTensors.parse(file(header: bad, data: eight), path: "x")
            Issue.record("accepted")
        } catch let e as FileError {
            #expect(e.problem.contains(#"tensor "\u{1B}[2Jx""#) && e.problem.count < 300, "\(e.problem.prefix(400))")
        }
        // Tensors may come in any order, zero-sized ones anywhere; padding after the header is white space.
        let ok = #"{"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},"# +
            #""a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"__metadata__":{"k":"\n"}}    "#
        let parsed = try SafeTensors.parse(file(header: ok, data: eight), path: "ok")
        #expect(parsed.tensors.keys.sorted() == ["a", "b", "e"] && parsed.metadata == ["k": "\n"])
    }

    @Test func networkRoundTripAndTorchLayout() throws {
        var rng = RandomSource(seed: 9)
        let arch = Architecture(inputSize: 5, hiddenSizes: [4, 3], classes: 2, activation: .softplus, signTrick: true)
        let net = Network(arch, rng: &rng)
        let path = TestSupport.temporaryDirectory() + "/model.safetensors"
        try net.save(to: path, metadata: ["seed": "9"])
        let (loaded, meta) = try Network.load(from: path)
        #expect(loaded == net)
        #expect(loaded.architecture == arch)
        #expect(meta["seed"] == "9")
        // PyTorch nn.Linear layout: weight is [out, in], element (o, i) = our W[i, o]
        let raw = try SafeTensors.read(path)
        #expect(raw.tensors["layers.0.weight"]?.shape == [4, 5])
        #expect(raw.tensors["layers.0.weight"]?.values[1 * 5 + 3] == net.layers[0].weights[3, 1])
        #expect(raw.tensors["layers.1.signs"]?.values == net.layers[1].signs)
    }

    @Test func foreignOrMismatchedModelsAreRefused() throws {
        let dir = TestSupport.temporaryDirectory()
        let foreign = SafeTensors(tensors: ["x": .init(shape: [1], values: [0])])
        try foreign.write(to: dir + "/foreign.safetensors")
        #expect(throws: FileError.self) { try Network.load(from: dir + "/foreign.safetensors") }
        var rng = RandomSource(seed: 1)
        var file = Network(Architecture(inputSize: 3, hiddenSizes: [2], classes: 2, activation: .tanh), rng: &rng).safeTensors()
        file.tensors["layers.0.weight"] = .init(shape: [3, 3], values: [Float](repeating: 0, count: 9))
        try file.write(to: dir + "/bad-shape.safetensors")
        do {
            _ = try Network.load(from: dir + "/bad-shape.safetensors")
            Issue.record("accepted a wrong shape")
        } catch let e as FileError {
            #expect(e.problem.contains("shape"))
        }
        file.tensors["layers.0.weight"] = .init(shape: [2, 3], values: [0, 1, .nan, 0, 0, 0])
        try file.write(to: dir + "/nan.safetensors")
        #expect(throws: FileError.self) { try Network.load(from: dir + "/nan.safetensors") }
    }
}

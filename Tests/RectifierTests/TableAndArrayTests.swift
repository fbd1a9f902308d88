import Foundation
import Rectifier
import Testing

/// Tables of numbers (CSV, TSV) and NumPy arrays: the readers on files written in the real
/// formats, and the standardisation fitted on the training part.
@Suite struct TableAndArrayTests {
    @Test func aTableWithAHeaderAndTheLabelLast() throws {
        let path = writeTextFile("\u{FEFF}\"sepal length\",width,species\r\n5.1,3.5,setosa\r\n\n4.9,3.0,\"virginica\"\r\n6,-1e-2,setosa\n", "t.csv")
        let table = try NumericTable.read(path)
        #expect(table.columns == ["sepal length", "width", "species"] && table.labelColumn == 2)
        #expect(table.featureNames == ["sepal length", "width"])
        #expect(table.features == Matrix(rows: 3, columns: 2, storage: [5.1, 3.5, 4.9, 3.0, 6, -0.01]))
        #expect(table.labels == ["setosa", "virginica", "setosa"])
        // Any other label column leaves the text column as a feature: an error naming the cell.
        expectFileError(path, containing: "line 2, column 3 (species): «setosa» is not a finite number") {
            _ = try NumericTable.read(path, label: "sepal length")
        }
    }

    @Test func labelColumnsByNameIndexAndHeaderDetection() throws {
        let path = writeTextFile("a,b,c\n1,2,3\n4,5,6\n", "h.csv")
        let byName = try NumericTable.read(path, label: "b")
        #expect(byName.featureNames == ["a", "c"] && byName.labels == ["2", "5"] && byName.features.storage == [1, 3, 4, 6])
        // Without a header the columns are numbered and the label is the last unless told.
        let plain = try NumericTable.read(writeTextFile("1,2,0\n3,4,1\n", "p.csv"))
        #expect(plain.columns == ["0", "1", "2"] && plain.labels == ["0", "1"] && plain.features.storage == [1, 2, 3, 4])
        let first = try NumericTable.read(writeTextFile("0,1,2\n1,3,4\n", "f.csv"), label: "0")
        #expect(first.labels == ["0", "1"] && first.features.storage == [1, 2, 3, 4])
        let last = try NumericTable.read(writeTextFile("1\t2\t0\n3\t4\t1\n", "t.tsv"), label: "-1")
        #expect(last.labels == ["0", "1"] && last.features.storage == [1, 2, 3, 4])
    }

    @Test func gzipTablesAreRead() throws {
        let dir = TestSupport.temporaryDirectory()
        let path = FormatTestSupport.write(Gzip.compress(Array("x,y,label\n1,2,a\n3,4,b\n".utf8)), "t.csv.gz", in: dir)
        #expect(try NumericTable.read(path).features.storage == [1, 2, 3, 4])
    }

    /// A missing or non-numeric cell names the line and the column; skipped and counted on request.
    @Test func badCellsNameTheirLineAndColumn() throws {
        let path = writeTextFile("a,b,label\n1,2,x\n3,,y\n5,six,x\n7,8\n9,10,\n11,12,x\n", "bad.csv")
        expectFileError(path, containing: "line 3, column 2 (b): an empty cell") { _ = try NumericTable.read(path) }
        let skipped = try NumericTable.read(path, badLines: .skip)
        #expect(skipped.labels == ["x", "x"] && skipped.skipped.count == 4)
        #expect(skipped.skipped.examples.map(\.problem).contains { $0.contains("line 4, column 2 (b): «six» is not a finite number") })
        #expect(skipped.skipped.examples.map(\.problem).contains { $0.contains("line 5: 2 fields, the first row has 3") })
        #expect(skipped.skipped.examples.map(\.problem).contains { $0.contains("line 6: the label cell is empty") })
        expectFileError(path, containing: "no label column \"nope\"") { _ = try NumericTable.read(path, label: "nope") }
        let one = writeTextFile("1\n2\n", "one.csv")
        expectFileError(one, containing: "one column") { _ = try NumericTable.read(one) }
        let empty = writeTextFile("a,b\n", "empty.csv")
        expectFileError(empty, containing: "no data rows") { _ = try NumericTable.read(empty) }
    }

    /// A header of a million columns gives an error message of a few lines, not megabytes.
    @Test func errorsAboutWideTablesStayShort() throws {
        let header = (0..<100_000).map { "c\($0)" }.joined(separator: ",")
        let path = writeTextFile(header + "\n" + (0..<100_000).map { _ in "1" }.joined(separator: ",") + "\n", "wide.csv")
        do {
            _ = try NumericTable.read(path, label: "missing")
            Issue.record("accepted a missing label column")
        } catch let e as FileError {
            #expect(e.description.utf8.count < 1000, "\(e.description.utf8.count) bytes")
            #expect(e.problem.contains("… and 99980 more"))
        }
    }

    @Test func classesAreSortedNumericallyWhenLabelsAreNumbers() throws {
        let labels = try ClassLabels(["10", "2", "2", "1"], task: nil, source: "x", limits: Limits())
        #expect(labels.names == ["1", "2", "10"] && labels.indices == [2, 1, 1, 0])
        let words = try ClassLabels(["b", "a", "b"], task: nil, source: "x", limits: Limits())
        #expect(words.names == ["a", "b"] && words.indices == [1, 0, 1])
        #expect(throws: FileError.self) { try ClassLabels((0..<20).map(String.init), task: nil, source: "x", limits: Limits(classes: 10)) }
    }

    // MARK: NumPy

    /// A `.npy` file, byte by byte as the format specifies: magic, version, header length,
    /// the header dict padded with spaces to a multiple of 64, the data.
    static func npy(_ descr: String, _ shape: [Int], _ data: [UInt8], fortran: Bool = false, version: UInt8 = 1) -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = Array("{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shapeText), }".utf8)
        let prefix = version == 1 ? 10 : 12
        while (prefix + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
        if version == 1 {
            out += [UInt8(header.count & 0xFF), UInt8(header.count >> 8)]
        } else {
            out += withUnsafeBytes(of: UInt32(header.count).littleEndian, Array.init)
        }
        return out + header + data
    }

    static func bytes<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes(Array.init) }

    @Test func numpyDtypesAndByteOrders() throws {
        let f4 = try NumPyArray.parse(Self.npy("<f4", [2, 3], Self.bytes([Float](arrayLiteral: 1, 2, 3, 4, 5, 6.5))), path: "a")
        #expect(f4.shape == [2, 3] && f4.values == .numbers([1, 2, 3, 4, 5, 6.5]))
        let f8 = try NumPyArray.parse(Self.npy(">f8", [2], Self.bytes([Double(-2.5), 1e3].map { $0.bitPattern.bigEndian })), path: "b")
        #expect(f8.values == .numbers([-2.5, 1000]))
        let i2 = try NumPyArray.parse(Self.npy("<i2", [3], Self.bytes([Int16(-3), 7, -32768])), path: "c")
        #expect(i2.values == .numbers([-3, 7, -32768]))
        let i8 = try NumPyArray.parse(Self.npy("<i8", [2], Self.bytes([Int64(-1), 1 << 40])), path: "d", limits: Limits())
        #expect(i8.values == .numbers([-1, Float(1 << 40)]))
        let u1 = try NumPyArray.parse(Self.npy("|u1", [1, 4], [0, 1, 128, 255]), path: "e")
        #expect(u1.values == .numbers([0, 1, 128, 255]))
        let b1 = try NumPyArray.parse(Self.npy("|b1", [2], [1, 0]), path: "f")
        #expect(b1.values == .numbers([1, 0]))
        let text = Array("ab".unicodeScalars.map(\.value)) + [0] + Array("xyz".unicodeScalars.map(\.value))
        let u3 = try NumPyArray.parse(Self.npy("<U3", [2], Self.bytes(text.map { UInt32($0) })), path: "g")
        #expect(u3.values == .strings(["ab", "xyz"]))
        let v2 = try NumPyArray.parse(Self.npy("<f4", [1], Self.bytes([Float(3)]), version: 2), path: "h")
        #expect(v2.values == .numbers([3]))
    }

    @Test func numpyFilesThatCannotBeReadAreRefused() {
        let cases: [([UInt8], String)] = [
            (Self.npy("<f4", [2, 2], Self.bytes([Float](repeating: 1, count: 4)), fortran: true), "Fortran order"),
            (Self.npy("|O", [1], [0, 0, 0, 0, 0, 0, 0, 0]), "Python objects"),
            (Self.npy("<f4", [3], Self.bytes([Float](repeating: 1, count: 2))), "needs 12 bytes of data; the file has 8"),
            (Self.npy("<f4", [1], Self.bytes([Float](repeating: 1, count: 2))), "needs 4 bytes of data; the file has 8"),
            (Self.npy("<c8", [1], [UInt8](repeating: 0, count: 8)), "dtype '<c8' is not read"),
            (Self.npy("<f4", [1], Self.bytes([Float.nan])), "not finite"),
            (Self.npy("<f4", [4_000_000_000, 4_000_000_000], []), "too large"),
            (Array(Self.npy("<f4", [1], Self.bytes([Float(1)])).prefix(9)), "not a NumPy .npy file"),
            ([0x93] + Array("NUMPY".utf8) + [9, 0, 0, 0], "format version 9.0"),
            ([0x93] + Array("NUMPY".utf8) + [1, 0, 0xFF, 0xFF], "header announces 65535 bytes"),
        ]
        for (bytes, fragment) in cases {
            do {
                _ = try NumPyArray.parse(bytes, path: "x.npy")
                Issue.record("accepted: \(fragment)")
            } catch let e as FileError {
                #expect(e.problem.contains(fragment), "\(e.problem)")
            } catch {
                Issue.record("\(error)")
            }
        }
        let structured = Array("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }".utf8)
        #expect(throws: FileError.self) {
            _ = try NumPyArray.parse([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(structured.count), 0] + structured + [0, 0, 0, 0], path: "s")
        }
    }

    /// Files numpy itself writes: np.save, np.savez (stored) and np.savez_compressed (deflated).
    @Test(.enabled(if: PythonTools.numpy != nil, "needs python3 with numpy"))
    func filesWrittenByNumPy() throws {
        let dir = TestSupport.temporaryDirectory()
        try PythonTools.run("""
            import numpy as np, sys
            d = sys.argv[1]
            x = np.arange(12, dtype=np.float64).reshape(4, 3) / 4
            np.save(d + '/X.npy', x.astype(np.float32)); np.save(d + '/y.npy', np.array([0, 1, 1, 0], dtype=np.int64))
            np.savez(d + '/a.npz', x=x, y=np.array(['cat', 'dog', 'dog', 'cat']))
            np.savez_compressed(d + '/b.npz', inputs=x.astype('>f4'), labels=np.array([3, 1, 2, 3], dtype=np.uint8))
            """, [dir])
        let expected = (0..<12).map { Float($0) / 4 }
        #expect(try NumPyArray.read(dir + "/X.npy").values == .numbers(expected))
        #expect(try NumPyArray.read(dir + "/y.npy").values == .numbers([0, 1, 1, 0]))
        #expect(try NumPyArray.read(dir + "/a.npz", key: "x").shape == [4, 3])
        #expect(try NumPyArray.read(dir + "/a.npz", key: "x").values == .numbers(expected))
        #expect(try NumPyArray.read(dir + "/a.npz", key: "y").values == .strings(["cat", "dog", "dog", "cat"]))
        #expect(try NumPyArray.read(dir + "/b.npz", key: "inputs").values == .numbers(expected))
        #expect(try NumPyArray.read(dir + "/b.npz", key: "labels").values == .numbers([3, 1, 2, 3]))
        expectFileError(dir + "/a.npz", containing: "no array \"z\"") { _ = try NumPyArray.read(dir + "/a.npz", key: "z") }
        expectFileError(dir + "/a.npz", containing: "say which array") { _ = try NumPyArray.read(dir + "/a.npz") }
        var damaged = try FileIO.read(dir + "/b.npz")
        damaged[60] ^= 0xFF
        let path = FormatTestSupport.write(damaged, "damaged.npz", in: dir)
        #expect(throws: FileError.self) { _ = try NumPyArray.read(path, key: "inputs") }
    }

    // MARK: Datasets

    /// A CSV table whose features are in the thousands, as breast-cancer areas are.
    static func unscaledTable(rows: Int = 120) -> String {
        var rng = RandomSource(seed: 3)
        var text = "area,texture,diagnosis\n"
        for r in 0..<rows {
            let y = r % 2
            let area = 500 + 1500 * Float(y) + 300 * rng.nextFloat(symmetric: 1)
            let texture = 20 + 5 * rng.nextFloat(symmetric: 1)
            text += "\(area),\(texture),\(y == 1 ? "malignant" : "benign")\n"
        }
        return writeTextFile(text, "table.csv")
    }

    /// Standardisation is fitted on the training part alone and applied to every part.
    @Test func standardisationUsesTheTrainingPartsStatistics() throws {
        let path = Self.unscaledTable()
        var reference = try DataReference(dataset: CSVDataset().name, directory: nil, arguments: ["data-file": path])
        let splits = try reference.load()
        let s = try #require(splits.standardization)
        let raw = try NumericTable.read(path)
        reference[.standardize] = .text("off")
        let plain = try reference.load()
        #expect(plain.standardization == nil && plain.test.inputs.densified().storage.contains { $0 > 100 })
        // The statistics are the training part's own (population standard deviation).
        let train = plain.train.inputs.densified()
        for j in 0..<2 {
            let column = (0..<train.rows).map { Double(train.storage[$0 * 2 + j]) }
            let mean = column.reduce(0, +) / Double(column.count)
            let sd = (column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(column.count)).squareRoot()
            #expect(abs(Double(s.mean[j]) - mean) < 1e-3 * max(1, abs(mean)) && abs(Double(s.scale[j]) - 1 / sd) < 1e-4 / sd)
        }
        // Every part goes through the same map.
        let test = plain.test.inputs.densified(), scaled = splits.test.inputs.densified()
        for i in 0..<test.storage.count {
            let j = i % 2
            #expect(abs(scaled.storage[i] - (test.storage[i] - s.mean[j]) * s.scale[j]) < 1e-5)
        }
        #expect(raw.features.rows == splits.train.count + splits.validation.count + splits.test.count)
        // A constant feature is only centred.
        #expect(Standardization(fitting: Matrix(rows: 3, columns: 1, storage: [2, 2, 2])).scale == [1])
    }

    @Test func numpyDatasetsFromFilesArchivesAndDirectories() throws {
        let dir = TestSupport.temporaryDirectory()
        let n = 40
        let x: [Float] = (0..<(n * 4)).map { (i: Int) -> Float in Float(i % 7) + Float(i / 4 % 2) * 10 }
        let y: [Int64] = (0..<n).map { Int64($0 % 2) }
        FormatTestSupport.write(Self.npy("<f4", [n, 2, 2], Self.bytes(x)), "X.npy", in: dir)
        FormatTestSupport.write(Self.npy("<i8", [n], Self.bytes(y)), "y.npy", in: dir)
        let fromDirectory = try DataReference(dataset: NumPyDataset().name, directory: dir, arguments: [:]).load()
        #expect(fromDirectory.train.featureCount == 4 && fromDirectory.train.classNames == ["0", "1"])
        let fromFiles = try DataReference(dataset: NumPyDataset().name, directory: nil,
                                          arguments: ["data-file": dir + "/X.npy", "labels-file": dir + "/y.npy"]).load()
        #expect(fromFiles.test.inputs == fromDirectory.test.inputs && fromFiles.test.labels == fromDirectory.test.labels)
        FormatTestSupport.write(Self.npy("<i8", [n + 1], Self.bytes((0...n).map { Int64($0 % 2) })), "long.npy", in: dir)
        #expect(throws: FileError.self) {
            try DataReference(dataset: NumPyDataset().name, directory: nil,
                              arguments: ["data-file": dir + "/X.npy", "labels-file": dir + "/long.npy"]).load()
        }
        #expect(throws: UsageError.self) {
            try DataReference(dataset: NumPyDataset().name, directory: nil, arguments: ["data-file": dir + "/X.npy"]).validate()
        }
    }

    /// More folds than the smallest class has examples cannot test every class in every fold.
    @Test func foldsAreBoundedByTheSmallestClass() throws {
        let path = writeTextFile("a,b\n" + (0..<30).map { "\($0),\($0 < 4 ? "rare" : "common")" }.joined(separator: "\n") + "\n", "f.csv")
        var reference = try DataReference(dataset: CSVDataset().name, directory: nil, arguments: ["data-file": path, "folds": "5", "fold": "0"])
        do {
            _ = try reference.load()
            Issue.record("5 folds of a 4-example class")
        } catch let e as UsageError {
            #expect(e.message.contains("at most 4 folds"), "\(e)")
        }
        reference.folds = 4
        #expect(try reference.load().test.count > 0)
    }

    /// A split that leaves no test example is refused, not reported as 0% error.
    @Test func anEmptyTestSplitIsRefused() throws {
        let path = writeTextFile("a,b\n1,x\n2,y\n", "two.csv")
        #expect(throws: UsageError.self) { try DataReference(dataset: CSVDataset().name, directory: nil, arguments: ["data-file": path]).load() }
    }
}

/// python3 with the packages some tests need (each test skips, saying which, when absent).
enum PythonTools {
    static func has(_ modules: [String]) -> String? {
        guard let python = TestHTTPServer.python else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", "import " + modules.joined(separator: ", ")]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? python : nil
    }
    static let numpy = has(["numpy"])
    static let safetensors = has(["numpy", "safetensors"])
    static let tensorboard = has(["tensorboard"])

    /// Runs `script` with `arguments`; throws with its output when it fails. Returns stdout.
    @discardableResult
    static func run(_ script: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestHTTPServer.python!)
        process.arguments = ["-c", script] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw UsageError("python failed: " + String(decoding: stderr, as: UTF8.self))
        }
        return String(decoding: stdout, as: UTF8.self)
    }
}

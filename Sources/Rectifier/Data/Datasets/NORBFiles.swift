import Foundation

/// Reading NORB's `-dat` / `-cat` / `-info` triples (LeCun's binary matrix format, raw or
/// gzip): stereo pairs of `size x size` bytes streamed one record at a time and shrunk to 2x32x32
/// by area averaging, so a 6.8 GB set never needs its raw size in memory.
enum NORBFiles {
    /// One triple: the images, their categories and their info (instance, elevation, azimuth,
    /// lighting; read whole, to check that it is complete and has a record per pair).
    struct Triple {
        var dat: String
        var cat: String
        var info: String
    }

    /// The path of `name` (or `name.gz`) in `directory`.
    static func locate(_ name: String, in directory: String) throws -> String {
        for candidate in [name, name + ".gz"] where FileManager.default.fileExists(atPath: directory + "/" + candidate) {
            return directory + "/" + candidate
        }
        throw FileError(directory, "missing NORB file \(name) (or \(name).gz)")
    }

    /// The downsampled pairs of `triples`, in order, as bytes of the rounded 0-255 averages
    /// (written into `pixels`, 2048 per pair), and their categories (`classes` of them).
    static func read(_ triples: [Triple], size: Int, classes: Int, limit: Int, pixels: inout [UInt8], labels: inout [Int32]) throws {
        let shrink = try AreaDownsampling(sourceHeight: size, sourceWidth: size, targetHeight: 32, targetWidth: 32)
        var planes = [Float](repeating: 0, count: 2 * 1024)
        for t in triples {
            let categories = try BinaryMatrix.read(t.cat, limit: limit)
            guard categories.shape.count == 1, let cat = categories.elements.values(as: Int32.self) else {
                throw FileError(t.cat, "expected one int32 category per pair, found \(categories.elements.type) of shape \(categories.shape)")
            }
            if let bad = cat.firstIndex(where: { $0 < 0 || Int($0) >= classes }) {
                throw FileError(t.cat, "category \(cat[bad]) of pair \(bad) is not one of 0-\(classes - 1)")
            }
            let info = try BinaryMatrix.read(t.info, limit: limit)
            guard info.header.recordCount == cat.count else {
                throw FileError(t.info, "\(info.header.recordCount) info records for \(cat.count) categories in \(t.cat)")
            }
            let reader = try BinaryMatrixReader(t.dat, limit: limit)
            guard reader.header.shape == [cat.count, 2, size, size] else {
                throw FileError(t.dat, "expected \(cat.count)x2x\(size)x\(size) bytes, found shape \(reader.header.shape)")
            }
            pixels.reserveCapacity(pixels.count + cat.count * 2048)
            try reader.forEachRecord(as: UInt8.self) { _, pair in
                planes.withUnsafeMutableBufferPointer { shrink.apply(pair, into: $0) }
                for v in planes { pixels.append(UInt8(min(255, max(0, v.rounded())))) }
            }
            labels += cat
        }
    }
}

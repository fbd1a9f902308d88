import Foundation

/// Scalars in TensorBoard's event-file format, so `tensorboard --logdir RUN_DIR/tensorboard`
/// (or any reader of TensorFlow event files) shows a run as it trains.
///
/// An event file is a sequence of TFRecords (length, masked CRC-32C of the length, the bytes,
/// masked CRC-32C of the bytes), each an `Event` protocol buffer: the first carries
/// `file_version`, the others one scalar summary (`wall_time`, `step`, `summary.value[0]`
/// with `tag` and `simple_value`). The few protobuf fields are written here by hand: a
/// protobuf library would cost every build far more than these fifty lines.
public final class TensorBoardWriter {
    /// The event file.
    public let path: String
    private let handle: FileHandle

    /// A new event file in `directory` (created if needed), named as TensorFlow names them.
    public init(directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw FileError(directory, "cannot create the TensorBoard directory (\(error.localizedDescription))")
        }
        let time = Date().timeIntervalSince1970
        path = directory + "/events.out.tfevents.\(Int(time)).\(ProcessInfo.processInfo.hostName).\(getpid())"
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw FileError(path, "cannot create the event file")
        }
        self.handle = handle
        var event = Protobuf()
        event.double(1, time)
        event.string(3, "brain.Event:2")
        try write(event.bytes)
    }

    deinit { try? handle.close() }

    /// Appends `value` under `tag` at `step`.
    public func scalar(_ tag: String, _ value: Double, step: Int) throws {
        var summaryValue = Protobuf()
        summaryValue.string(1, tag)
        summaryValue.float(2, Float(value))
        var summary = Protobuf()
        summary.message(1, summaryValue)
        var event = Protobuf()
        event.double(1, Date().timeIntervalSince1970)
        event.varint(2, UInt64(bitPattern: Int64(step)))
        event.message(5, summary)
        try write(event.bytes)
    }

    /// Makes what was written visible to readers.
    public func flush() throws { try handle.synchronize() }

    private func write(_ data: [UInt8]) throws {
        let length = withUnsafeBytes(of: UInt64(data.count).littleEndian, Array.init)
        var record = length
        record += withUnsafeBytes(of: Self.maskedCRC(length).littleEndian, Array.init)
        record += data
        record += withUnsafeBytes(of: Self.maskedCRC(data).littleEndian, Array.init)
        do { try handle.write(contentsOf: Data(record)) } catch { throw FileError(path, "cannot write (\(error.localizedDescription))") }
    }

    /// TFRecord's masked CRC-32C: rotated right by 15 bits, plus a constant.
    static func maskedCRC(_ bytes: [UInt8]) -> UInt32 {
        let crc = crc32c(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }

    /// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as TFRecord checks its records.
    static func crc32c(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    static let table: [UInt32] = (0..<256).map { n in
        (0..<8).reduce(UInt32(n)) { c, _ in c & 1 == 1 ? 0x82F6_3B78 ^ (c >> 1) : c >> 1 }
    }
}

/// The protobuf wire format, for the few fields an event needs.
struct Protobuf {
    var bytes: [UInt8] = []

    mutating func varint(_ field: Int, _ value: UInt64) {
        key(field, 0)
        raw(value)
    }
    mutating func double(_ field: Int, _ value: Double) {
        key(field, 1)
        bytes += withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)
    }
    mutating func float(_ field: Int, _ value: Float) {
        key(field, 5)
        bytes += withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)
    }
    mutating func string(_ field: Int, _ value: String) { lengthDelimited(field, Array(value.utf8)) }
    mutating func message(_ field: Int, _ value: Protobuf) { lengthDelimited(field, value.bytes) }

    private mutating func lengthDelimited(_ field: Int, _ value: [UInt8]) {
        key(field, 2)
        raw(UInt64(value.count))
        bytes += value
    }
    private mutating func key(_ field: Int, _ wireType: UInt64) { raw(UInt64(field) << 3 | wireType) }
    private mutating func raw(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }
}

import CZlib
import Foundation

/// A training run frozen between two steps, for `rectifier train --resume` (`Run` resumes from it).
///
/// File layout: the 8 bytes `RECTCKPT`, a little-endian UInt32 format version, a UInt64 payload
/// length, the payload, and the CRC-32 of the payload. The payload is a safetensors file: the
/// current and best parameters (`network.layers.*`, `best.layers.*`), momentum velocities
/// (`velocity.*`), and in its metadata (`state`) everything else: configuration, data
/// fingerprint, epoch, position, generator states, running sums, history, seconds spent. Any truncation,
/// flipped byte, foreign file or other version is refused before anything is used.
public struct Checkpoint: Sendable, Equatable {
    /// Current format version.
    public static let version: UInt32 = 2
    static let magic = Array("RECTCKPT".utf8)

    public var state: TrainingState
    public var config: TrainingConfig
    public var data: DataFingerprint
    /// Seconds of training (wall time) spent up to this checkpoint, in every session.
    public var elapsedSeconds: Double
    /// Backend and threads it ran on (`LinearAlgebra.description`).
    public var backend: String

    public init(state: TrainingState, config: TrainingConfig, data: DataFingerprint, elapsedSeconds: Double = 0,
                backend: String = "") {
        self.state = state
        self.config = config
        self.data = data
        self.elapsedSeconds = elapsedSeconds
        self.backend = backend
    }

    /// What is recorded besides the tensors.
    struct Record: Codable {
        var config: TrainingConfig
        var architecture: Architecture
        var data: DataFingerprint
        var epoch: Int
        var position: Int
        // Not orderRNG/epochRNG: snake_case keys would not decode back to an all-caps suffix.
        var orderGenerator: RandomSource
        var epochGenerator: RandomSource
        var running: TrainingState.RunningTotals
        var bestEpoch: Int
        var bestValidationError: Double
        var bestValidationLoss: Double?
        var warnings: [String]?
        var history: [EpochMetrics]
        var learningRate: Float
        var learningRateReductions: Int
        var elapsedSeconds: Double
        var backend: String
    }

    /// The file's bytes.
    public func encoded() throws -> [UInt8] {
        var file = SafeTensors(metadata: ["format": "rectifier-checkpoint"])
        encodeLayers(state.network.layers, into: &file, prefix: "network.")
        encodeLayers(state.best.layers, into: &file, prefix: "best.")
        Self.encodeOptimizer(state.optimizer, into: &file, prefix: "")
        if let start = state.epochStart {  // mid-epoch: where reduce-lr would go back to
            encodeLayers(start.network.layers, into: &file, prefix: "epoch_start.")
            Self.encodeOptimizer(start.optimizer, into: &file, prefix: "epoch_start.")
        }
        let record = Record(
            config: config, architecture: state.network.architecture, data: data, epoch: state.epoch, position: state.position,
            orderGenerator: state.order.generator, epochGenerator: state.order.epochStartGenerator, running: state.running,
            bestEpoch: state.bestEpoch, bestValidationError: state.bestValidationError,
            bestValidationLoss: state.bestValidationLoss.isFinite ? state.bestValidationLoss : nil,
            warnings: state.warnings.isEmpty ? nil : state.warnings, history: state.history,
            learningRate: state.optimizer.learningRate, learningRateReductions: state.learningRateReductions,
            elapsedSeconds: elapsedSeconds, backend: backend)
        file.metadata["state"] = String(decoding: try FileIO.jsonEncoder().encode(record), as: UTF8.self)
        return Self.frame(file.encoded())
    }

    /// Wraps a payload in the checkpoint container: magic, version, length, payload, CRC-32.
    public static func frame(_ payload: [UInt8]) -> [UInt8] {
        var out = magic
        withUnsafeBytes(of: version.littleEndian) { out += $0 }
        withUnsafeBytes(of: UInt64(payload.count).littleEndian) { out += $0 }
        out += payload
        withUnsafeBytes(of: crc32(payload).littleEndian) { out += $0 }
        return out
    }

    /// Writes the checkpoint atomically (temporary file, fsync, rename).
    public func write(to path: String) throws {
        try FileIO.writeAtomically(try encoded(), to: path)
    }

    /// Reads and verifies a checkpoint.
    public static func read(_ path: String, limit: Int = FileIO.defaultSizeLimit) throws -> Checkpoint {
        try decode(try FileIO.read(path, limit: limit), path: path)
    }

    /// Verifies and decodes checkpoint bytes; `path` names the file in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws -> Checkpoint {
        let header = 8 + 4 + 8
        guard bytes.count >= header + 4 else { throw FileError(path, "truncated: \(bytes.count) bytes, too short for a checkpoint") }
        guard Array(bytes[0..<8]) == magic else { throw FileError(path, "not a Rectifier checkpoint (wrong magic bytes)") }
        let version = bytes[8..<12].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        guard version == Self.version else {
            throw FileError(path, "checkpoint format version \(version); this build reads version \(Self.version)")
        }
        let length = bytes[12..<20].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length == UInt64(bytes.count - header - 4) else {
            throw FileError(path, "truncated or padded: the header announces \(length) bytes of payload, the file has \(bytes.count - header - 4)")
        }
        let payload = Array(bytes[header..<(bytes.count - 4)])
        let stored = bytes[(bytes.count - 4)...].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        guard crc32(payload) == stored else { throw FileError(path, "checksum mismatch: the checkpoint is corrupt") }
        let file = try SafeTensors.parse(payload, path: path)
        guard file.metadata["format"] == "rectifier-checkpoint", let json = file.metadata["state"] else {
            throw FileError(path, "checkpoint payload lacks its state record")
        }
        let record: Record
        do { record = try FileIO.jsonDecoder().decode(Record.self, from: Data(json.utf8)) } catch {
            throw FileError(path, "checkpoint state record is unreadable (\(error))")
        }
        let network = try Network(file, path: path, architecture: record.architecture, prefix: "network.")
        let best = try Network(file, path: path, architecture: record.architecture, prefix: "best.")
        do { try record.config.validate() } catch { throw FileError(path, "checkpoint holds an invalid configuration (\(error))") }
        let optimizer = try decodeOptimizer(file, path: path, prefix: "", network: network, record: record)
        guard record.epoch >= 0, record.position >= 0, record.position <= record.data.trainCount, record.elapsedSeconds >= 0,
              record.bestEpoch >= 0, record.bestEpoch <= record.epoch, record.history.count == record.epoch else {
            throw FileError(path, "checkpoint state is inconsistent (epoch \(record.epoch), position \(record.position))")
        }
        var epochStart: TrainingState.EpochStart?
        if record.position > 0 {
            let startNetwork = try Network(file, path: path, architecture: record.architecture, prefix: "epoch_start.")
            epochStart = .init(network: startNetwork,
                               optimizer: try decodeOptimizer(file, path: path, prefix: "epoch_start.", network: startNetwork, record: record))
        }
        // The data order of a mid-epoch checkpoint is rebuilt by `DataOrder.restore` once the
        // data is known to match (`data`), not here: the record's sizes are not trusted yet.
        let order = DataOrder(generator: record.orderGenerator, epochStartGenerator: record.epochGenerator, position: record.position)
        let state = TrainingState(network: network, optimizer: optimizer, order: order,
                                  epoch: record.epoch, running: record.running, best: best,
                                  bestEpoch: record.bestEpoch, bestValidationError: record.bestValidationError,
                                  bestValidationLoss: record.bestValidationLoss ?? .infinity, warnings: record.warnings ?? [],
                                  history: record.history, learningRateReductions: record.learningRateReductions,
                                  epochStart: epochStart)
        return Checkpoint(state: state, config: record.config, data: record.data, elapsedSeconds: record.elapsedSeconds,
                          backend: record.backend)
    }

    /// The optimizer's state tensors, under `prefix`.
    static func encodeOptimizer(_ optimizer: any TrainingOptimizer, into file: inout SafeTensors, prefix: String) {
        for (name, tensor) in optimizer.state { file.tensors[prefix + name] = tensor }
    }

    /// The configured optimizer with the record's learning rate and the state saved under `prefix`.
    static func decodeOptimizer(_ file: SafeTensors, path: String, prefix: String, network: Network, record: Record) throws
        -> any TrainingOptimizer {
        var optimizer = record.config.makeOptimizer(for: network)
        optimizer.learningRate = record.learningRate
        var saved: [String: SafeTensors.Tensor] = [:]
        for (name, tensor) in file.tensors where name.hasPrefix(prefix) { saved[String(name.dropFirst(prefix.count))] = tensor }
        do { try optimizer.restore(saved) } catch let error as UsageError {
            throw FileError(path, "checkpoint lacks the optimizer's state: \(error.message)")
        }
        return optimizer
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { b in
            var crc: uLong = CZlib.crc32(0, nil, 0)
            var offset = 0
            while offset < b.count {  // zlib takes 32-bit lengths
                let n = min(b.count - offset, 1 << 30)
                crc = CZlib.crc32(crc, b.baseAddress! + offset, uInt(n))
                offset += n
            }
            return UInt32(truncatingIfNeeded: crc)
        }
    }
}

/// Enough about a dataset to tell that a checkpoint is resumed on the same data.
public struct DataFingerprint: Codable, Equatable, Sendable {
    public var name: String
    public var trainCount: Int
    public var validationCount: Int
    public var featureCount: Int
    public var classes: Int
    /// FNV-1a hash of the training labels, in order.
    public var labelHash: UInt64

    /// The fingerprint of the training data actually used (after any label fraction).
    public init(_ splits: DataSplits) {
        name = splits.train.name
        trainCount = splits.train.count
        validationCount = splits.validation.count
        featureCount = splits.train.featureCount
        classes = splits.train.classes
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for l in splits.train.labels { h = (h ^ UInt64(UInt32(bitPattern: l))) &* 0x0000_0100_0000_01B3 }
        labelHash = h
    }
}

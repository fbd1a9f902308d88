import Foundation
import Rectifier
import Testing

/// The measured choice of `--backend auto`: what it keeps, when it is measured again, and that
/// the products follow it.
struct CalibrationTests {
    func calibration(builtin: Double, blas: Double?, forward: Double = 0.3, backward: Double = 0.6,
                     machine: String = Calibration.machine(threads: 1)) -> Calibration {
        Calibration(version: Calibration.currentVersion, machine: machine, blas: BLASLibrary.system?.description,
                    builtinGFLOPS: builtin, blasGFLOPS: blas, forwardDensity: forward, backwardDensity: backward,
                    date: 0, seconds: 1)
    }

    @Test func blasTakesTheLargeProductsOnlyWhenClearlyFaster() {
        #expect(calibration(builtin: 100, blas: nil).backend == .builtin)
        #expect(calibration(builtin: 100, blas: 104).backend == .builtin)
        #expect(calibration(builtin: 100, blas: 106).backend == .blas)
    }

    @Test func theProductsFollowTheCalibration() {
        let la = calibration(builtin: 100, blas: nil, forward: 0.25, backward: 0.55).linearAlgebra(threads: 1)
        #expect(la.backend == .builtin && la.calibrated && la.description.hasSuffix("calibrated"))
        #expect(la.sparsity.largeBatchForwardDensity == 0.25 && la.sparsity.largeBatchBackwardDensity == 0.55)
        #expect(la.threads == 1)
    }

    @Test func aCalibrationFitsOnlyItsMachineThreadsAndVersion() {
        #expect(calibration(builtin: 1, blas: nil).fits(threads: 1))
        #expect(!calibration(builtin: 1, blas: nil).fits(threads: 2))
        #expect(!calibration(builtin: 1, blas: nil, machine: "another CPU, AVX2+FMA, 1 thread").fits(threads: 1))
        var old = calibration(builtin: 1, blas: nil)
        old.version -= 1
        #expect(!old.fits(threads: 1))
    }

    @Test func theFileKeepsOnePerMachineAndAnUnreadableOneIsMeasuredAgain() throws {
        let dir = TestSupport.temporaryDirectory()
        let path = dir + "/cache/rectifier/calibration.json"
        #expect(CalibrationFile.read(path).calibrations.isEmpty)
        var file = CalibrationFile()
        try file.keep(calibration(builtin: 50, blas: nil), at: path)
        try file.keep(calibration(builtin: 60, blas: nil), at: path)
        try file.keep(calibration(builtin: 70, blas: nil, machine: Calibration.machine(threads: 2)), at: path)
        let read = CalibrationFile.read(path)
        #expect(read.calibrations.count == 2)
        #expect(read.calibration(threads: 1)?.builtinGFLOPS == 60)
        try Data("{\"calibrations\": [tru".utf8).write(to: URL(fileURLWithPath: path))
        #expect(CalibrationFile.read(path).calibrations.isEmpty)
    }

    @Test func aMeasurementGivesRatesAndCrossoversThatFit() {
        // Small products: the same code path as the 1000-wide measurement, in a fraction of the time.
        let c = Calibration.measure(threads: 1, size: 128)
        #expect(c.fits(threads: 1))
        #expect(c.builtinGFLOPS > 0)
        #expect((BLASLibrary.system == nil) == (c.blasGFLOPS == nil))
        #expect((0...0.8).contains(c.forwardDensity) && (0...0.8).contains(c.backwardDensity))
        #expect(c.seconds > 0)
    }

    @Test(.enabled(if: CommandLineTests.executable != nil, "needs the rectifier executable"))
    func theToolCalibratesOnceAndKeepsIt() throws {
        let cache = TestSupport.temporaryDirectory()
        let env = ["RECTIFIER_CALIBRATION": "on", "XDG_CACHE_HOME": cache]
        let first = try CommandLineTests.run(["bench", "--calibrate", "--threads", "1"], environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("1000x1000x1000: built-in"))
        let file = CalibrationFile.read(cache + "/rectifier/calibration.json")
        #expect(file.calibration(threads: 1) != nil)
        // Read, not measured again, by the next command that needs it.
        let out = TestSupport.temporaryDirectory() + "/run"
        let train = try CommandLineTests.run(["train", "--layers", "8", "--epochs", "1", "--threads", "1", "--out", out],
                                             environment: env)
        #expect(train.status == 0, "\(train.stderr)")
        #expect(!train.stderr.contains("calibrating"))
        #expect(train.stdout.contains("calibrated"))
    }
}

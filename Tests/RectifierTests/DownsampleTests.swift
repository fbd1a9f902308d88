import Foundation
import Rectifier
import Testing

/// Area-averaging downsampling against hand-computed pixels and its invariants; scaling to
/// [-1, 1].
@Suite struct DownsampleTests {
    /// 108 → 32: an output pixel covers 108/32 = 3.375 source pixels. In units of 1/32 of a source
    /// pixel, output 0 spans [0, 108): source pixels 0, 1, 2 wholly (32 each) and 12 of pixel 3;
    /// output 1 spans [108, 216): 20 of pixel 3, pixels 4 and 5 wholly, 24 of pixel 6.
    @Test func columnRampByHand() throws {
        // Pixel (y, x) = x: every output row is the same, output column i = Σ w_j * j.
        let image = (0..<(108 * 108)).map { UInt8($0 % 108) }
        let out = try AreaDownsampling(sourceHeight: 108, sourceWidth: 108, targetHeight: 32, targetWidth: 32).apply(image)
        #expect(out.count == 1024)
        // output 0: (0·32 + 1·32 + 2·32 + 3·12) / 108 = 132/108 = 1.2222
        #expect(abs(out[0] - 132.0 / 108) < 1e-5)
        // output 1: (3·20 + 4·32 + 5·32 + 6·24) / 108 = 492/108 = 4.5556
        #expect(abs(out[1] - 492.0 / 108) < 1e-5)
        // output 31 spans [3348, 3456): 12 of pixel 104, pixels 105-107 wholly:
        // (104·12 + 105·32 + 106·32 + 107·32) / 108 = 11424/108 = 105.7778
        #expect(abs(out[31] - 11424.0 / 108) < 1e-4)
        #expect(abs(out[5 * 32 + 1] - out[1]) < 1e-6, "rows alike")
    }

    @Test func checkerboardByHand() throws {
        // Pixel (y, x) = (x + y) mod 2. Output (0, 0) = Σ over odd a + b of w[a]·w[b]
        //   = 2 (w0 w1 + w0 w3 + w1 w2 + w2 w3) with w = (32, 32, 32, 12)/108
        //   = 2 (1024 + 384 + 1024 + 384) / 11664 = 5632/11664 = 0.48285.
        // Output (0, 1): source rows 0-3 weighted (32, 32, 32, 12), columns 3-6 weighted
        // (20, 32, 32, 24); pixel (a, 3 + b) is 1 when a + b is even:
        //   32·20 + 32·32 + 32·32 + 32·24 + 32·20 + 32·32 + 12·32 + 12·24 = 5792, / 11664 = 0.49657.
        let image: [Float] = (0..<(108 * 108)).map { (i: Int) -> Float in Float((i / 108 + i % 108) % 2) }
        let out = try AreaDownsampling(sourceHeight: 108, sourceWidth: 108, targetHeight: 32, targetWidth: 32).apply(image)
        #expect(abs(out[0] - 5632.0 / 11664) < 1e-5)
        #expect(abs(out[1] - 5792.0 / 11664) < 1e-5)
    }

    @Test func wholeFactorIsBlockMean() throws {
        // 96 → 32 (small NORB): each output pixel is the plain mean of a 3x3 block.
        var rng = RandomSource(seed: 9)
        let image = (0..<(96 * 96)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let out = try AreaDownsampling(sourceHeight: 96, sourceWidth: 96, targetHeight: 32, targetWidth: 32).apply(image)
        for (y, x) in [(0, 0), (7, 19), (31, 31)] {
            var sum = 0
            for dy in 0..<3 { for dx in 0..<3 { sum += Int(image[(3 * y + dy) * 96 + 3 * x + dx]) } }
            #expect(abs(out[y * 32 + x] - Float(sum) / 9) < 1e-4)
        }
    }

    @Test func constantStaysConstantAndMeanIsPreserved() throws {
        for (sh, sw, th, tw) in [(108, 108, 32, 32), (37, 53, 10, 7), (5, 5, 5, 5), (9, 4, 1, 1)] {
            let d = try AreaDownsampling(sourceHeight: sh, sourceWidth: sw, targetHeight: th, targetWidth: tw)
            let constant = d.apply([Float](repeating: 0.7, count: sh * sw))
            #expect(constant.allSatisfy { abs($0 - 0.7) < 1e-5 })
            var rng = RandomSource(seed: UInt64(sh * sw))
            let image = (0..<(sh * sw)).map { _ in rng.nextFloat(symmetric: 100) }
            let out = d.apply(image)
            let meanIn = image.reduce(0, +) / Float(image.count), meanOut = out.reduce(0, +) / Float(out.count)
            #expect(abs(meanIn - meanOut) < 1e-3, "\(sh)x\(sw) → \(th)x\(tw)")
        }
        // same size: the identity
        let image: [Float] = (0..<25).map(Float.init)
        #expect(try AreaDownsampling(sourceHeight: 5, sourceWidth: 5, targetHeight: 5, targetWidth: 5).apply(image) == image)
    }

    @Test func planesAreIndependent() throws {
        // two planes back to back (a stereo pair): the second, twice the first, gives twice the output
        let d = try AreaDownsampling(sourceHeight: 108, sourceWidth: 108, targetHeight: 32, targetWidth: 32)
        let plane = (0..<(108 * 108)).map { UInt8(($0 * 13) % 120) }
        let out = d.apply(plane + plane.map { $0 * 2 })
        #expect(out.count == 2 * 1024)
        #expect(zip(out.prefix(1024), out.suffix(1024)).allSatisfy { abs(2 * $0 - $1) < 1e-3 })
    }

    @Test func sizesThatCannotBeDownsampledAreRefused() {
        #expect(throws: UsageError.self) { try AreaDownsampling(sourceHeight: 28, sourceWidth: 28, targetHeight: 32, targetWidth: 32) }
        #expect(throws: UsageError.self) { try AreaDownsampling(sourceHeight: 28, sourceWidth: 28, targetHeight: 0, targetWidth: 4) }
    }

    @Test func scalingToMinusOneOne() {
        #expect(PixelScaling.symmetric([0, 255, 51]) == [-1, 1, Float(51) * 2 / 255 - 1])
        var values: [Float] = [0, 255, 127.5, 63.75]
        PixelScaling.symmetric(&values, from: 0...255)
        #expect(values == [-1, 1, 0, -0.5])
        var other: [Float] = [-3, 5, 1]
        PixelScaling.symmetric(&other, from: -3...5)
        #expect(other == [-1, 1, 0])
    }
}

import CKernels
import Dispatch
import Foundation
import Rectifier
import Testing

/// The NISTP perturbation pipeline: seeding (the same image for the same run seed, epoch and
/// example, whatever the batching or thread), level 0 as the identity, each step's effect
/// measured on synthetic images against hand-computed expectations, the steps' probabilities,
/// and the preview images written in the real PGM, PNG and SVG formats and decoded back.
/// (Labels never enter the API: it takes images only, so a perturbed example keeps its label.)
@Suite struct PerturbationTests {
    let size = try! ImageSize(width: 32, height: 32)

    // MARK: synthetic images and measurements

    /// A blank image with the pixels `(x, y)` for which `ink` holds set to `value`.
    func image(_ size: ImageSize? = nil, value: Float = 1, _ ink: (Int, Int) -> Bool) -> [Float] {
        let s = size ?? self.size
        return (0..<s.pixels).map { ink($0 % s.width, $0 / s.width) ? value : 0 }
    }

    /// A character-like image: a ring and a bar at positions drawn from `seed`.
    func glyph(seed: UInt64) -> [Float] {
        var rng = RandomSource(seed: seed)
        let (cx, cy) = (12 + Float(rng.nextInt(below: 8)), 12 + Float(rng.nextInt(below: 8)))
        let r = 5 + Float(rng.nextInt(below: 4))
        let barRow = 8 + rng.nextInt(below: 16)
        return image { x, y in
            let d = ((Float(x) - cx) * (Float(x) - cx) + (Float(y) - cy) * (Float(y) - cy)).squareRoot()
            return abs(d - r) < 1.2 || (y == barRow && x > 6 && x < 26)
        }
    }

    /// Runs `body` on a copy of `pixels` with a scratch for `size`.
    func applied(_ pixels: [Float], size: ImageSize? = nil,
                 _ body: (UnsafeMutablePointer<Float>, PerturbationScratch) -> Void) -> [Float] {
        let scratch = PerturbationScratch(size: size ?? self.size)
        var out = pixels
        out.withUnsafeMutableBufferPointer { body($0.baseAddress!, scratch) }
        return out
    }

    struct Moments {
        var mass: Float = 0, x: Float = 0, y: Float = 0, xx: Float = 0, yy: Float = 0, xy: Float = 0
        /// Orientation of the principal axis, radians from the x axis towards y.
        var orientation: Float { 0.5 * atan2(2 * xy, xx - yy) }
    }

    func moments(_ pixels: [Float], width: Int = 32) -> Moments {
        var m = Moments()
        for (i, v) in pixels.enumerated() {
            m.mass += v
            m.x += v * Float(i % width)
            m.y += v * Float(i / width)
        }
        (m.x, m.y) = (m.x / m.mass, m.y / m.mass)
        for (i, v) in pixels.enumerated() {
            let (dx, dy) = (Float(i % width) - m.x, Float(i / width) - m.y)
            m.xx += v * dx * dx
            m.yy += v * dy * dy
            m.xy += v * dx * dy
        }
        return m
    }

    func variance(_ values: [Float]) -> Float {
        let mean = values.reduce(0, +) / Float(values.count)
        return values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(values.count)
    }

    func correlation(_ a: [Float], _ b: [Float]) -> Float {
        let (ma, mb) = (a.reduce(0, +) / Float(a.count), b.reduce(0, +) / Float(b.count))
        var (sab, saa, sbb): (Float, Float, Float) = (0, 0, 0)
        for (u, v) in zip(a, b) { (sab, saa, sbb) = (sab + (u - ma) * (v - mb), saa + (u - ma) * (u - ma), sbb + (v - mb) * (v - mb)) }
        return sab / (saa * sbb).squareRoot()
    }

    // MARK: seeding and the whole pipeline

    /// 12 glyphs, one per row, and occluders (each the next glyph).
    func batch() -> (images: [Float], occluders: [Float], examples: [Int]) {
        let glyphs = (0..<12).map { glyph(seed: UInt64($0)) }
        return (glyphs.flatMap { $0 }, (glyphs[1...] + [glyphs[0]]).flatMap { $0 }, [7, 3, 11, 0, 42, 5, 9, 1, 2, 100, 8, 6])
    }

    @Test func theSameExampleIsPerturbedTheSameWhateverTheBatching() throws {
        let p = try Perturbation(level: 0.7)
        let seed = PerturbationSeed(runSeed: 2011)
        let (images, occluders, examples) = batch()
        let n = size.pixels

        var whole = images
        whole.withUnsafeMutableBufferPointer { img in
            occluders.withUnsafeBufferPointer { occ in
                p.apply(toBatch: img.baseAddress!, examples: examples, epoch: 3, seed: seed, occluders: occ.baseAddress!,
                        scratch: PerturbationScratch(size: size))
            }
        }
        #expect(whole != images)

        // Batches of 5, 5 and 2 with one scratch, then each image alone in reverse order.
        var pieces = images
        let scratch = PerturbationScratch(size: size)
        pieces.withUnsafeMutableBufferPointer { img in
            occluders.withUnsafeBufferPointer { occ in
                for start in stride(from: 0, to: 12, by: 5) {
                    let rows = start..<min(start + 5, 12)
                    p.apply(toBatch: img.baseAddress! + start * n, examples: examples[rows], epoch: 3, seed: seed,
                            occluders: occ.baseAddress! + start * n, scratch: scratch)
                }
            }
        }
        #expect(pieces == whole)
        for row in (0..<12).reversed() {
            var one = Array(images[(row * n)..<((row + 1) * n)])
            var rng = seed.generator(epoch: 3, example: examples[row])
            p.apply(to: &one, size: size, occluder: Array(occluders[(row * n)..<((row + 1) * n)]), rng: &rng)
            #expect(one == Array(whole[(row * n)..<((row + 1) * n)]), "row \(row)")
        }
    }

    @Test func otherExamplesEpochsAndSeedsArePerturbedDifferently() throws {
        let p = try Perturbation(level: 0.7)
        let g = glyph(seed: 1)
        func perturbed(_ seed: PerturbationSeed, epoch: Int, example: Int) -> [Float] {
            var rng = seed.generator(epoch: epoch, example: example)
            var out = g
            p.apply(to: &out, size: size, rng: &rng)
            return out
        }
        let (s, t) = (PerturbationSeed(runSeed: 1), PerturbationSeed(runSeed: 2))
        let reference = perturbed(s, epoch: 0, example: 0)
        #expect(perturbed(s, epoch: 0, example: 0) == reference)
        #expect(perturbed(s, epoch: 0, example: 1) != reference)
        #expect(perturbed(s, epoch: 1, example: 0) != reference)
        #expect(perturbed(t, epoch: 0, example: 0) != reference)
        #expect(s.generator(epoch: 4, example: 9) == PerturbationSeed(runSeed: 1).generator(epoch: 4, example: 9))
        #expect(s == PerturbationSeed(runSeed: 1) && s != t)
    }

    @Test func threadsWithTheirOwnScratchGiveTheSequentialResult() throws {
        let p = try Perturbation(level: 1)
        let seed = PerturbationSeed(runSeed: 5)
        let (images, occluders, examples) = batch()
        let n = size.pixels
        var sequential = images
        sequential.withUnsafeMutableBufferPointer { img in
            occluders.withUnsafeBufferPointer { occ in
                p.apply(toBatch: img.baseAddress!, examples: examples, epoch: 0, seed: seed, occluders: occ.baseAddress!,
                        scratch: PerturbationScratch(size: size))
            }
        }
        let (shared, others) = (FloatBuffer(count: images.count), FloatBuffer(count: occluders.count))
        _ = shared.buffer.update(fromContentsOf: images)
        _ = others.buffer.update(fromContentsOf: occluders)
        let imageSize = size
        DispatchQueue.concurrentPerform(iterations: 3) { part in
            let rows = (part * 4)..<(part * 4 + 4)
            p.apply(toBatch: shared.pointer + rows.lowerBound * n, examples: examples[rows], epoch: 0, seed: seed,
                    occluders: others.pointer + rows.lowerBound * n, scratch: PerturbationScratch(size: imageSize))
        }
        #expect(shared.array() == sequential)
    }

    @Test func occludersAreOtherExamplesFixedBySeed() {
        let seed = PerturbationSeed(runSeed: 9)
        var seen = Set<Int>()
        for example in 0..<200 {
            let o = seed.occluder(epoch: 2, example: example, examples: 50_000)
            #expect(o != example && (0..<50_000).contains(o))
            #expect(o == seed.occluder(epoch: 2, example: example, examples: 50_000))
            seen.insert(o)
        }
        #expect(seen.count > 190)
        #expect(seed.occluder(epoch: 0, example: 0, examples: 2) == 1)
        #expect(seed.occluder(epoch: 0, example: 0, examples: 1) == 0)
    }

    @Test func levelZeroLeavesEveryImageUnchanged() throws {
        let p = try Perturbation(level: 0)
        let occluder = glyph(seed: 99)
        for seed in 0..<20 {
            var rng = RandomSource(seed: UInt64(seed))
            let original = (0..<size.pixels).map { _ in rng.nextUnitFloat() }
            var out = original
            p.apply(to: &out, size: size, occluder: occluder, rng: &rng)
            #expect(out == original)
        }
    }

    @Test func everyStepIsTheIdentityAtComplexityZero() throws {
        for seed in 0..<300 {
            var rng = RandomSource(seed: UInt64(seed))
            #expect(Slant.draw(complexity: 0, rng: &rng) == nil)
            #expect(Thickness.draw(complexity: 0, rng: &rng) == nil)
            #expect(AffineMap.draw(complexity: 0, size: size, rng: &rng) == nil)
            #expect(ElasticDeformation.draw(complexity: 0, size: size, rng: &rng) == nil)
            #expect(Pinch.draw(complexity: 0, rng: &rng) == nil)
            #expect(MotionBlur.draw(complexity: 0, size: size, rng: &rng) == nil)
            #expect(Scratches.draw(complexity: 0, size: size, rng: &rng) == nil)
            #expect(Occlusion.draw(complexity: 0, size: size, rng: &rng) == nil)
            #expect(PixelPermutation.draw(complexity: 0, size: size, rng: &rng) == nil)
            #expect(GaussianNoise.draw(complexity: 0, rng: &rng) == nil)
            #expect(SaltAndPepper.draw(complexity: 0, rng: &rng) == nil)
            #expect(GaussianSmoothing.draw(complexity: 0, size: size, rng: &rng) == nil)
            #expect(Contrast.draw(complexity: 0, allowsInversion: true, rng: &rng) == nil)
        }
    }

    @Test func noStepsMeansNoChangeAndASwitchedOffStepShiftsNoOtherDraw() throws {
        let g = glyph(seed: 4)
        var rng = RandomSource(seed: 1)
        var out = g
        try Perturbation(level: 1, steps: []).apply(to: &out, size: size, rng: &rng)
        #expect(out == g)
        // Each step alone does something (the geometric ones without the pinch, after which
        // they are resampled; the noise ones on some images at least).
        for step in PerturbationStep.allCases {
            let p = try Perturbation(level: 1, steps: [step])
            let changed = (0..<40).contains { seed in
                var (r, one) = (RandomSource(seed: UInt64(seed)), g)
                p.apply(to: &one, size: size, occluder: glyph(seed: 5), rng: &r)
                return one != g
            }
            #expect(changed, "\(step)")
        }
        // Without an occluder the occlusion step does nothing, so switching it off must give
        // the same image: the other steps draw exactly as before.
        for seed in 0..<10 {
            var (a, b) = (g, g)
            var (ra, rb) = (RandomSource(seed: UInt64(seed)), RandomSource(seed: UInt64(seed)))
            try Perturbation(level: 0.7).apply(to: &a, size: size, rng: &ra)
            try Perturbation(level: 0.7, steps: Set(PerturbationStep.allCases).subtracting([.occlusion])).apply(to: &b, size: size, rng: &rb)
            #expect(a == b)
        }
    }

    @Test func valuesStayFiniteAndInTheUnitInterval() throws {
        let p = try Perturbation(level: 1)
        let seed = PerturbationSeed(runSeed: 77)
        let occluder = glyph(seed: 1000)
        var changed = 0
        for example in 0..<150 {
            var rng = seed.generator(epoch: 0, example: example)
            let g = glyph(seed: UInt64(example))
            var out = g
            p.apply(to: &out, size: size, occluder: occluder, rng: &rng)
            #expect(out.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
            if out != g { changed += 1 }
        }
        #expect(changed == 150)
    }

    @Test func otherImageSizesWork() throws {
        let small = try ImageSize(width: 28, height: 20)
        let p = try Perturbation(level: 1)
        for seed in 0..<30 {
            var rng = RandomSource(seed: UInt64(seed))
            var out = image(small) { x, y in (x - 14) * (x - 14) + (y - 10) * (y - 10) < 30 }
            let occluder = image(small) { x, _ in x % 3 == 0 }
            p.apply(to: &out, size: small, occluder: occluder, rng: &rng)
            #expect(out.count == 560 && out.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
        }
        #expect(throws: UsageError.self) { try ImageSize(width: 0, height: 32) }
        #expect(throws: UsageError.self) { try ImageSize(width: 32, height: 5000) }
    }

    @Test func perturbationsEncodeAndRefuseBadValues() throws {
        let p = try Perturbation(level: 0.7, steps: [.contrast, .slant, .motionBlur], invertsPolarity: false)
        let json = try FileIO.jsonEncoder().encode(p)
        #expect(String(decoding: json, as: UTF8.self) == #"{"inverts_polarity":false,"level":0.7,"steps":["slant","motion-blur","contrast"]}"#)
        #expect(try FileIO.jsonDecoder().decode(Perturbation.self, from: json) == p)
        func decode(_ text: String) throws -> Perturbation { try FileIO.jsonDecoder().decode(Perturbation.self, from: Data(text.utf8)) }
        #expect(throws: DecodingError.self) { try decode(#"{"inverts_polarity":true,"level":1.5,"steps":[]}"#) }
        #expect(throws: DecodingError.self) { try decode(#"{"inverts_polarity":true,"level":0.5,"steps":["blur"]}"#) }
        #expect(throws: UsageError.self) { try Perturbation(level: -0.1) }
        #expect(throws: UsageError.self) { try Perturbation(level: .nan) }
    }

    // MARK: geometric steps

    @Test func rotationTurnsABarByTheAngle() {
        let bar = image { x, y in x >= 6 && x <= 25 && (y == 15 || y == 16) }
        let before = moments(bar)
        for degrees: Float in [30, -50, 90] {
            let angle = degrees * .pi / 180
            let out = applied(bar) { Warp(affine: .rotation(by: angle, size: size)).apply(to: $0, scratch: $1) }
            let m = moments(out)
            var turn = m.orientation - before.orientation
            if turn > .pi / 2 { turn -= .pi } else if turn < -.pi / 2 { turn += .pi }
            if degrees == 90 { turn = abs(turn) }
            #expect(abs(turn - (degrees == 90 ? .pi / 2 : angle)) < 1.5 * .pi / 180, "\(degrees) degrees: turned \(turn * 180 / .pi)")
            #expect(abs(m.x - 15.5) < 0.2 && abs(m.y - 15.5) < 0.2)
            #expect(abs(m.mass - before.mass) / before.mass < 0.05)
        }
    }

    @Test func translationMovesTheCentreOfMass() {
        let blob = image { x, y in (x - 14) * (x - 14) + (y - 17) * (y - 17) <= 9 }
        let shift = AffineMap.centred(a: 1, b: 0, d: 0, e: 1, tx: 3, ty: -2, size: size)
        let out = applied(blob) { Warp(affine: shift).apply(to: $0, scratch: $1) }
        let (a, b) = (moments(blob), moments(out))
        // The map gives the point each pixel is sampled from: the picture moves the other way.
        #expect(abs((b.x - a.x) - -3) < 1e-4 && abs((b.y - a.y) - 2) < 1e-4)
        #expect(abs(a.mass - b.mass) < 1e-4)
    }

    @Test func slantShiftsEachRowInProportionToItsHeight() {
        let bar = image { x, y in (x == 15 || x == 16) && y >= 4 && y <= 27 }
        let out = applied(bar) { Slant(slant: 0.5).apply(to: $0, scratch: $1) }
        for y in 4...27 {
            // round(0.5 y) - round(0.5 x 32 / 2): the middle row stays.
            let shift = Int((Float(y) * 0.5).rounded()) - 8
            let row = Array(out[(y * 32)..<((y + 1) * 32)])
            #expect(row.indices.filter { row[$0] == 1 } == [15 + shift, 16 + shift], "row \(y)")
        }
        #expect(out.reduce(0, +) == bar.reduce(0, +))
    }

    @Test func elasticFieldIsSmoothRandomAndOfTheStatedScale() {
        // On a ramp f(x) = x / 31 bilinear sampling is exact, so the output gives the
        // displacement back: dx = 31 f(x + dx) - x.
        let rampX = (0..<1024).map { Float($0 % 32) / 31 }, rampY = (0..<1024).map { Float($0 / 32) / 31 }
        let e = ElasticDeformation(alpha: 10, sigma: 3, generator: RandomSource(seed: 7))
        let outX = applied(rampX) { Warp(elastic: e).apply(to: $0, scratch: $1) }
        let outY = applied(rampY) { Warp(elastic: e).apply(to: $0, scratch: $1) }
        var (dx, dy, dxNext) = ([Float](), [Float](), [Float]())
        for y in 6..<26 {
            for x in 6..<25 {
                dx.append(outX[y * 32 + x] * 31 - Float(x))
                dxNext.append(outX[y * 32 + x + 1] * 31 - Float(x + 1))
                dy.append(outY[y * 32 + x] * 31 - Float(y))
            }
        }
        // Kernel weights for sigma 3, radius 2: w = exp(-(t/3)^2) normalised; the field's
        // standard deviation is alpha sqrt(1/3) sum(w^2) = 10 x 0.577 x 0.207 = 1.2 pixels, and
        // neighbouring values correlate by sum(w_t w_t+1) / sum(w^2) = 0.86.
        let sd = variance(dx).squareRoot()
        #expect(sd > 0.7 && sd < 2.0, "standard deviation \(sd)")
        #expect(abs(dx.reduce(0, +) / Float(dx.count)) < 0.6)
        #expect(correlation(dx, dxNext) > 0.7)
        #expect(abs(correlation(dx, dy)) < 0.3)
    }

    @Test func warpKernelGivesTheSwiftReferenceBits() throws {
        // rk_warp (C, each body: the AVX-512 request runs the AVX2 one) against
        // Warp.applyReference, for every combination of the three steps, on square and
        // odd-sized images (partial 8-pixel groups), with strong draws that reach the borders.
        var rng = RandomSource(seed: 11)
        for (w, h) in [(32, 32), (28, 28), (29, 23)] {
            let size = try ImageSize(width: w, height: h)
            let pixels = (0..<size.pixels).map { _ in rng.nextUnitFloat() }
            for combination in 1..<8 {
                for _ in 0..<4 {
                    let complexity = 0.3 + 0.7 * rng.nextUnitFloat()
                    var warp = Warp()
                    if combination & 1 != 0 { warp.affine = AffineMap.draw(complexity: complexity, size: size, rng: &rng) }
                    if combination & 2 != 0 { warp.elastic = ElasticDeformation.draw(complexity: complexity, size: size, rng: &rng) }
                    if combination & 4 != 0 { warp.pinch = Pinch.draw(complexity: complexity, rng: &rng) }
                    let reference = applied(pixels, size: size) { warp.applyReference(to: $0, scratch: $1) }
                    #expect(reference != pixels)
                    for isa in [RK_ISA_PORTABLE, RK_ISA_AVX2, RK_ISA_AVX512] {
                        let fast = applied(pixels, size: size) { warp.apply(to: $0, scratch: $1, isa: isa) }
                        #expect(fast.map(\.bitPattern) == reference.map(\.bitPattern), "\(w)x\(h), steps \(combination), isa \(isa)")
                    }
                }
            }
        }
    }

    @Test func everyElasticSmoothingBodyGivesTheReferenceBits() throws {
        // The AVX-512 request runs the AVX2 body (the best there is for it); the portable body
        // and the Swift reference run everywhere, so every body is checked on every machine.
        for (w, h, sigma) in [(32, 32, Float(3)), (28, 28, 9.5), (17, 40, 1.2)] {
            let e = ElasticDeformation(alpha: 7, sigma: sigma, generator: RandomSource(seed: UInt64(w * h)))
            let size = try ImageSize(width: w, height: h)
            let reference = e.displacementField(size: size, isa: -1)
            #expect(reference.x.contains { $0 != 0 } && reference.x != reference.y)
            for isa in [RK_ISA_PORTABLE, RK_ISA_AVX2, RK_ISA_AVX512] {
                let field = e.displacementField(size: size, isa: isa)
                #expect(field.x.map(\.bitPattern) == reference.x.map(\.bitPattern), "isa \(isa), \(w)x\(h)")
                #expect(field.y.map(\.bitPattern) == reference.y.map(\.bitPattern), "isa \(isa), \(w)x\(h)")
            }
        }
    }

    @Test func pinchPullsInwardsAndNegativePinchPushesOutwards() {
        let ring = image { x, y in
            let d = ((Float(x) - 15.5) * (Float(x) - 15.5) + (Float(y) - 15.5) * (Float(y) - 15.5)).squareRoot()
            return abs(d - 8) < 0.8
        }
        func meanRadius(_ img: [Float]) -> Float {
            var (s, m): (Float, Float) = (0, 0)
            for (i, v) in img.enumerated() {
                let (dx, dy) = (Float(i % 32) - 15.5, Float(i / 32) - 15.5)
                (s, m) = (s + v * (dx * dx + dy * dy).squareRoot(), m + v)
            }
            return s / m
        }
        let r0 = meanRadius(ring)
        let pinched = applied(ring) { Warp(pinch: Pinch(amount: 0.6)).apply(to: $0, scratch: $1) }
        let swollen = applied(ring) { Warp(pinch: Pinch(amount: -0.6)).apply(to: $0, scratch: $1) }
        // At t = 8 / 15.5, sin(pi t / 2)^0.6 = 0.85: the ring moves to about 6.3 (pinch 0.6).
        #expect(meanRadius(pinched) < r0 - 1)
        #expect(meanRadius(swollen) > r0 + 1)
        let corner = image { x, y in x < 2 && y < 2 }
        #expect(applied(corner) { Warp(pinch: Pinch(amount: 0.6)).apply(to: $0, scratch: $1) } == corner)
    }

    // MARK: thickness

    @Test func dilationAndErosionGrowAndShrinkTheInk() {
        let dot = image { x, y in x == 10 && y == 10 }
        let square = applied(dot) { Thickness(.dilation, element: 6).apply(to: $0, scratch: $1) }
        #expect(square == image { x, y in (9...11).contains(x) && (9...11).contains(y) })
        // The 1x2 element has its origin at its second cell: a pixel lights itself and its right.
        let pair = applied(dot) { Thickness(.dilation, element: 0).apply(to: $0, scratch: $1) }
        #expect(pair == image { x, y in (x == 10 || x == 11) && y == 10 })
        let block = image { x, y in (8...12).contains(x) && (8...12).contains(y) }
        let core = applied(block) { Thickness(.erosion, element: 6).apply(to: $0, scratch: $1) }
        #expect(core == image { x, y in (9...11).contains(x) && (9...11).contains(y) })

        let g = glyph(seed: 3)
        let mass = g.reduce(0, +)
        for element in 0..<9 {
            #expect(applied(g) { Thickness(.dilation, element: element).apply(to: $0, scratch: $1) }.reduce(0, +) > mass)
        }
        for element in 0..<5 {
            #expect(applied(g) { Thickness(.erosion, element: element).apply(to: $0, scratch: $1) }.reduce(0, +) < mass)
        }
    }

    @Test func thicknessDrawsFollowTheOriginalProbabilities() {
        // At complexity 1: 5 erosion and 9 dilation elements, P = 5/15, 9/15 and 1/15 for none.
        var (erode, dilate, none) = (0, 0, 0)
        for seed in 0..<6000 {
            var rng = RandomSource(seed: UInt64(seed))
            switch Thickness.draw(complexity: 1, rng: &rng) {
            case .some(let t) where t.operation == .erosion: erode += 1; #expect(t.element < 5)
            case .some: dilate += 1
            case .none: none += 1
            }
        }
        #expect(abs(Float(erode) / 6000 - 1 / 3) < 0.02)
        #expect(abs(Float(dilate) / 6000 - 0.6) < 0.02)
        #expect(abs(Float(none) / 6000 - 1 / 15) < 0.015)
    }

    // MARK: noise steps

    @Test func motionBlurSpreadsAPixelAlongTheLineAndKeepsTheInk() {
        let dot = image { x, y in x == 20 && y == 16 }
        let streak = applied(dot) { MotionBlur(length: 5, angle: 0).apply(to: $0, scratch: $1) }
        // Each pixel averages itself and the 4 to its right: the dot reaches 4 pixels to its left.
        #expect(streak == image(value: 0.2) { x, y in y == 16 && (16...20).contains(x) })
        let blob = image { x, y in (x - 15) * (x - 15) + (y - 16) * (y - 16) <= 25 }
        for angle: Float in [0.3, 1.9, 4] {
            let out = applied(blob) { MotionBlur(length: 6, angle: angle).apply(to: $0, scratch: $1) }
            #expect(abs(out.reduce(0, +) - blob.reduce(0, +)) < 1e-3)
            #expect(out != blob)
        }
    }

    @Test func gaussianNoiseAddsTheStatedVariance() throws {
        let big = try ImageSize(width: 128, height: 128)
        let grey = [Float](repeating: 0.5, count: big.pixels)
        let noise = GaussianNoise(standardDeviation: 0.05, generator: RandomSource(seed: 3))
        let out = applied(grey, size: big) { noise.apply(to: $0, scratch: $1) }
        #expect(abs(variance(out) / 0.0025 - 1) < 0.05)
        #expect(abs(out.reduce(0, +) / Float(out.count) - 0.5) < 0.002)
        let dark = applied([Float](repeating: 0, count: big.pixels), size: big) { noise.apply(to: $0, scratch: $1) }
        #expect(dark.allSatisfy { $0 >= 0 } && dark.contains { $0 > 0 })
    }

    @Test func saltAndPepperReplacesTheStatedFraction() throws {
        let big = try ImageSize(width: 64, height: 64)
        let grey = [Float](repeating: 0.5, count: big.pixels)
        let noise = SaltAndPepper(fraction: 0.1, generator: RandomSource(seed: 11))
        let out = applied(grey, size: big) { noise.apply(to: $0, scratch: $1) }
        #expect(noise.replacedPixels(of: 4096) == 409)
        #expect(zip(out, grey).filter { $0 != $1 }.count == 409)
        #expect(out.allSatisfy { $0 >= 0 && $0 < 1 })
    }

    @Test func contrastMapsTheRangeAndInvertsPolarity() {
        let g = glyph(seed: 8)
        let low = applied(g) { Contrast(contrast: 0.6, inverts: false).apply(to: $0, scratch: $1) }
        #expect(abs(low.min()! - 0.2) < 1e-6 && abs(low.max()! - 0.8) < 1e-6)
        #expect(zip(low, g).allSatisfy { abs($0 - (0.2 + 0.6 * $1)) < 1e-6 })
        let inverted = applied(g) { Contrast(contrast: 0.6, inverts: true).apply(to: $0, scratch: $1) }
        #expect(zip(inverted, g).allSatisfy { abs($0 - (0.8 - 0.6 * $1)) < 1e-6 })
        var strongest: Float = 1
        for seed in 0..<500 {
            var rng = RandomSource(seed: UInt64(seed))
            let c = Contrast.draw(complexity: 1, allowsInversion: false, rng: &rng)!
            #expect(!c.inverts && c.contrast >= 0.15 && c.contrast <= 1)
            strongest = min(strongest, c.contrast)
        }
        #expect(strongest < 0.17)
    }

    @Test func pixelPermutationOnlyMovesValues() {
        var rng = RandomSource(seed: 4)
        let noise = (0..<1024).map { _ in rng.nextUnitFloat() }
        let p = PixelPermutation(count: 100, generator: RandomSource(seed: 5))
        let out = applied(noise) { p.apply(to: $0, scratch: $1) }
        #expect(out.sorted() == noise.sorted())
        let moved = zip(out, noise).filter { $0 != $1 }.count
        #expect(moved > 50 && moved <= 200)
    }

    @Test func gaussianSmoothingSmoothsWithinTheGreyRange() {
        var rng = RandomSource(seed: 6)
        let noise = (0..<1024).map { _ in 0.1 + 0.8 * rng.nextUnitFloat() }
        let s = GaussianSmoothing(kernelSize: 12, sigma: 3, centres: 8, generator: RandomSource(seed: 2))
        let out = applied(noise) { s.apply(to: $0, scratch: $1) }
        func totalVariation(_ v: [Float]) -> Float {
            var t: Float = 0
            for i in 0..<1024 where i % 32 < 31 { t += abs(v[i + 1] - v[i]) }
            return t
        }
        #expect(out.allSatisfy { $0 >= noise.min()! - 1e-6 && $0 <= noise.max()! + 1e-6 })
        #expect(totalVariation(out) < 0.9 * totalVariation(noise))
        #expect(zip(out, noise).contains { $0 == $1 })
    }

    @Test func occlusionPastesThePatchOfTheOtherImage() {
        let blank = [Float](repeating: 0, count: 1024), full = [Float](repeating: 1, count: 1024)
        let centre = Occlusion(top: 2, bottom: 3, left: 1, right: 4, placement: .centre)
        let out = applied(blank) { image, scratch in
            full.withUnsafeBufferPointer { centre.apply(to: image, occluder: $0.baseAddress!, scratch: scratch) }
        }
        // Rows 16-2...16+3, columns 16-1...16+4, at half intensity.
        #expect(out == image(value: 0.5) { x, y in (14...19).contains(y) && (15...20).contains(x) })
        let left = Occlusion(top: 1, bottom: 1, left: 2, right: 2, placement: .left, inset: 3, rowOffset: -4)
        let onLeft = applied(blank) { image, scratch in
            full.withUnsafeBufferPointer { left.apply(to: image, occluder: $0.baseAddress!, scratch: scratch) }
        }
        #expect(onLeft == image { x, y in (11...13).contains(y) && (3...7).contains(x) })
        let right = Occlusion(top: 15, bottom: 15, left: 15, right: 15, placement: .right, inset: 9, rowOffset: 20)
        let clamped = applied(blank) { image, scratch in
            full.withUnsafeBufferPointer { right.apply(to: image, occluder: $0.baseAddress!, scratch: scratch) }
        }
        #expect(clamped.reduce(0, +) == 31 * 31)
    }

    @Test func scratchesDrawLightStrokes() {
        let stroke = Scratches.Stroke(x: 16, y: 16, angle: 0, length: 20, halfWidth: 1)
        let out = applied([Float](repeating: 0, count: 1024)) { Scratches(strokes: [stroke]).apply(to: $0, scratch: $1) }
        // Coverage is 1.5 - distance, clipped: full on row 16, half on rows 15 and 17 (distance
        // 1), from column 6 to 26 (the ends at 16 -+ 10).
        #expect((6...26).allSatisfy { out[16 * 32 + $0] == 1 && out[15 * 32 + $0] == 0.5 && out[17 * 32 + $0] == 0.5 })
        #expect(out[16 * 32 + 5] == 0.5 && out[16 * 32 + 2] == 0 && out[10 * 32 + 16] == 0)
        // 21 + 2 x 10.5, plus the ends: 2 x 0.5 on row 16 and 4 x (1.5 - sqrt 2) beside them.
        #expect(abs(out.reduce(0, +) - (42 + 1 + 4 * (1.5 - Float(2).squareRoot()))) < 1e-4)
    }

    @Test func noiseStepsAreAppliedWithTheOriginalProbabilities() {
        func frequency(_ drawn: (inout RandomSource) -> Bool) -> Float {
            var hits = 0
            for seed in 0..<4000 {
                var rng = RandomSource(seed: UInt64(seed) &* 7919)
                if drawn(&rng) { hits += 1 }
            }
            return Float(hits) / 4000
        }
        let c: Float = 0.5
        #expect(abs(frequency { Scratches.draw(complexity: c, size: size, rng: &$0) != nil } - 0.15) < 0.025)
        #expect(abs(frequency { Occlusion.draw(complexity: c, size: size, rng: &$0) != nil } - 0.4) < 0.025)
        #expect(abs(frequency { PixelPermutation.draw(complexity: c, size: size, rng: &$0) != nil } - 0.2) < 0.025)
        #expect(abs(frequency { GaussianNoise.draw(complexity: c, rng: &$0) != nil } - 0.3) < 0.025)
        #expect(abs(frequency { SaltAndPepper.draw(complexity: c, rng: &$0) != nil } - 0.25) < 0.025)
        #expect(abs(frequency { GaussianSmoothing.draw(complexity: c, size: size, rng: &$0) != nil } - 0.25) < 0.025)
        var rng = RandomSource(seed: 1)
        var lengths: [Float] = []
        for _ in 0..<4000 { lengths.append(Float(MotionBlur.draw(complexity: 1, size: size, rng: &rng)?.length ?? 0)) }
        // |round(N(0, 3^2))| is 2 or more with probability P(|z| > 1.5 / 3) = 0.617.
        #expect(abs(Float(lengths.filter { $0 >= 2 }.count) / 4000 - 0.617) < 0.025)
    }

    // MARK: preview files

    @Test func gridLaysImagesOutWithSeparators() throws {
        let tiny = try ImageSize(width: 2, height: 2)
        let grid = try GreyImage.grid(of: [0, 1, 0.5, 0.25, 1, 1, 1, 1, 0, 0, 0, 0], size: tiny, columns: 2, separatorGrey: 9)
        #expect(grid.width == 7 && grid.height == 7)
        #expect(Array(grid.pixels[(7 + 1)...(7 + 2)]) == [0, 255])
        #expect(Array(grid.pixels[(14 + 1)...(14 + 2)]) == [128, 64])
        #expect(Array(grid.pixels[(7 + 4)...(7 + 5)]) == [255, 255])
        #expect(Array(grid.pixels[(28 + 1)...(28 + 2)]) == [0, 0])
        #expect(grid.pixels[0] == 9 && grid.pixels[7 + 3] == 9 && grid.pixels[28 + 4] == 9)
        #expect(throws: UsageError.self) { try GreyImage.grid(of: [0, 1, 0], size: tiny, columns: 2) }
    }

    func previewGrid() throws -> GreyImage {
        let p = try Perturbation(level: 0.7)
        let seed = PerturbationSeed(runSeed: 1)
        var images = (0..<16).flatMap { glyph(seed: UInt64($0)) }
        images.withUnsafeMutableBufferPointer {
            p.apply(toBatch: $0.baseAddress!, examples: 0..<16, epoch: 0, seed: seed, occluders: nil, scratch: PerturbationScratch(size: size))
        }
        return try GreyImage.grid(of: images, size: size, columns: 4)
    }

    @Test func pgmFilesParseBackToTheSamePixels() throws {
        let grid = try previewGrid()
        let path = TestSupport.temporaryDirectory() + "/preview.pgm"
        try grid.write(to: path)
        let bytes = try FileIO.read(path)
        let header = "P5\n\(grid.width) \(grid.height)\n255\n"
        #expect(String(decoding: bytes.prefix(header.utf8.count), as: UTF8.self) == header)
        #expect(Array(bytes.dropFirst(header.utf8.count)) == grid.pixels)
        #expect(grid.width == 4 * 33 + 1)
    }

    /// The chunks of a PNG file, each checked against its CRC.
    func chunks(_ png: [UInt8]) -> [(type: String, data: [UInt8])] {
        func u32(_ i: Int) -> Int { Int(png[i]) << 24 | Int(png[i + 1]) << 16 | Int(png[i + 2]) << 8 | Int(png[i + 3]) }
        var out: [(String, [UInt8])] = []
        var i = 8
        while i + 12 <= png.count {
            let length = u32(i)
            let typed = Array(png[(i + 4)..<(i + 8 + length)])
            #expect(PNG.crc32(typed) == UInt32(u32(i + 8 + length)))
            out.append((String(decoding: typed.prefix(4), as: UTF8.self), Array(typed.dropFirst(4))))
            i += 12 + length
        }
        #expect(i == png.count)
        return out
    }

    @Test func pngFilesDecodeBackToTheSamePixels() throws {
        #expect(PNG.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        let grid = try previewGrid()
        let path = TestSupport.temporaryDirectory() + "/preview.PNG"
        try grid.write(to: path)
        let png = try FileIO.read(path)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(Array(png.suffix(4)) == [0xAE, 0x42, 0x60, 0x82])  // the CRC of every IEND chunk
        let parts = chunks(png)
        try #require(parts.map(\.type) == ["IHDR", "IDAT", "IEND"])
        let ihdr = parts[0].data
        #expect(ihdr == [0, 0, 0, UInt8(grid.width), 0, 0, 0, UInt8(grid.height), 8, 0, 0, 0, 0])
        // Gzip.decompress detects the zlib wrapper as well as gzip's.
        let rows = try Gzip.decompress(parts[1].data, path: path)
        try #require(rows.count == grid.height * (grid.width + 1))
        var pixels: [UInt8] = []
        for y in 0..<grid.height {
            #expect(rows[y * (grid.width + 1)] == 0)
            pixels += rows[(y * (grid.width + 1) + 1)..<((y + 1) * (grid.width + 1))]
        }
        #expect(pixels == grid.pixels)
    }

    @Test func svgFilesHoldThePNG() throws {
        let grid = try GreyImage.grid(of: glyph(seed: 2), size: size, columns: 1)
        let path = TestSupport.temporaryDirectory() + "/preview.svg"
        try grid.write(to: path)
        let text = String(decoding: try FileIO.read(path), as: UTF8.self)
        #expect(text.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"136\" height=\"136\""))
        let start = try #require(text.range(of: "base64,")).upperBound
        let end = try #require(text[start...].firstIndex(of: "\""))
        #expect(Data(base64Encoded: String(text[start..<end])).map(Array.init) == grid.png())
    }

    @Test func unknownPreviewFormatsAreRefused() throws {
        let path = TestSupport.temporaryDirectory() + "/preview.jpg"
        let grid = try GreyImage.grid(of: glyph(seed: 2), size: size, columns: 1)
        #expect(throws: FileError(path, "unknown image format 'jpg' (the name must end in .pgm, .png or .svg)")) {
            try grid.write(to: path)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}

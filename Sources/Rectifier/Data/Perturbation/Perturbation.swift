/// NISTP-style random perturbation of character images (Bengio et al. 2011; see
/// `PerturbationStep` for the steps and their sources), generated on the fly.
///
/// One `level` in [0, 1] sets the strength: as in the original `pipeline.py`, every step of
/// every image draws its own complexity uniformly in `[0, level]` (the original calls `level`
/// the maximum complexity), and each step derives its strength and, for the noise steps, its
/// probability of being applied from that complexity. Level 0 leaves every image unchanged.
/// The paper's NISTP and P07 sets were generated at level 0.7 (`Perturbation.paperLevel`).
///
/// Perturbation works on images only, never on labels: a perturbed example keeps its label.
///
/// Cost observed for 32x32 images at level 0.7, one thread, all steps (4,096 MNIST digits
/// padded to 32x32, `datasets preview nistp --side 64`): about 40 microseconds per image in a
/// release build on a Zen 5 core, half what it was before the resampling and the elastic field
/// moved to C (`Sources/CKernels/image.c`).
public struct Perturbation: Codable, Equatable, Sendable {
    /// The maximum complexity, in [0, 1].
    public let level: Float
    /// The steps applied (all by default); a step left out changes no draw of the others.
    public let steps: Set<PerturbationStep>
    /// Whether the contrast step may invert the polarity (with probability 1/2, as in the
    /// original).
    public let invertsPolarity: Bool

    /// The level of the paper's P07 data (named after it) and, as the paper describes NISTP
    /// ("equivalent to P07 ... but only with the NIST dataset"), of NISTP: 0.7.
    public static let paperLevel: Float = 0.7

    /// Perturbation at `level` (in [0, 1]) with the given steps.
    public init(level: Float, steps: Set<PerturbationStep> = Set(PerturbationStep.allCases),
                invertsPolarity: Bool = true) throws(UsageError) {
        guard level >= 0, level <= 1 else { throw UsageError("perturbation level \(level) is not in [0, 1]") }
        (self.level, self.steps, self.invertsPolarity) = (level, steps, invertsPolarity)
    }

    /// Perturbs one image of `size` in place (a convenience that allocates its scratch; batches
    /// go through `apply(toBatch:...)`). `occluder`, another character image of the same size,
    /// feeds the occlusion step, which is skipped without it.
    public func apply(to image: inout [Float], size: ImageSize, occluder: [Float]? = nil, rng: inout RandomSource) {
        precondition(image.count == size.pixels && (occluder?.count ?? size.pixels) == size.pixels)
        let scratch = PerturbationScratch(size: size)
        image.withUnsafeMutableBufferPointer { pixels in
            if let occluder {
                occluder.withUnsafeBufferPointer { apply(to: pixels.baseAddress!, occluder: $0.baseAddress!, rng: &rng, scratch: scratch) }
            } else {
                apply(to: pixels.baseAddress!, occluder: nil, rng: &rng, scratch: scratch)
            }
        }
    }

    /// Perturbs the `examples.count` images stored one after another at `images` (the dense rows
    /// of a batch; row r holds example `examples[r]`) in place. Example i in `epoch` is perturbed
    /// by `seed.generator(epoch:example:)`, so the result does not depend on the batching or
    /// the thread. `occluders`, when given, holds one occluder image per row, in the same layout
    /// (see `PerturbationSeed.occluder` for choosing them). Allocates nothing; `scratch` is this
    /// thread's own.
    public func apply(toBatch images: UnsafeMutablePointer<Float>, examples: some Collection<Int>, epoch: Int,
                      seed: PerturbationSeed, occluders: UnsafePointer<Float>?, scratch: PerturbationScratch) {
        let n = scratch.size.pixels
        for (row, example) in examples.enumerated() {
            var rng = seed.generator(epoch: epoch, example: example)
            apply(to: images + row * n, occluder: occluders.map { $0 + row * n }, rng: &rng, scratch: scratch)
        }
    }

    /// Perturbs one image of `scratch.size` in place.
    public func apply(to image: UnsafeMutablePointer<Float>, occluder: UnsafePointer<Float>?, rng: inout RandomSource,
                      scratch: PerturbationScratch) {
        guard level > 0 else { return }
        var warp = Warp()
        for step in PerturbationStep.allCases {
            // One word per step, drawn whether or not the step runs: switching a step off
            // leaves every other step's draws as they were.
            var r = RandomSource(seed: rng.next())
            if steps.contains(step) {
                apply(step, complexity: level * r.nextUnitFloat(), to: image, occluder: occluder, warp: &warp, rng: &r, scratch: scratch)
            }
            // The geometric steps are drawn one by one and resampled together after the last.
            if step == .pinch { warp.apply(to: image, scratch: scratch) }
        }
        for i in 0..<scratch.size.pixels { image[i] = min(1, max(0, image[i])) }
    }

    /// Draws `step` at `complexity` from `rng` and applies it, or for a geometric step adds it
    /// to `warp`.
    private func apply(_ step: PerturbationStep, complexity: Float, to image: UnsafeMutablePointer<Float>,
                       occluder: UnsafePointer<Float>?, warp: inout Warp, rng r: inout RandomSource, scratch: PerturbationScratch) {
        let size = scratch.size
        switch step {
        case .slant: Slant.draw(complexity: complexity, rng: &r)?.apply(to: image, scratch: scratch)
        case .thickness: Thickness.draw(complexity: complexity, rng: &r)?.apply(to: image, scratch: scratch)
        case .affine: warp.affine = AffineMap.draw(complexity: complexity, size: size, rng: &r)
        case .elastic: warp.elastic = ElasticDeformation.draw(complexity: complexity, size: size, rng: &r)
        case .pinch: warp.pinch = Pinch.draw(complexity: complexity, rng: &r)
        case .motionBlur: MotionBlur.draw(complexity: complexity, size: size, rng: &r)?.apply(to: image, scratch: scratch)
        case .scratches: Scratches.draw(complexity: complexity, size: size, rng: &r)?.apply(to: image, scratch: scratch)
        case .occlusion:
            if let occluder, let occlusion = Occlusion.draw(complexity: complexity, size: size, rng: &r) {
                occlusion.apply(to: image, occluder: occluder, scratch: scratch)
            }
        case .pixelPermutation: PixelPermutation.draw(complexity: complexity, size: size, rng: &r)?.apply(to: image, scratch: scratch)
        case .gaussianNoise: GaussianNoise.draw(complexity: complexity, rng: &r)?.apply(to: image, scratch: scratch)
        case .saltAndPepper: SaltAndPepper.draw(complexity: complexity, rng: &r)?.apply(to: image, scratch: scratch)
        case .gaussianSmoothing: GaussianSmoothing.draw(complexity: complexity, size: size, rng: &r)?.apply(to: image, scratch: scratch)
        case .contrast:
            Contrast.draw(complexity: complexity, allowsInversion: invertsPolarity, rng: &r)?.apply(to: image, scratch: scratch)
        }
    }

    enum CodingKeys: String, CodingKey { case level, steps, invertsPolarity }

    /// Decodes a perturbation, refusing unknown steps and levels outside [0, 1].
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let level = try c.decode(Float.self, forKey: .level)
        let names = try c.decode([String].self, forKey: .steps)
        var steps = Set<PerturbationStep>()
        for name in names {
            guard let step = PerturbationStep(rawValue: name) else {
                let known = PerturbationStep.allCases.map(\.rawValue).joined(separator: ", ")
                throw DecodingError.dataCorruptedError(forKey: .steps, in: c, debugDescription: "unknown perturbation step '\(name)' (known: \(known))")
            }
            steps.insert(step)
        }
        do {
            try self.init(level: level, steps: steps, invertsPolarity: try c.decode(Bool.self, forKey: .invertsPolarity))
        } catch let error as UsageError {
            throw DecodingError.dataCorruptedError(forKey: .level, in: c, debugDescription: error.message)
        }
    }

    /// Encodes the steps in pipeline order, so that equal perturbations encode to equal bytes.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(level, forKey: .level)
        try c.encode(steps.sorted().map(\.rawValue), forKey: .steps)
        try c.encode(invertsPolarity, forKey: .invertsPolarity)
    }
}

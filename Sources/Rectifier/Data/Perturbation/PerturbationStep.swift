/// The steps of the NIST perturbation pipeline of Bengio et al. (2011), "Deep learners benefit
/// more from out-of-distribution examples" (AISTATS, PMLR 15:164-172), section 2, in the order
/// they are applied. The order, the probabilities and the way each step's strength follows
/// from its complexity come from the code that generated the paper's data, the ift6266 project
/// (`data_generation/transformations/pipeline.py` and one module per step, hg.assembla.com/ift6266;
/// read through the copy in github.com/FengyangZhang/ChineseNet, `scripts/DSTL_transformations`),
/// checked against the paper drafts in the same repository (`writeup/techreport.tex`,
/// `writeup/nips2010_submission.tex`). Each step's type documents its draw and where it departs.
///
/// | step | applied with probability | original module |
/// |---|---|---|
/// | slant | 1 | `slant.py` |
/// | thickness | up to 14/15, growing with complexity | `thick.py` |
/// | affine | 1 | `affine_transform.py` |
/// | elastic | 1 | `local_elastic_distortions.py` |
/// | pinch | 1 | `gimp_script.py` (GIMP whirl-pinch) |
/// | motion blur | 1 (identity when the drawn length is below 2) | `gimp_script.py` (GIMP mblur) |
/// | scratches | 0.15 | `Rature.py` |
/// | occlusion | 0.4 | `Occlusion.py` |
/// | pixel permutation | 0.2 | `PermutPixel.py` |
/// | Gaussian noise | 0.3 | `DistorsionGauss.py` |
/// | salt and pepper | 0.25 | `PoivreSel.py` |
/// | Gaussian smoothing | 0.25 | `BruitGauss.py` |
/// | contrast | 1 | `contrast.py` |
///
/// Left out: the background step (`add_background_image.py`, between Gaussian noise and salt and
/// pepper), which lays a crop of a natural image (from ImageNet) behind the character; no such
/// images are at hand.
public enum PerturbationStep: String, CaseIterable, Codable, Sendable, Comparable {
    case slant
    case thickness
    case affine
    case elastic
    case pinch
    case motionBlur = "motion-blur"
    case scratches
    case occlusion
    case pixelPermutation = "pixel-permutation"
    case gaussianNoise = "gaussian-noise"
    case saltAndPepper = "salt-and-pepper"
    case gaussianSmoothing = "gaussian-smoothing"
    case contrast

    /// Position in the pipeline.
    public var order: Int { Self.allCases.firstIndex(of: self)! }

    /// Pipeline order.
    public static func < (l: PerturbationStep, r: PerturbationStep) -> Bool { l.order < r.order }
}

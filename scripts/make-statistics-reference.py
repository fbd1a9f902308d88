#!/usr/bin/env python3
"""Prints Tests/RectifierTests/StatisticsReference.swift: expected values for StatisticsTests,
computed independently of Rectifier with SciPy and NumPy.

    python3 scripts/make-statistics-reference.py > Tests/RectifierTests/StatisticsReference.swift

Deterministic: the samples come from a seeded NumPy generator, and every number is printed with
Python's repr (the shortest string that reads back as the same double).
"""
import numpy as np
import scipy
from scipy import special, stats

rng = np.random.default_rng(2011)


def num(v):
    v = float(v)
    if np.isinf(v):
        return ".infinity" if v > 0 else "-.infinity"
    return repr(v)


def array(values):
    return "[" + ", ".join(num(v) for v in values) + "]"


def rounded(values, digits=4):
    return [round(float(v), digits) for v in values]


def section(name, type_name, fields, rows, doc):
    out = [f"    /// {doc}", f"    static let {name}: [{type_name}] = ["]
    for row in rows:
        args = ", ".join(f"{f}: {v}" for f, v in zip(fields, row))
        out.append(f"        {type_name}({args}),")
    out.append("    ]")
    return "\n".join(out)


def student_t_quantiles():
    rows = []
    for df in [1, 2, 3, 4, 5, 7, 10, 19, 30, 100, 1000, 2.5, 9.37]:
        for p in [1e-10, 0.001, 0.025, 0.05, 0.1, 0.4, 0.6, 0.9, 0.95, 0.975, 0.995, 0.9995]:
            rows.append((num(df), num(p), num(stats.t.ppf(p, df))))
    return rows


def student_t_cdf():
    rows = []
    for df in [1, 2.5, 5, 30, 1000]:
        for t in [-1e4, -50, -5, -2, -0.5, 0.0, 0.1, 1, 2.5, 10, 300]:
            rows.append((num(df), num(t), num(stats.t.cdf(t, df)), num(stats.t.sf(t, df))))
    return rows


def normal():
    quantiles = [(num(p), num(stats.norm.ppf(p)))
                 for p in [1e-300, 1e-20, 1e-8, 0.001, 0.02, 0.025, 0.3, 0.5, 0.7, 0.975, 0.999999]]
    cdfs = [(num(z), num(stats.norm.cdf(z)), num(stats.norm.sf(z)))
            for z in [-38, -10, -3, -1, 0, 0.5, 2, 8]]
    return quantiles, cdfs


def incomplete_beta():
    cases = [(0.5, 0.5, 0.3), (2, 3, 0.4), (500, 0.5, 0.99), (10, 10, 0.5), (1000, 1000, 0.51),
             (0.1, 5, 1e-5), (5, 0.5, 0.999999), (30, 2, 0.9)]
    return [(num(a), num(b), num(x), num(special.betainc(a, b, x))) for a, b, x in cases]


def seed_samples():
    """Test errors over seeds, as a reproduction would produce them (fractions)."""
    return [
        (rounded(0.0143 + 0.0007 * rng.standard_normal(5)), rounded(0.0120 + 0.0006 * rng.standard_normal(5))),
        (rounded(0.0157 + 0.0010 * rng.standard_normal(3)), rounded(0.0147 + 0.0010 * rng.standard_normal(3))),
        (rounded(0.5086 + 0.004 * rng.standard_normal(10)), rounded(0.4996 + 0.004 * rng.standard_normal(10))),
        (rounded(0.1640 + 0.002 * rng.standard_normal(4), 5), rounded(0.1646 + 0.003 * rng.standard_normal(4), 5)),
    ]


def paired(samples):
    rows = []
    for a, b in samples:
        r = stats.ttest_rel(a, b)
        rows.append((array(a), array(b), num(r.statistic), num(r.pvalue)))
    return rows


def welch(samples):
    extra = [(rounded(0.20 + 0.01 * rng.standard_normal(4)), rounded(0.21 + 0.03 * rng.standard_normal(9)))]
    rows = []
    for a, b in samples + extra:
        r = stats.ttest_ind(a, b, equal_var=False)
        v1, v2 = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
        df = (v1 + v2) ** 2 / (v1 ** 2 / (len(a) - 1) + v2 ** 2 / (len(b) - 1))
        rows.append((array(a), array(b), num(r.statistic), num(df), num(r.pvalue)))
    return rows


def mean_intervals(samples):
    rows = []
    for (a, _), level in zip(samples, [0.95, 0.9, 0.99, 0.95]):
        lo, hi = stats.t.interval(level, len(a) - 1, loc=np.mean(a), scale=stats.sem(a))
        rows.append((array(a), num(level), num(np.mean(a)), num(np.std(a, ddof=1)), num(lo), num(hi)))
    return rows


def two_proportion():
    rows = []
    for e1, e2, n in [(120, 143, 10000), (143, 157, 10000), (2498, 2631, 5000), (1, 9, 1000),
                      (9598, 9565, 58320), (0, 3, 100)]:
        p1, p2, pooled = e1 / n, e2 / n, (e1 + e2) / (2 * n)
        z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * 2 / n)
        rows.append((str(e1), str(e2), str(n), num(z), num(2 * stats.norm.sf(abs(z)))))
    return rows


def mcnemar():
    rows = []
    for b, c in [(10, 25), (3, 0), (40, 60), (150, 190), (0, 7), (500, 540), (12, 14), (1, 2)]:
        chi = max(0, abs(b - c) - 1) ** 2 / (b + c)
        rows.append((str(b), str(c), num(stats.binomtest(b, b + c, 0.5).pvalue), num(chi), num(stats.chi2.sf(chi, 1))))
    return rows


def wilson():
    rows = []
    for k, n, level in [(120, 10000, 0.95), (0, 100, 0.95), (5, 20, 0.9), (2498, 5000, 0.99), (100, 100, 0.95)]:
        ci = stats.binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
        rows.append((str(k), str(n), num(level), num(ci.low), num(ci.high)))
    return rows


def polynomial_fits():
    """(x, y, degree): coefficients in ascending powers and values at probe points."""
    sparsity = np.sort(rng.uniform(0.73, 0.99, 40))
    error = 0.0135 + 0.9 * (sparsity - 0.8) ** 2 + 0.001 * rng.standard_normal(40)
    epochs = np.arange(1000.0, 1011.0)
    cases = [
        (rounded(sparsity, 6), rounded(error, 6), 2),
        ([0.0, 1.0, 2.0, 3.0, 4.0], [1.0, 3.1, 4.9, 7.2, 8.8], 1),
        ([float(i) for i in range(10)], [0.5, -0.3, 0.1, 1.7, 4.2, 9.9, 17.5, 30.1, 45.0, 66.6], 3),
        (list(epochs), rounded(0.02 + 1e-5 * (epochs - 1004.2) ** 2 + 1e-6 * rng.standard_normal(11), 9), 2),
    ]
    rows = []
    for x, y, degree in cases:
        c = np.polyfit(x, y, degree)
        probes = np.linspace(min(x), max(x), 5)
        rows.append((array(x), array(y), str(degree), array(c[::-1]), array(probes), array(np.polyval(c, probes))))
    return rows


def main():
    samples = seed_samples()
    quantiles, cdfs = normal()
    parts = [
        section("studentTQuantiles", "TQuantile", ["df", "p", "t"], student_t_quantiles(),
                "scipy.stats.t.ppf(p, df)."),
        section("studentTCDF", "TCDF", ["df", "t", "cdf", "survival"], student_t_cdf(),
                "scipy.stats.t.cdf and t.sf."),
        section("normalQuantiles", "NormalQuantile", ["p", "z"], quantiles, "scipy.stats.norm.ppf(p)."),
        section("normalCDF", "NormalCDF", ["z", "cdf", "survival"], cdfs, "scipy.stats.norm.cdf and norm.sf."),
        section("incompleteBeta", "IncompleteBetaCase", ["a", "b", "x", "value"], incomplete_beta(),
                "scipy.special.betainc(a, b, x)."),
        section("pairedTTests", "PairedTTest", ["first", "second", "t", "p"], paired(samples),
                "scipy.stats.ttest_rel(first, second): statistic and two-sided p-value."),
        section("welchTTests", "WelchTTest", ["first", "second", "t", "df", "p"], welch(samples),
                "scipy.stats.ttest_ind(first, second, equal_var=False); df by the Welch-Satterthwaite formula."),
        section("meanIntervals", "MeanInterval", ["values", "level", "mean", "sd", "lower", "upper"],
                mean_intervals(samples), "numpy mean and std(ddof=1); scipy.stats.t.interval(level, n-1, mean, sem)."),
        section("twoProportionTests", "TwoProportion", ["firstErrors", "secondErrors", "trials", "z", "p"],
                two_proportion(), "Pooled two-proportion z and 2 * scipy.stats.norm.sf(|z|)."),
        section("mcNemarTests", "McNemar", ["b", "c", "exactP", "chiSquare", "chiSquareP"], mcnemar(),
                "scipy.stats.binomtest(b, b+c, 0.5).pvalue; max(0, |b-c|-1)^2/(b+c) and scipy.stats.chi2.sf(chi, 1)."),
        section("wilsonIntervals", "Wilson", ["errors", "trials", "level", "lower", "upper"], wilson(),
                "scipy.stats.binomtest(errors, trials).proportion_ci(level, method='wilson')."),
        section("polynomialFits", "Fit", ["x", "y", "degree", "coefficients", "probes", "values"],
                polynomial_fits(), "numpy.polyfit(x, y, degree) reversed (constant first) and numpy.polyval at the probes."),
    ]
    print(f"""// Generated by scripts/make-statistics-reference.py with SciPy {scipy.__version__} and NumPy {np.__version__}.
// Do not edit; regenerate with
//     python3 scripts/make-statistics-reference.py > Tests/RectifierTests/StatisticsReference.swift

/// Expected values computed independently of Rectifier (SciPy, NumPy), checked by StatisticsTests.
enum StatisticsReference {{
    struct TQuantile {{ let df, p, t: Double }}
    struct TCDF {{ let df, t, cdf, survival: Double }}
    struct NormalQuantile {{ let p, z: Double }}
    struct NormalCDF {{ let z, cdf, survival: Double }}
    struct IncompleteBetaCase {{ let a, b, x, value: Double }}
    struct PairedTTest {{ let first, second: [Double]; let t, p: Double }}
    struct WelchTTest {{ let first, second: [Double]; let t, df, p: Double }}
    struct MeanInterval {{ let values: [Double]; let level, mean, sd, lower, upper: Double }}
    struct TwoProportion {{ let firstErrors, secondErrors, trials: Int; let z, p: Double }}
    struct McNemar {{ let b, c: Int; let exactP, chiSquare, chiSquareP: Double }}
    struct Wilson {{ let errors, trials: Int; let level, lower, upper: Double }}
    struct Fit {{ let x, y: [Double]; let degree: Int; let coefficients, probes, values: [Double] }}
""")
    print("\n\n".join(parts))
    print("}")


if __name__ == "__main__":
    main()

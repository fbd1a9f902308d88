/* C = alpha * A * Bᵀ + beta * C by dot products, for few rows of A: the input gradient δ·Wᵀ of
 * small-minibatch SGD. Rows of A and of B are both contiguous there, so nothing needs packing;
 * the packed kernel would transpose all of W on every call for a product it then runs on only
 * a few rows. Four rows of B are dotted with each row of A at a time, so each B row is read
 * from memory once and each load of A serves four products.
 *
 * Every element is summed the same way whether it is computed in a group of four or alone, on
 * every thread and on AVX2 and AVX-512 machines (one AVX2 body serves both), so results do not
 * depend on the thread count or the CPU beyond AVX2. */
#include "CKernels.h"

typedef float v8 __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4))); /* unaligned access */
#define LOAD(p) (*(const v8u *)(p))

/* The sum of a vector's 8 lanes, in a fixed order. */
#define HSUM(v) ((((v)[0] + (v)[1]) + ((v)[2] + (v)[3])) + (((v)[4] + (v)[5]) + ((v)[6] + (v)[7])))

static inline __attribute__((always_inline)) void dot_body(
    long m, long n, long k, float alpha, const float *a, long lda, const float *b, long ldb,
    float beta, float *c, long ldc) {
    const long k16 = k / 16 * 16, k8 = k / 8 * 8;
    for (long j = 0; j < n; j += 4) {
        const long g = n - j < 4 ? n - j : 4;
        /* A short last group repeats row j; those products are computed and not stored. */
        const float *b0 = b + j * ldb;
        const float *b1 = b + (j + (g > 1 ? 1 : 0)) * ldb;
        const float *b2 = b + (j + (g > 2 ? 2 : 0)) * ldb;
        const float *b3 = b + (j + (g > 3 ? 3 : 0)) * ldb;
        for (long i = 0; i < m; i++) {
            const float *ai = a + i * lda;
            /* Two accumulators per product (even and odd 8-float chunks) hide the FMA latency. */
            v8 e0 = {0}, e1 = {0}, e2 = {0}, e3 = {0}, o0 = {0}, o1 = {0}, o2 = {0}, o3 = {0};
            long p = 0;
            for (; p < k16; p += 16) {
                v8 x = LOAD(ai + p), y = LOAD(ai + p + 8);
                e0 += x * LOAD(b0 + p); o0 += y * LOAD(b0 + p + 8);
                e1 += x * LOAD(b1 + p); o1 += y * LOAD(b1 + p + 8);
                e2 += x * LOAD(b2 + p); o2 += y * LOAD(b2 + p + 8);
                e3 += x * LOAD(b3 + p); o3 += y * LOAD(b3 + p + 8);
            }
            if (p < k8) {
                v8 x = LOAD(ai + p);
                e0 += x * LOAD(b0 + p); e1 += x * LOAD(b1 + p);
                e2 += x * LOAD(b2 + p); e3 += x * LOAD(b3 + p);
                p += 8;
            }
            v8 t0 = e0 + o0, t1 = e1 + o1, t2 = e2 + o2, t3 = e3 + o3;
            float s[4] = {HSUM(t0), HSUM(t1), HSUM(t2), HSUM(t3)};
            for (; p < k; p++) {
                float x = ai[p];
                s[0] += x * b0[p]; s[1] += x * b1[p]; s[2] += x * b2[p]; s[3] += x * b3[p];
            }
            float *ci = c + i * ldc + j;
            for (long t = 0; t < g; t++) ci[t] = beta == 0.0f ? alpha * s[t] : alpha * s[t] + beta * ci[t];
        }
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
static void dot_avx2(long m, long n, long k, float alpha, const float *a, long lda, const float *b, long ldb,
                     float beta, float *c, long ldc) {
    dot_body(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
#endif

static void dot_portable(long m, long n, long k, float alpha, const float *a, long lda, const float *b, long ldb,
                         float beta, float *c, long ldc) {
    dot_body(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void rk_sgemm_dot(int isa, long m, long n, long k, float alpha, const float *a, long lda,
                  const float *b, long ldb, float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0 || alpha == 0.0f) { /* as rk_sgemm_packed: C = beta * C */
        for (long i = 0; i < m; i++)
            for (long j = 0; j < n; j++) c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
        return;
    }
#if defined(__x86_64__)
    if (isa >= RK_ISA_AVX2 && rk_cpu_isa() >= RK_ISA_AVX2) {
        dot_avx2(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
#endif
    (void)isa;
    dot_portable(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/* Built-in GEMM: the classic packed, register-blocked scheme (Goto & van de Geijn; BLIS).
 * C is computed in MR x NR tiles by a micro-kernel that keeps the tile in registers while it
 * streams a packed MR-row panel of A and a packed NR-column panel of B over KC steps. Blocks of
 * A (MC x KC) stay in L2, panels of B (KC x NR) in L1 or L2 (64 KB for the AVX-512 tile: KC
 * 128 to fit L1 was measured slower than 256). For the small-batch products of SGD (few rows
 * of A) B is read in place instead of packed: packing would cost as much as the product
 * itself; with B transposed, gemm_dot.c takes over. Threads are the caller's business
 * (parallel.c splits C into slabs). */
#include "CKernels.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define RK_X86 1
#endif

/* Tile shapes are per micro-kernel (see `kernels` below). The depth of a K block is shared:
 * every kernel then sums each element in the same order, which is what makes the AVX2 and
 * AVX-512 kernels give the same bits. */
#define KC 256
#define MC 102  /* multiple of every kernel's mr; covers a minibatch of 100 in one block */
#define NC 4096 /* multiple of every kernel's nr */
_Static_assert(MC % 6 == 0 && NC % 64 == 0 && NC % 16 == 0, "MC and NC must hold whole tiles");
/* Up to this many rows of A, B is read in place. 128 covers minibatch 100; measured against
 * 32 on Zen 5: 100x1000x1000 399 -> 407 GFLOP/s, within the run-to-run noise. */
#define DIRECT_B_MAX_M 128

static long min_l(long a, long b) { return a < b ? a : b; }

/* ---- per-thread packing buffers, allocated once per thread and freed at thread exit ---- */

typedef struct { float *a; float *b; } scratch_t;
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_free(void *p) {
    scratch_t *s = p;
    free(s->a);
    free(s->b);
    free(s);
}
static void scratch_make_key(void) { pthread_key_create(&scratch_key, scratch_free); }

static scratch_t *scratch(void) {
    pthread_once(&scratch_once, scratch_make_key);
    scratch_t *s = pthread_getspecific(scratch_key);
    if (s) return s;
    s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->a = aligned_alloc(64, sizeof(float) * MC * KC);
    s->b = aligned_alloc(64, sizeof(float) * KC * NC);
    if (!s->a || !s->b || pthread_setspecific(scratch_key, s) != 0) {
        scratch_free(s);
        return NULL;
    }
    return s;
}

/* ---- packing ---- */

/* Packs the mc x kc block of op(A) starting at `a` into MR-row panels, column by column,
 * zero-padding the last panel. */
static void pack_a(long MR, int trans, long mc, long kc, const float *a, long lda, float *dst) {
    for (long i0 = 0; i0 < mc; i0 += MR) {
        long mr = min_l(MR, mc - i0);
        if (trans) {
            for (long p = 0; p < kc; p++, dst += MR) {
                const float *src = a + p * lda + i0;
                long i = 0;
                for (; i < mr; i++) dst[i] = src[i];
                for (; i < MR; i++) dst[i] = 0.0f;
            }
        } else {
            for (long p = 0; p < kc; p++, dst += MR) {
                long i = 0;
                for (; i < mr; i++) dst[i] = a[(i0 + i) * lda + p];
                for (; i < MR; i++) dst[i] = 0.0f;
            }
        }
    }
}

/* Packs the kc x nc block of op(B) starting at `b` into NR-column panels, row by row,
 * zero-padding the last panel. */
static void pack_b(long NR, int trans, long kc, long nc, const float *b, long ldb, float *dst) {
    for (long j0 = 0; j0 < nc; j0 += NR, dst += NR * kc) {
        long nr = min_l(NR, nc - j0);
        if (trans) {
            /* Row by row of the panel, so the writes are contiguous; each line of the nr source
             * rows stays in L1 for the 16 rows of the panel that use it. Measured against
             * column by column: 100x1000x1000 with B transposed 283 -> 354 GFLOP/s. */
            const float *src = b + j0 * ldb;
            for (long p = 0; p < kc; p++) {
                float *d = dst + p * NR;
                long j = 0;
                for (; j < nr; j++) d[j] = src[j * ldb + p];
                for (; j < NR; j++) d[j] = 0.0f;
            }
        } else {
            for (long p = 0; p < kc; p++) {
                const float *src = b + p * ldb + j0;
                float *d = dst + p * NR;
                long j = 0;
                for (; j < nr; j++) d[j] = src[j];
                for (; j < NR; j++) d[j] = 0.0f;
            }
        }
    }
}

/* Writes an MR x NR accumulator tile (rows NR apart) into C: C = alpha * acc + beta * C on the
 * mr x nr corner. */
static void store_tile(long NR, const float *acc, float *c, long ldc, float alpha, float beta, long mr, long nr) {
    for (long i = 0; i < mr; i++) {
        float *ci = c + i * ldc;
        const float *ai = acc + i * NR;
        if (beta == 0.0f) {
            for (long j = 0; j < nr; j++) ci[j] = alpha * ai[j];
        } else {
            for (long j = 0; j < nr; j++) ci[j] = alpha * ai[j] + beta * ci[j];
        }
    }
}

/* ---- micro-kernels: acc[MR][NR] = sum_p a[p][0..MR) (x) b[p][0..NR) ---- */

typedef void (*ukernel_fn)(long kc, const float *a, const float *b, long bstride, float *c, long ldc,
                           float alpha, float beta, long mr, long nr);

static void ukernel_portable(long kc, const float *a, const float *b, long bstride, float *c, long ldc,
                             float alpha, float beta, long mr, long nr) {
    enum { MR = 6, NR = 16 };
    float acc[MR * NR] = {0};
    for (long p = 0; p < kc; p++, a += MR, b += bstride) {
        for (int i = 0; i < MR; i++) {
            float ai = a[i];
            for (int j = 0; j < NR; j++) acc[i * NR + j] += ai * b[j];
        }
    }
    store_tile(NR, acc, c, ldc, alpha, beta, mr, nr);
}

#if RK_X86
__attribute__((target("avx2,fma")))
static void ukernel_avx2(long kc, const float *a, const float *b, long bstride, float *c, long ldc,
                         float alpha, float beta, long mr, long nr) {
    enum { MR = 6, NR = 16 };
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
    __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
    /* The tile of C is read after the loop: start fetching it now. */
    for (long i = 0; i < mr; i++) _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
#pragma clang loop unroll_count(4)
    for (long p = 0; p < kc; p++, a += MR, b += bstride) {
        __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8), x;
        x = _mm256_broadcast_ss(a + 0); c00 = _mm256_fmadd_ps(x, b0, c00); c01 = _mm256_fmadd_ps(x, b1, c01);
        x = _mm256_broadcast_ss(a + 1); c10 = _mm256_fmadd_ps(x, b0, c10); c11 = _mm256_fmadd_ps(x, b1, c11);
        x = _mm256_broadcast_ss(a + 2); c20 = _mm256_fmadd_ps(x, b0, c20); c21 = _mm256_fmadd_ps(x, b1, c21);
        x = _mm256_broadcast_ss(a + 3); c30 = _mm256_fmadd_ps(x, b0, c30); c31 = _mm256_fmadd_ps(x, b1, c31);
        x = _mm256_broadcast_ss(a + 4); c40 = _mm256_fmadd_ps(x, b0, c40); c41 = _mm256_fmadd_ps(x, b1, c41);
        x = _mm256_broadcast_ss(a + 5); c50 = _mm256_fmadd_ps(x, b0, c50); c51 = _mm256_fmadd_ps(x, b1, c51);
    }
    /* A ragged tile goes through a full-size copy, so that every element is rounded by the
     * same vector arithmetic (as the AVX-512 kernel does with lane masks). */
    float tmp[MR * NR];
    int ragged = mr != MR || nr != NR;
    float *dst = c;
    long ld = ldc;
    if (ragged) {
        memset(tmp, 0, sizeof tmp);
        if (beta != 0.0f)
            for (long i = 0; i < mr; i++) memcpy(tmp + i * NR, c + i * ldc, sizeof(float) * (size_t)nr);
        dst = tmp;
        ld = NR;
    }
    __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
#define RK_ROW(i, lo, hi)                                                                               \
    do {                                                                                                \
        float *ci = dst + (i) * ld;                                                                     \
        if (beta == 0.0f) {                                                                             \
            _mm256_storeu_ps(ci, _mm256_mul_ps(va, lo));                                                \
            _mm256_storeu_ps(ci + 8, _mm256_mul_ps(va, hi));                                            \
        } else {                                                                                        \
            _mm256_storeu_ps(ci, _mm256_fmadd_ps(va, lo, _mm256_mul_ps(vb, _mm256_loadu_ps(ci))));         \
            _mm256_storeu_ps(ci + 8, _mm256_fmadd_ps(va, hi, _mm256_mul_ps(vb, _mm256_loadu_ps(ci + 8)))); \
        }                                                                                               \
    } while (0)
    RK_ROW(0, c00, c01); RK_ROW(1, c10, c11); RK_ROW(2, c20, c21);
    RK_ROW(3, c30, c31); RK_ROW(4, c40, c41); RK_ROW(5, c50, c51);
#undef RK_ROW
    if (ragged)
        for (long i = 0; i < mr; i++) memcpy(c + i * ldc, tmp + i * NR, sizeof(float) * (size_t)nr);
}

/* 6 x 64 tile in 24 zmm accumulators: per step of k, four 16-float loads of B, six broadcasts
 * of A and 24 FMAs. Ragged tiles are stored with lane masks. On CPUs with full-width AVX-512
 * units (AMD Zen 5, Intel server cores) this doubles the FMA throughput of the AVX2 kernel. */
__attribute__((target("avx512f")))
static void ukernel_avx512(long kc, const float *a, const float *b, long bstride, float *c, long ldc,
                           float alpha, float beta, long mr, long nr) {
    enum { MR = 6, NV = 4 };
    __m512 acc[MR][NV];
    for (int i = 0; i < MR; i++)
        for (int v = 0; v < NV; v++) acc[i][v] = _mm512_setzero_ps();
    for (long p = 0; p < kc; p++, a += MR, b += bstride) {
        __m512 bv[NV];
        for (int v = 0; v < NV; v++) bv[v] = _mm512_loadu_ps(b + 16 * v);
        for (int i = 0; i < MR; i++) {
            __m512 x = _mm512_set1_ps(a[i]);
            for (int v = 0; v < NV; v++) acc[i][v] = _mm512_fmadd_ps(x, bv[v], acc[i][v]);
        }
    }
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    for (int v = 0; v < NV; v++) {
        long lanes = nr - 16 * v;
        if (lanes <= 0) break;
        __mmask16 mask = lanes >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << lanes) - 1);
        for (int i = 0; i < MR; i++) {
            if (i >= mr) break;
            float *ci = c + i * ldc + 16 * v;
            /* Rounded exactly as the AVX2 kernel does, so both give the same bits. */
            __m512 r = beta == 0.0f ? _mm512_mul_ps(va, acc[i][v])
                                    : _mm512_fmadd_ps(va, acc[i][v], _mm512_mul_ps(vb, _mm512_maskz_loadu_ps(mask, ci)));
            _mm512_mask_storeu_ps(ci, mask, r);
        }
    }
}
#endif

/* The micro-kernels, by instruction set (RK_ISA_*), with their tile shapes. */
typedef struct { long mr, nr; ukernel_fn fn; } ukernel_t;
static const ukernel_t kernels[] = {
    [RK_ISA_PORTABLE] = {6, 16, ukernel_portable},
#if RK_X86
    [RK_ISA_AVX2] = {6, 16, ukernel_avx2},
    [RK_ISA_AVX512] = {6, 64, ukernel_avx512},
#else
    [RK_ISA_AVX2] = {6, 16, ukernel_portable},
    [RK_ISA_AVX512] = {6, 16, ukernel_portable},
#endif
};

/* ---- driver ---- */

static void scale_c(long m, long n, float beta, float *c, long ldc) {
    for (long i = 0; i < m; i++) {
        float *ci = c + i * ldc;
        if (beta == 0.0f) memset(ci, 0, sizeof(float) * n);
        else for (long j = 0; j < n; j++) ci[j] *= beta;
    }
}

int rk_sgemm(int trans_a, int trans_b, long m, long n, long k, float alpha,
             const float *a, long lda, const float *b, long ldb,
             float beta, float *c, long ldc) {
    return rk_sgemm_isa(rk_cpu_isa(), trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

int rk_sgemm_isa(int isa, int trans_a, int trans_b, long m, long n, long k, float alpha,
                 const float *a, long lda, const float *b, long ldb,
                 float beta, float *c, long ldc) {
    if (rk_sgemm_uses_dot(trans_a, trans_b, m)) {
        rk_sgemm_dot(isa, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return 0;
    }
    return rk_sgemm_packed(isa, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

int rk_sgemm_uses_dot(int trans_a, int trans_b, long m) { return !trans_a && trans_b && m <= RK_DOT_MAX_M; }

int rk_sgemm_packed(int isa, int trans_a, int trans_b, long m, long n, long k, float alpha,
                    const float *a, long lda, const float *b, long ldb,
                    float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return 0;
    if (k <= 0 || alpha == 0.0f) {
        if (beta != 1.0f) scale_c(m, n, beta, c, ldc);
        return 0;
    }
    scratch_t *s = scratch();
    if (!s) return -1;
    if (isa > rk_cpu_isa()) isa = rk_cpu_isa();
    if (isa < RK_ISA_PORTABLE) isa = RK_ISA_PORTABLE;
    const long MR = kernels[isa].mr, NR = kernels[isa].nr;
    ukernel_fn kernel = kernels[isa].fn;
    int direct_b = !trans_b && m <= DIRECT_B_MAX_M;

    for (long jc = 0; jc < n; jc += NC) {
        long nc = min_l(NC, n - jc);
        for (long pc = 0; pc < k; pc += KC) {
            long kc = min_l(KC, k - pc);
            float beta_k = pc == 0 ? beta : 1.0f; /* later K blocks accumulate */
            const float *bblock = trans_b ? b + jc * ldb + pc : b + pc * ldb + jc;
            if (!direct_b) pack_b(NR, trans_b, kc, nc, bblock, ldb, s->b);
            for (long ic = 0; ic < m; ic += MC) {
                long mc = min_l(MC, m - ic);
                pack_a(MR, trans_a, mc, kc, trans_a ? a + pc * lda + ic : a + ic * lda + pc, lda, s->a);
                for (long jr = 0; jr < nc; jr += NR) {
                    long nr = min_l(NR, nc - jr);
                    const float *panel = s->b + jr * kc;
                    long stride = NR;
                    if (direct_b && nr == NR) {
                        panel = bblock + jr;
                        stride = ldb;
                    } else if (direct_b) { /* ragged right edge: pack it so the kernel never reads past B */
                        pack_b(NR, 0, kc, nr, bblock + jr, ldb, s->b);
                        panel = s->b;
                    }
                    for (long ir = 0; ir < mc; ir += MR) {
                        kernel(kc, s->a + ir * kc, panel, stride, c + (ic + ir) * ldc + jc + jr, ldc,
                               alpha, beta_k, min_l(MR, mc - ir), nr);
                    }
                }
            }
        }
    }
    return 0;
}

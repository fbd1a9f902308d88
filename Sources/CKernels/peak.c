/* The machine's FMA peak: vector FMAs on registers only, no memory traffic, so the figure is
   what the FMA units can do and each GEMM can be read as a fraction of it. */
#include "CKernels.h"
#include <time.h>

#if defined(__x86_64__)
#include <immintrin.h>

/* Twelve independent chains: more than FMA latency x issue width (4 x 2 on current cores). */
__attribute__((target("avx512f")))
static float fma_loop_avx512(long iterations) {
    __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    __m512 c0 = _mm512_set1_ps(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
    __m512 c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
    for (long i = 0; i < iterations; i++) {
        c0 = _mm512_fmadd_ps(c0, a, b); c1 = _mm512_fmadd_ps(c1, a, b); c2 = _mm512_fmadd_ps(c2, a, b);
        c3 = _mm512_fmadd_ps(c3, a, b); c4 = _mm512_fmadd_ps(c4, a, b); c5 = _mm512_fmadd_ps(c5, a, b);
        c6 = _mm512_fmadd_ps(c6, a, b); c7 = _mm512_fmadd_ps(c7, a, b); c8 = _mm512_fmadd_ps(c8, a, b);
        c9 = _mm512_fmadd_ps(c9, a, b); c10 = _mm512_fmadd_ps(c10, a, b); c11 = _mm512_fmadd_ps(c11, a, b);
    }
    __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(c0, c1), _mm512_add_ps(c2, c3)),
                             _mm512_add_ps(_mm512_add_ps(c4, c5), _mm512_add_ps(c6, c7)));
    s = _mm512_add_ps(s, _mm512_add_ps(_mm512_add_ps(c8, c9), _mm512_add_ps(c10, c11)));
    return _mm512_reduce_add_ps(s);
}

__attribute__((target("avx2,fma")))
static float fma_loop_avx2(long iterations) {
    __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    __m256 c0 = _mm256_setzero_ps(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
    __m256 c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
    for (long i = 0; i < iterations; i++) {
        c0 = _mm256_fmadd_ps(c0, a, b); c1 = _mm256_fmadd_ps(c1, a, b); c2 = _mm256_fmadd_ps(c2, a, b);
        c3 = _mm256_fmadd_ps(c3, a, b); c4 = _mm256_fmadd_ps(c4, a, b); c5 = _mm256_fmadd_ps(c5, a, b);
        c6 = _mm256_fmadd_ps(c6, a, b); c7 = _mm256_fmadd_ps(c7, a, b); c8 = _mm256_fmadd_ps(c8, a, b);
        c9 = _mm256_fmadd_ps(c9, a, b); c10 = _mm256_fmadd_ps(c10, a, b); c11 = _mm256_fmadd_ps(c11, a, b);
    }
    __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c0, c1), _mm256_add_ps(c2, c3)),
                             _mm256_add_ps(_mm256_add_ps(c4, c5), _mm256_add_ps(c6, c7)));
    s = _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(c8, c9), _mm256_add_ps(c10, c11)));
    float lanes[8];
    _mm256_storeu_ps(lanes, s);
    return lanes[0] + lanes[1] + lanes[2] + lanes[3] + lanes[4] + lanes[5] + lanes[6] + lanes[7];
}
#endif

/* Scalar FMAs in twelve chains (what the portable kernels can expect at best, unvectorised). */
static float fma_loop_portable(long iterations) {
    float a = 0.999999f, b = 1e-7f, c[12] = {0};
    for (long i = 0; i < iterations; i++)
        for (int j = 0; j < 12; j++) c[j] = __builtin_fmaf(c[j], a, b);
    float s = 0;
    for (int j = 0; j < 12; j++) s += c[j];
    return s;
}

long rk_fma_flops_per_iteration(int isa) {
    if (isa > rk_cpu_isa()) isa = rk_cpu_isa();
    int lanes = isa >= RK_ISA_AVX512 ? 16 : isa == RK_ISA_AVX2 ? 8 : 1;
    return 12L * lanes * 2;
}

float rk_fma_loop(int isa, long iterations) {
    if (isa > rk_cpu_isa()) isa = rk_cpu_isa();
#if defined(__x86_64__)
    if (isa >= RK_ISA_AVX512) return fma_loop_avx512(iterations);
    if (isa == RK_ISA_AVX2) return fma_loop_avx2(iterations);
#endif
    return fma_loop_portable(iterations);
}

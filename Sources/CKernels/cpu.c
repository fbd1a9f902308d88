/* What the CPU runs, asked once: picks the micro-kernels. */
#include "CKernels.h"

int rk_cpu_isa(void) {
#if defined(__x86_64__)
    /* Cached: the answer never changes, and concurrent first calls store the same value. */
    static int cached = -1;
    int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (v < 0) {
        __builtin_cpu_init();
        v = RK_ISA_PORTABLE;
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) v = RK_ISA_AVX2;
        if (v == RK_ISA_AVX2 && __builtin_cpu_supports("avx512f")) v = RK_ISA_AVX512;
        __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
    }
    return v;
#else
    return RK_ISA_PORTABLE;
#endif
}

int rk_cpu_has_avx2_fma(void) { return rk_cpu_isa() >= RK_ISA_AVX2; }

#ifndef RECTIFIER_CKERNELS_H
#define RECTIFIER_CKERNELS_H

/* Hot numeric kernels of Rectifier. Row-major float32 matrices throughout.
 * Each kernel has a plain reference twin in Swift (Sources/Rectifier/LinearAlgebra),
 * and the tests compare the two. */

/* C = alpha * op(A) * op(B) + beta * C, where op(A) is m x k and op(B) is k x n.
 * trans_a / trans_b non-zero mean A / B are stored transposed. beta == 0 means C is
 * not read (so it may hold garbage). Returns 0, or -1 when the per-thread packing
 * buffers (about 2 MB) cannot be allocated. */
int rk_sgemm(int trans_a, int trans_b, long m, long n, long k, float alpha,
             const float *a, long lda, const float *b, long ldb,
             float beta, float *c, long ldc);

/* 1 when this CPU runs the AVX2+FMA micro-kernel, 0 when the portable one. */
int rk_cpu_has_avx2_fma(void);

#endif

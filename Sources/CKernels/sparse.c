/* Kernels that visit only the non-zero inputs of a layer. With rectifier units most hidden
 * activations are exactly zero, and most MNIST pixels are too; a row of W whose input is zero
 * contributes nothing to the output, receives no gradient and needs no update.
 *
 * Bodies are written once with GCC/Clang vector types and compiled twice: for AVX2+FMA and
 * for the baseline ISA; the right one is chosen at run time. */
#include "CKernels.h"

#include <string.h>

typedef float v8 __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4))); /* unaligned access */

#define LOAD(p) (*(const v8u *)(p))
#define STORE(p, v) (*(v8u *)(p) = (v))

long rk_csr_build(long m, long k, const float *x, long ldx, int *row_start, int *index, float *values) {
    long nnz = 0;
    for (long b = 0; b < m; b++) {
        row_start[b] = (int)nnz;
        const float *row = x + b * ldx;
        /* Branch-free: at rectifier densities (10-60% non-zero) a branch mispredicts often. */
        for (long i = 0; i < k; i++) {
            index[nnz] = (int)i;
            values[nnz] = row[i];
            nnz += row[i] != 0.0f;
        }
    }
    row_start[m] = (int)nnz;
    return nnz;
}

long rk_csr_transpose(long m, long k, const int *row_start, const int *index, const float *values,
                      int *col_start, int *col_rows, float *col_values) {
    long nnz = row_start[m] - row_start[0];
    for (long i = 0; i <= k; i++) col_start[i] = 0;
    for (long p = row_start[0]; p < row_start[m]; p++) col_start[index[p] + 1]++;
    for (long i = 0; i < k; i++) col_start[i + 1] += col_start[i];
    /* Rows are visited in order, so each column lists its rows in increasing order: the same
     * order in which the dense-input backward finds them. */
    for (long b = 0; b < m; b++) {
        for (long p = row_start[b]; p < row_start[b + 1]; p++) {
            int slot = col_start[index[p]]++;
            col_rows[slot] = (int)b;
            col_values[slot] = values[p];
        }
    }
    for (long i = k; i > 0; i--) col_start[i] = col_start[i - 1];
    col_start[0] = 0;
    return nnz;
}

/* ---- forward ---- */

/* Software prefetch for the one-example forward: how many active rows ahead, and how much of
 * each row (measured: about 5% faster batch-1 inference than none, on a 2-core Zen 5). */
#define PREFETCH_ROWS 2
#define PREFETCH_BYTES 512

static inline __attribute__((always_inline)) void forward_body(
    long m, long n_begin, long n_end, const int *row_start, const int *index,
    const float *values, const float *w, long ldw, float *y, long ldy) {
    if (m == 1) {
        /* One example: stream each active row of W once, contiguously, accumulating into y
         * (which stays in L1). Same additions in the same order as the blocked loop below. */
        float *yr = y + n_begin;
        long width = n_end - n_begin;
        memset(yr, 0, (size_t)width * sizeof(float));
        for (int p = row_start[0]; p < row_start[1]; p++) {
            int i = index[p];
            const float *wr = w + (long)i * ldw + n_begin;
            float s = values[p];
            /* The rows are scattered, so the hardware prefetcher restarts on each; ask for the
             * start of the row PREFETCH_ROWS ahead. */
            if (p + PREFETCH_ROWS < row_start[1]) {
                const char *next = (const char *)(w + (long)index[p + PREFETCH_ROWS] * ldw + n_begin);
                for (long off = 0; off < width * (long)sizeof(float) && off < PREFETCH_BYTES; off += 64)
                    __builtin_prefetch(next + off);
            }
            long j = 0;
            for (; j + 32 <= width; j += 32) {
                STORE(yr + j, LOAD(yr + j) + s * LOAD(wr + j));
                STORE(yr + j + 8, LOAD(yr + j + 8) + s * LOAD(wr + j + 8));
                STORE(yr + j + 16, LOAD(yr + j + 16) + s * LOAD(wr + j + 16));
                STORE(yr + j + 24, LOAD(yr + j + 24) + s * LOAD(wr + j + 24));
            }
            for (; j + 8 <= width; j += 8) STORE(yr + j, LOAD(yr + j) + s * LOAD(wr + j));
            for (; j < width; j++) yr[j] += s * wr[j];
        }
        return;
    }
    long j = n_begin;
    /* 64-column blocks: eight independent accumulators hide the FMA latency. */
    for (; j + 64 <= n_end; j += 64) {
        for (long b = 0; b < m; b++) {
            v8 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}, a4 = {0}, a5 = {0}, a6 = {0}, a7 = {0};
            for (int p = row_start[b]; p < row_start[b + 1]; p++) {
                const float *wr = w + (long)index[p] * ldw + j;
                float s = values[p];
                a0 += s * LOAD(wr);      a1 += s * LOAD(wr + 8);
                a2 += s * LOAD(wr + 16); a3 += s * LOAD(wr + 24);
                a4 += s * LOAD(wr + 32); a5 += s * LOAD(wr + 40);
                a6 += s * LOAD(wr + 48); a7 += s * LOAD(wr + 56);
            }
            float *yr = y + b * ldy + j;
            STORE(yr, a0);      STORE(yr + 8, a1);  STORE(yr + 16, a2); STORE(yr + 24, a3);
            STORE(yr + 32, a4); STORE(yr + 40, a5); STORE(yr + 48, a6); STORE(yr + 56, a7);
        }
    }
    for (; j + 8 <= n_end; j += 8) {
        for (long b = 0; b < m; b++) {
            v8 a = {0};
            for (int p = row_start[b]; p < row_start[b + 1]; p++) a += values[p] * LOAD(w + (long)index[p] * ldw + j);
            STORE(y + b * ldy + j, a);
        }
    }
    for (; j < n_end; j++) {
        for (long b = 0; b < m; b++) {
            float a = 0;
            for (int p = row_start[b]; p < row_start[b + 1]; p++) a += values[p] * w[(long)index[p] * ldw + j];
            y[b * ldy + j] = a;
        }
    }
}

/* ---- backward + update ---- */

static inline __attribute__((always_inline)) float dot_body(long n, const float *a, const float *b) {
    v8 s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
    long j = 0;
    for (; j + 32 <= n; j += 32) {
        s0 += LOAD(a + j) * LOAD(b + j);
        s1 += LOAD(a + j + 8) * LOAD(b + j + 8);
        s2 += LOAD(a + j + 16) * LOAD(b + j + 16);
        s3 += LOAD(a + j + 24) * LOAD(b + j + 24);
    }
    for (; j + 8 <= n; j += 8) s0 += LOAD(a + j) * LOAD(b + j);
    v8 s = (s0 + s1) + (s2 + s3);
    float r = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
    for (; j < n; j++) r += a[j] * b[j];
    return r;
}


/* w[i, :] += sum_t coef_t * dy[row_t, :] over the `count` (row, coefficient) pairs of one
 * weight row, in the order given: 32 columns at a time in registers, one pass over the row. */
static inline __attribute__((always_inline)) void update_row(
    long n, float *wi, int count, const int *rows, const float *coef, float alpha, const float *dy, long lddy) {
    long j = 0;
    for (; j + 32 <= n; j += 32) {
        v8 w0 = LOAD(wi + j), w1 = LOAD(wi + j + 8), w2 = LOAD(wi + j + 16), w3 = LOAD(wi + j + 24);
        for (int t = 0; t < count; t++) {
            const float *d = dy + rows[t] * lddy + j;
            float c = alpha * coef[t];
            w0 += c * LOAD(d);      w1 += c * LOAD(d + 8);
            w2 += c * LOAD(d + 16); w3 += c * LOAD(d + 24);
        }
        STORE(wi + j, w0); STORE(wi + j + 8, w1); STORE(wi + j + 16, w2); STORE(wi + j + 24, w3);
    }
    for (; j < n; j++) {
        float v = wi[j];
        for (int t = 0; t < count; t++) v += (alpha * coef[t]) * dy[rows[t] * lddy + j];
        wi[j] = v;
    }
}

static inline __attribute__((always_inline)) void backward_body(
    long m, long n, long row_begin, long row_end, const float *x, long ldx,
    const float *dy, long lddy, float *w, long ldw, float *dx, long lddx, float alpha) {
    int active[RK_MAX_FUSED_BATCH];
    float value[RK_MAX_FUSED_BATCH];
    for (long i = row_begin; i < row_end; i++) {
        int count = 0;
        for (long b = 0; b < m; b++) {
            float v = x[b * ldx + i];
            if (v != 0.0f) {
                active[count] = (int)b;
                value[count] = v;
                count++;
            }
        }
        float *wi = w + i * ldw;
        if (dx) {
            for (long b = 0; b < m; b++) dx[b * lddx + i] = 0.0f;
            for (int t = 0; t < count; t++) dx[active[t] * lddx + i] = dot_body(n, dy + active[t] * lddy, wi);
        }
        if (count) update_row(n, wi, count, active, value, alpha, dy, lddy);
    }
}

static inline __attribute__((always_inline)) void csc_update_body(
    long n, long row_begin, long row_end, const int *col_start, const int *col_rows, const float *col_values,
    const float *dy, long lddy, float *w, long ldw, float alpha) {
    for (long i = row_begin; i < row_end; i++) {
        int begin = col_start[i], count = col_start[i + 1] - begin;
        if (count) update_row(n, w + i * ldw, count, col_rows + begin, col_values + begin, alpha, dy, lddy);
    }
}

/* ---- dispatch: one copy of each body per instruction set ---- */

#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
static void forward_avx2(long m, long nb, long ne, const int *rs, const int *ix, const float *v,
                         const float *w, long ldw, float *y, long ldy) {
    forward_body(m, nb, ne, rs, ix, v, w, ldw, y, ldy);
}
__attribute__((target("avx2,fma")))
static void backward_avx2(long m, long n, long rb, long re, const float *x, long ldx, const float *dy, long lddy,
                          float *w, long ldw, float *dx, long lddx, float alpha) {
    backward_body(m, n, rb, re, x, ldx, dy, lddy, w, ldw, dx, lddx, alpha);
}
__attribute__((target("avx2,fma")))
static void csc_update_avx2(long n, long rb, long re, const int *cs, const int *cr, const float *cv,
                            const float *dy, long lddy, float *w, long ldw, float alpha) {
    csc_update_body(n, rb, re, cs, cr, cv, dy, lddy, w, ldw, alpha);
}
#endif

static void forward_portable(long m, long nb, long ne, const int *rs, const int *ix, const float *v,
                             const float *w, long ldw, float *y, long ldy) {
    forward_body(m, nb, ne, rs, ix, v, w, ldw, y, ldy);
}
static void backward_portable(long m, long n, long rb, long re, const float *x, long ldx, const float *dy, long lddy,
                              float *w, long ldw, float *dx, long lddx, float alpha) {
    backward_body(m, n, rb, re, x, ldx, dy, lddy, w, ldw, dx, lddx, alpha);
}
static void csc_update_portable(long n, long rb, long re, const int *cs, const int *cr, const float *cv,
                                const float *dy, long lddy, float *w, long ldw, float alpha) {
    csc_update_body(n, rb, re, cs, cr, cv, dy, lddy, w, ldw, alpha);
}

void rk_sparse_forward(long m, long n_begin, long n_end, const int *row_start, const int *index,
                       const float *values, const float *w, long ldw, float *y, long ldy) {
#if defined(__x86_64__)
    if (rk_cpu_has_avx2_fma()) {
        forward_avx2(m, n_begin, n_end, row_start, index, values, w, ldw, y, ldy);
        return;
    }
#endif
    forward_portable(m, n_begin, n_end, row_start, index, values, w, ldw, y, ldy);
}

void rk_csc_update(long n, long row_begin, long row_end, const int *col_start, const int *col_rows,
                   const float *col_values, const float *dy, long lddy, float *w, long ldw, float alpha) {
#if defined(__x86_64__)
    if (rk_cpu_has_avx2_fma()) {
        csc_update_avx2(n, row_begin, row_end, col_start, col_rows, col_values, dy, lddy, w, ldw, alpha);
        return;
    }
#endif
    csc_update_portable(n, row_begin, row_end, col_start, col_rows, col_values, dy, lddy, w, ldw, alpha);
}

int rk_sparse_backward(long m, long n, long row_begin, long row_end, const float *x, long ldx,
                       const float *dy, long lddy, float *w, long ldw, float *dx, long lddx, float alpha) {
    if (m > RK_MAX_FUSED_BATCH) return -1;
#if defined(__x86_64__)
    if (rk_cpu_has_avx2_fma()) {
        backward_avx2(m, n, row_begin, row_end, x, ldx, dy, lddy, w, ldw, dx, lddx, alpha);
        return 0;
    }
#endif
    backward_portable(m, n, row_begin, row_end, x, ldx, dy, lddy, w, ldw, dx, lddx, alpha);
    return 0;
}

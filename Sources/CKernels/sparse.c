/* Kernels that visit only the non-zero inputs of a layer. With rectifier units most hidden
 * activations are exactly zero, and most MNIST pixels are too; a row of W whose input is zero
 * contributes nothing to the output, receives no gradient and needs no update.
 *
 * Batches of up to RK_BLOCKED_BATCH - 1 examples take one example (forward) or one row of W
 * (backward) at a time; larger batches work in cache blocks, with the same sums.
 *
 * Bodies are written once with GCC/Clang vector types and compiled twice: for AVX2+FMA and
 * for the baseline ISA; the caller picks one (`isa`), clamped to what the CPU runs. */
#include "CKernels.h"

#include <stdlib.h>
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

/* The body for instruction set `isa`, clamped to what the CPU runs. These kernels have no
 * AVX-512 body: RK_ISA_AVX512 runs the AVX2 one. */
static int use_avx2(int isa) {
#if defined(__x86_64__)
    return isa >= RK_ISA_AVX2 && rk_cpu_has_avx2_fma();
#else
    (void)isa;
    return 0;
#endif
}

static inline __attribute__((always_inline)) long count_body(long count, const float *x) {
    long nnz = 0, i = 0;
    typedef int v8i __attribute__((vector_size(32)));
    v8i acc = {0};
    const v8 zero = {0};
    /* Lanes count their non-zeros (a true comparison is -1); summed every 2^20 blocks at most. */
    for (; i + 8 <= count; i += 8) {
        acc -= (v8i)(LOAD(x + i) != zero);
        if ((i & ((8L << 20) - 8)) == ((8L << 20) - 8)) {
            for (int l = 0; l < 8; l++) nnz += acc[l];
            acc = (v8i){0};
        }
    }
    for (int l = 0; l < 8; l++) nnz += acc[l];
    for (; i < count; i++) nnz += x[i] != 0.0f;
    return nnz;
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static long count_avx2(long count, const float *x) { return count_body(count, x); }
#endif

long rk_count_nonzero(int isa, long count, const float *x) {
#if defined(__x86_64__)
    if (use_avx2(isa)) return count_avx2(count, x);
#endif
    return count_body(count, x);
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
/* The large-batch forward (RK_BLOCKED_BATCH examples or more): rows of W per block, examples
 * per pass (their cursors live on the stack), and how many times a pass must read W's rows on
 * average for copying them to pay (measured on Zen 3: at batch 64 and 10% non-zeros, copying
 * was 3% slower; at batch 100, 10% faster). */
#define FORWARD_KC 256
#define FORWARD_CHUNK 256
#define FORWARD_MIN_REUSE 8
#define FORWARD_PREFETCH 8 /* rows ahead, when copying a block of W */

/* Y[b0..<b1, j..<j+64] = X W, example by example: eight independent accumulators hide the FMA
 * latency, and the rows of W shared by several examples are read from cache. */
static inline __attribute__((always_inline)) void forward_rows_64(
    long b0, long b1, long j, const int *row_start, const int *index, const float *values,
    const float *w, long ldw, float *y, long ldy) {
    for (long b = b0; b < b1; b++) {
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

/* The same sums for a large batch, in cache blocks: W's rows are taken FORWARD_KC at a time
 * and their 64 columns copied to a contiguous buffer (64 KB, in L2: measured on Zen 3 against
 * 32-1024 rows, 256 was fastest), which every example of the chunk then walks for its
 * non-zeros. Each example keeps a cursor into its (sorted) non-zeros, and its partial sums
 * wait in y between row blocks. In place, the block's rows lie a whole row of W apart: a TLB
 * miss, and often an L2 miss, for every non-zero. `rows`: W's rows the chunk uses. */
static inline __attribute__((always_inline)) void forward_blocked_64(
    long b0, long b1, long nnz, long rows, long j, long width, const int *row_start, const int *index,
    const float *values, const float *w, long ldw, float *y, long ldy, float *packed) {
    int cursor[FORWARD_CHUNK];
    for (long b = b0; b < b1; b++) cursor[b - b0] = row_start[b];
    long left = nnz;
    float part[64] __attribute__((aligned(32))) = {0}; /* a last block narrower than 64 columns, padded */
    for (int k0 = 0; ; k0 += FORWARD_KC) {
        int k1 = k0 + FORWARD_KC;
        long kc = (rows < k1 ? rows : k1) - k0;
        for (long r = 0; r < kc; r++) {
            const float *src = w + (k0 + r) * ldw + j;
            float *dst = packed + r * 64;
            /* The rows lie a row of W apart: ask for the one FORWARD_PREFETCH ahead. */
            if (r + FORWARD_PREFETCH < kc)
                for (long c = 0; c < width; c += 16) __builtin_prefetch(src + FORWARD_PREFETCH * ldw + c);
            if (width == 64) {
                STORE(dst, LOAD(src));           STORE(dst + 8, LOAD(src + 8));
                STORE(dst + 16, LOAD(src + 16)); STORE(dst + 24, LOAD(src + 24));
                STORE(dst + 32, LOAD(src + 32)); STORE(dst + 40, LOAD(src + 40));
                STORE(dst + 48, LOAD(src + 48)); STORE(dst + 56, LOAD(src + 56));
            } else {
                long c = 0;
                for (; c < width; c++) dst[c] = src[c];
                for (; c < 64; c++) dst[c] = 0.0f;
            }
        }
        for (long b = b0; b < b1; b++) {
            int p = cursor[b - b0], end = row_start[b + 1], begin = p;
            float *yr = y + b * ldy + j;
            /* Sums wait in y between row blocks (a narrow last block, through `part`). */
            float *acc = width == 64 ? yr : part;
            v8 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}, a4 = {0}, a5 = {0}, a6 = {0}, a7 = {0};
            if (k0) {
                if (width < 64) memcpy(part, yr, (size_t)width * sizeof(float));
                a0 = LOAD(acc);      a1 = LOAD(acc + 8);  a2 = LOAD(acc + 16); a3 = LOAD(acc + 24);
                a4 = LOAD(acc + 32); a5 = LOAD(acc + 40); a6 = LOAD(acc + 48); a7 = LOAD(acc + 56);
            }
            for (; p < end && index[p] < k1; p++) {
                const float *wr = packed + ((long)index[p] - k0) * 64;
                float s = values[p];
                a0 += s * LOAD(wr);      a1 += s * LOAD(wr + 8);
                a2 += s * LOAD(wr + 16); a3 += s * LOAD(wr + 24);
                a4 += s * LOAD(wr + 32); a5 += s * LOAD(wr + 40);
                a6 += s * LOAD(wr + 48); a7 += s * LOAD(wr + 56);
            }
            cursor[b - b0] = p;
            left -= p - begin;
            if (k0 == 0 || p != begin) {
                STORE(acc, a0);      STORE(acc + 8, a1);  STORE(acc + 16, a2); STORE(acc + 24, a3);
                STORE(acc + 32, a4); STORE(acc + 40, a5); STORE(acc + 48, a6); STORE(acc + 56, a7);
                if (width < 64) memcpy(yr, part, (size_t)width * sizeof(float));
            }
        }
        if (left == 0) break;
    }
}

/* Y[b0..<b1, j..<n_end] for the last columns of a slab (fewer than 64), example by example. */
static inline __attribute__((always_inline)) void forward_rows_tail(
    long b0, long b1, long j, long n_end, const int *row_start, const int *index, const float *values,
    const float *w, long ldw, float *y, long ldy) {
    for (; j + 8 <= n_end; j += 8) {
        for (long b = b0; b < b1; b++) {
            v8 a = {0};
            for (int p = row_start[b]; p < row_start[b + 1]; p++) a += values[p] * LOAD(w + (long)index[p] * ldw + j);
            STORE(y + b * ldy + j, a);
        }
    }
    for (; j < n_end; j++) {
        for (long b = b0; b < b1; b++) {
            float a = 0;
            for (int p = row_start[b]; p < row_start[b + 1]; p++) a += values[p] * w[(long)index[p] * ldw + j];
            y[b * ldy + j] = a;
        }
    }
}

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
    long n64 = n_begin + ((n_end - n_begin) & ~63L);
    float packed[FORWARD_KC * 64] __attribute__((aligned(64)));
    for (long b0 = 0; b0 < m; b0 += FORWARD_CHUNK) {
        long b1 = b0 + FORWARD_CHUNK < m ? b0 + FORWARD_CHUNK : m;
        long nnz = row_start[b1] - row_start[b0];
        int rows = 0; /* W's rows the chunk uses: 1 + its largest index */
        for (long b = b0; b < b1; b++)
            if (row_start[b + 1] > row_start[b] && index[row_start[b + 1] - 1] >= rows) rows = index[row_start[b + 1] - 1] + 1;
        /* Copying a block of W pays when the chunk reads each of its rows several times. */
        if (m >= RK_BLOCKED_BATCH && nnz >= FORWARD_MIN_REUSE * (long)rows) {
            for (long j = n_begin; j < n_end; j += 64)
                forward_blocked_64(b0, b1, nnz, rows, j, n_end - j < 64 ? n_end - j : 64, row_start, index, values,
                                   w, ldw, y, ldy, packed);
        } else {
            for (long j = n_begin; j < n64; j += 64) forward_rows_64(b0, b1, j, row_start, index, values, w, ldw, y, ldy);
            forward_rows_tail(b0, b1, n64, n_end, row_start, index, values, w, ldw, y, ldy);
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

/* The large-batch backward walks W's rows BACKWARD_ROWS at a time (at most BACKWARD_SLOTS
 * (row, example) pairs, whose partial input gradients wait on the stack between column blocks)
 * and, for each 32-column block, holds each row's block in registers while every active
 * example's block of dY updates it. dY's 32-column block of the whole batch is contiguous
 * (rk_pack_column_blocks) and stays in L1 across those rows. Reading dY in place instead costs
 * a TLB miss per example and block (its rows lie a whole row apart), and the row-at-a-time
 * kernel above streams all of dY's active rows from L2 for every row of W: measured on Zen 3,
 * batch 100 x 1000 x 1000 at 28% non-zeros, 3.8 ms (row at a time), 4.3 ms (blocked, dY in
 * place), 2.2 ms (blocked, dY packed), 5.0 ms (the two dense products). The update sums in
 * the same order as the row-at-a-time kernel (the same bits); the input gradient's dot
 * products are summed by 32-column block. */
#define BACKWARD_ROWS 16
#define BACKWARD_SLOTS 2048
#define BACKWARD_PREFETCH 4

static inline __attribute__((always_inline)) void backward_blocked_body(
    long m, long n, long row_begin, long row_end, const float *x, long ldx,
    const float *dy, long lddy, const float *dyp, float *w, long ldw, float *dx, long lddx, float alpha) {
    long rows = BACKWARD_SLOTS / m < BACKWARD_ROWS ? BACKWARD_SLOTS / m : BACKWARD_ROWS;
    int start[BACKWARD_ROWS + 1], active[BACKWARD_SLOTS];
    float coef[BACKWARD_SLOTS];
    v8 partial[BACKWARD_SLOTS];
    float tail[BACKWARD_SLOTS];
    long n32 = n & ~31L;
    for (long i0 = row_begin; i0 < row_end; i0 += rows) {
        long i1 = i0 + rows < row_end ? i0 + rows : row_end;
        /* Each row's examples with a non-zero input, branch-free, in increasing order. */
        int count = 0;
        for (long i = i0; i < i1; i++) {
            start[i - i0] = count;
            for (long b = 0; b < m; b++) {
                float v = x[b * ldx + i];
                active[count] = (int)b;
                coef[count] = alpha * v;
                count += v != 0.0f;
            }
        }
        start[i1 - i0] = count;
        if (dx) {
            for (int s = 0; s < count; s++) { partial[s] = (v8){0}; tail[s] = 0.0f; }
            for (long b = 0; b < m; b++)
                for (long i = i0; i < i1; i++) dx[b * lddx + i] = 0.0f;
        }
        /* 32 columns at a time: the row's block of W in registers (and, for the input gradient,
         * a copy as it was before the update), updated by every active example's block of dY. */
        for (long j = 0; j < n32; j += 32) {
            for (long i = i0; i < i1; i++) {
                int s0 = start[i - i0], s1 = start[i - i0 + 1];
                /* W's rows lie a row apart: ask for the block BACKWARD_PREFETCH rows ahead
                 * (or, near the group's end, the next column block's first rows). */
                long ahead = i + BACKWARD_PREFETCH;
                const float *next = ahead < i1 ? w + ahead * ldw + j : w + (ahead - (i1 - i0)) * ldw + j + 32;
                if (ahead < i1 || (j + 64 <= n32 && ahead - (i1 - i0) < i1)) {
                    __builtin_prefetch(next);
                    __builtin_prefetch(next + 16);
                }
                if (s0 == s1) continue;
                float *wi = w + i * ldw + j;
                v8 w0 = LOAD(wi), w1 = LOAD(wi + 8), w2 = LOAD(wi + 16), w3 = LOAD(wi + 24);
                if (dx) {
                    v8 o0 = w0, o1 = w1, o2 = w2, o3 = w3;
                    for (int s = s0; s < s1; s++) {
                        const float *d = dyp + (j * m + active[s] * 32);
                        v8 d0 = LOAD(d), d1 = LOAD(d + 8), d2 = LOAD(d + 16), d3 = LOAD(d + 24);
                        v8 p = partial[s];
                        p += d0 * o0; p += d1 * o1; p += d2 * o2; p += d3 * o3;
                        partial[s] = p;
                        float c = coef[s];
                        w0 += c * d0; w1 += c * d1; w2 += c * d2; w3 += c * d3;
                    }
                } else {
                    for (int s = s0; s < s1; s++) {
                        const float *d = dyp + (j * m + active[s] * 32);
                        float c = coef[s];
                        w0 += c * LOAD(d); w1 += c * LOAD(d + 8); w2 += c * LOAD(d + 16); w3 += c * LOAD(d + 24);
                    }
                }
                STORE(wi, w0); STORE(wi + 8, w1); STORE(wi + 16, w2); STORE(wi + 24, w3);
            }
        }
        for (long i = i0; i < i1; i++) {
            int s0 = start[i - i0], s1 = start[i - i0 + 1];
            float *wi = w + i * ldw;
            for (long j = n32; j < n; j++) {
                float before = wi[j], v = before;
                for (int s = s0; s < s1; s++) {
                    float d = dy[active[s] * lddy + j];
                    if (dx) tail[s] += d * before;
                    v += coef[s] * d;
                }
                wi[j] = v;
            }
            if (dx) {
                for (int s = s0; s < s1; s++) {
                    v8 p = partial[s];
                    float r = ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
                    dx[active[s] * lddx + i] = r + tail[s];
                }
            }
        }
    }
}

/* The blocked backward when dY comes packed, else the row-at-a-time one. */
static inline __attribute__((always_inline)) void backward_either_body(
    long m, long n, long rb, long re, const float *x, long ldx, const float *dy, long lddy,
    const float *dyp, float *w, long ldw, float *dx, long lddx, float alpha) {
    if (dyp) backward_blocked_body(m, n, rb, re, x, ldx, dy, lddy, dyp, w, ldw, dx, lddx, alpha);
    else backward_body(m, n, rb, re, x, ldx, dy, lddy, w, ldw, dx, lddx, alpha);
}

static inline __attribute__((always_inline)) void csc_update_body(
    long n, long row_begin, long row_end, const int *col_start, const int *col_rows, const float *col_values,
    const float *dy, long lddy, float *w, long ldw, float alpha) {
    for (long i = row_begin; i < row_end; i++) {
        int begin = col_start[i], count = col_start[i + 1] - begin;
        if (count) update_row(n, w + i * ldw, count, col_rows + begin, col_values + begin, alpha, dy, lddy);
    }
}

/* Copies dY's first n & ~31 columns into 32-column blocks (block c holds the m rows' columns
 * 32c ..< 32c+32, row after row), the layout the large-batch backward reads. */
void rk_pack_column_blocks(long m, long n, const float *dy, long lddy, float *dyp) {
    long n32 = n & ~31L;
    for (long j = 0; j < n32; j += 32)
        for (long b = 0; b < m; b++) memcpy(dyp + j * m + b * 32, dy + b * lddy + j, 32 * sizeof(float));
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
                          const float *dyp, float *w, long ldw, float *dx, long lddx, float alpha) {
    backward_either_body(m, n, rb, re, x, ldx, dy, lddy, dyp, w, ldw, dx, lddx, alpha);
}
__attribute__((target("avx2,fma")))
static void csc_update_avx2(long n, long rb, long re, const int *cs, const int *cr, const float *cv,
                            const float *dy, long lddy, float *w, long ldw, float alpha) {
    csc_update_body(n, rb, re, cs, cr, cv, dy, lddy, w, ldw, alpha);
}
#endif

void rk_sparse_forward(int isa, long m, long n_begin, long n_end, const int *row_start, const int *index,
                       const float *values, const float *w, long ldw, float *y, long ldy) {
#if defined(__x86_64__)
    if (use_avx2(isa)) {
        forward_avx2(m, n_begin, n_end, row_start, index, values, w, ldw, y, ldy);
        return;
    }
#endif
    forward_body(m, n_begin, n_end, row_start, index, values, w, ldw, y, ldy);
}

void rk_csc_update(int isa, long n, long row_begin, long row_end, const int *col_start, const int *col_rows,
                   const float *col_values, const float *dy, long lddy, float *w, long ldw, float alpha) {
#if defined(__x86_64__)
    if (use_avx2(isa)) {
        csc_update_avx2(n, row_begin, row_end, col_start, col_rows, col_values, dy, lddy, w, ldw, alpha);
        return;
    }
#endif
    csc_update_body(n, row_begin, row_end, col_start, col_rows, col_values, dy, lddy, w, ldw, alpha);
}

int rk_sparse_backward_uses_blocks(long m, long n) { return m >= RK_BLOCKED_BATCH && n >= 32; }

int rk_sparse_backward(int isa, long m, long n, long row_begin, long row_end, const float *x, long ldx,
                       const float *dy, long lddy, const float *dyp, float *w, long ldw, float *dx, long lddx,
                       float alpha) {
    if (m > RK_MAX_FUSED_BATCH) return -1;
    float *own = NULL;
    if (rk_sparse_backward_uses_blocks(m, n) && !dyp) {
        own = malloc(sizeof(float) * (size_t)m * (size_t)(n & ~31L));
        if (!own) return -2;
        rk_pack_column_blocks(m, n, dy, lddy, own);
        dyp = own;
    }
    if (!rk_sparse_backward_uses_blocks(m, n)) dyp = NULL;
#if defined(__x86_64__)
    if (use_avx2(isa)) backward_avx2(m, n, row_begin, row_end, x, ldx, dy, lddy, dyp, w, ldw, dx, lddx, alpha);
    else
#endif
        backward_either_body(m, n, row_begin, row_end, x, ldx, dy, lddy, dyp, w, ldw, dx, lddx, alpha);
    free(own);
    return 0;
}

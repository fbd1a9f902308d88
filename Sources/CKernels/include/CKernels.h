#ifndef RECTIFIER_CKERNELS_H
#define RECTIFIER_CKERNELS_H

/* Hot numeric kernels of Rectifier. Row-major float32 matrices throughout.
 * Each kernel has a plain reference twin in Swift (Sources/Rectifier/LinearAlgebra),
 * and the tests compare the two. */

/* C = alpha * op(A) * op(B) + beta * C, where op(A) is m x k and op(B) is k x n.
 * trans_a / trans_b non-zero mean A / B are stored transposed. beta == 0 means C is
 * not read (so it may hold garbage). Returns 0, or -1 when the per-thread packing
 * buffers (about 4 MB) cannot be allocated. */
int rk_sgemm(int trans_a, int trans_b, long m, long n, long k, float alpha,
             const float *a, long lda, const float *b, long ldb,
             float beta, float *c, long ldc);

/* Instruction sets the kernels are compiled for, in increasing order. */
#define RK_ISA_PORTABLE 0
#define RK_ISA_AVX2 1   /* AVX2 + FMA: 6 x 16 GEMM micro-kernel */
#define RK_ISA_AVX512 2 /* AVX-512F: 6 x 64 GEMM micro-kernel */

/* The best RK_ISA_* this CPU runs. */
int rk_cpu_isa(void);

/* `iterations` rounds of 12 independent vector FMAs of instruction set `isa` (clamped to what
   the CPU runs) on registers only; returns a value derived from the result so that the loop
   cannot be optimised away. rk_fma_flops_per_iteration(isa) floating-point operations a round. */
float rk_fma_loop(int isa, long iterations);
long rk_fma_flops_per_iteration(int isa);
/* 1 when this CPU runs AVX2+FMA (the sparse kernels' vector width), else 0. */
int rk_cpu_has_avx2_fma(void);

/* rk_sgemm with the micro-kernel of instruction set `isa` (clamped to what the CPU runs):
 * for tests and benchmarks that compare the kernels. */
int rk_sgemm_isa(int isa, int trans_a, int trans_b, long m, long n, long k, float alpha,
                 const float *a, long lda, const float *b, long ldb,
                 float beta, float *c, long ldc);

/* The two algorithms behind rk_sgemm_isa, which picks by rk_sgemm_uses_dot. They sum in
 * different orders, so a product cut into slabs must take one path for all its slabs.
 * rk_sgemm_packed: the packed, register-blocked kernel, any shape.
 * rk_sgemm_dot: C = alpha * A * Bᵀ + beta * C (A m x k, B n x k, row-major) by dot products of
 * rows (gemm_dot.c), for a few rows of A against a transposed B. */
#define RK_DOT_MAX_M 32
int rk_sgemm_uses_dot(int trans_a, int trans_b, long m);
int rk_sgemm_packed(int isa, int trans_a, int trans_b, long m, long n, long k, float alpha,
                    const float *a, long lda, const float *b, long ldb,
                    float beta, float *c, long ldc);
void rk_sgemm_dot(int isa, long m, long n, long k, float alpha, const float *a, long lda,
                  const float *b, long ldb, float beta, float *c, long ldc);

/* ---- sparse rows: exploit the exact zeros of rectifier activations (sparse.c) ---- */

/* Largest batch the fused sparse backward takes. */
#define RK_MAX_FUSED_BATCH 256

/* Lists the non-zero entries of each of the m rows of x (m x k, row stride ldx), CSR-style:
 * the column indices of row b are index[row_start[b] ..< row_start[b+1]] and their values at
 * the same positions of `values`. row_start holds m+1 entries, index and values must hold m*k
 * (the branch-free loop writes a candidate for every entry). Returns the number of non-zeros. */
long rk_csr_build(long m, long k, const float *x, long ldx, int *row_start, int *index, float *values);

/* The number of non-zero entries among x[0 ..< count] (read only: a cheaper first look than
 * rk_csr_build, which writes a candidate for every entry). isa: the RK_ISA_* body. */
long rk_count_nonzero(int isa, long count, const float *x);

/* The same m x k matrix by columns (CSC): column i's entries are at positions
 * col_start[i] ..< col_start[i+1] of col_rows (increasing row numbers) and col_values.
 * col_start holds k+1 entries; col_rows and col_values hold the non-zeros. row_start may start
 * above 0 (a slice of a larger CSR matrix). Returns the number of non-zeros. */
long rk_csr_transpose(long m, long k, const int *row_start, const int *index, const float *values,
                      int *col_start, int *col_rows, float *col_values);

/* From this batch size on the sparse kernels work in cache blocks (below it, copying the
 * blocks costs more than it saves): the forward copies 256-row blocks of W's 64 columns, the
 * backward reads dY in 32-column blocks (rk_pack_column_blocks). The sums are the same. */
#define RK_BLOCKED_BATCH 16

/* The sparse kernels take `isa`, the RK_ISA_* body to run, clamped to what the CPU runs: AVX2+FMA
 * or portable C (RK_ISA_AVX512 runs the AVX2 body). The two agree to rounding (the portable body
 * multiplies and adds where the AVX2 one fuses); each gives the same bits at every batch size
 * and thread count. */

/* Y[:, n_begin..<n_end] = X * W for a CSR X (as rk_csr_build gives), visiting only X's
 * non-zero entries: cost proportional to nnz(X) * (n_end - n_begin). Y is overwritten. */
void rk_sparse_forward(int isa, long m, long n_begin, long n_end, const int *row_start, const int *index,
                       const float *values, const float *w, long ldw, float *y, long ldy);

/* Back-propagation through Y = X * W fused with the SGD update, for rows i in
 * [row_begin, row_end) of W, visiting only the non-zero entries of X:
 *   dx[b, i] = dot(dy[b, :], w[i, :]) where x[b, i] != 0, else 0    (skipped when dx is NULL)
 *   w[i, :] += alpha * sum_b x[b, i] * dy[b, :]                     (rows whose column of X is all zero are not touched)
 * The dot products see the weights before the update. Exact for the gradient of W; dx is
 * exact wherever the layer below has a zero derivative at zero output (rectifier, inputs).
 * When rk_sparse_backward_uses_blocks(m, n), dY is read in 32-column blocks: dyp holds them
 * (rk_pack_column_blocks), or is NULL and the call packs them itself (in m * n floats it
 * allocates). The update's sums are the same either way; dx's are summed in another order.
 * m must be at most RK_MAX_FUSED_BATCH. Returns 0, -1 when m > RK_MAX_FUSED_BATCH, -2 when
 * out of memory. */
int rk_sparse_backward(int isa, long m, long n, long row_begin, long row_end, const float *x, long ldx,
                       const float *dy, long lddy, const float *dyp, float *w, long ldw, float *dx, long lddx,
                       float alpha);
int rk_sparse_backward_uses_blocks(long m, long n);
/* dY's first n & ~31 columns (m x n, row stride lddy) in 32-column blocks: block c holds the m
 * rows' columns 32c ..< 32c+32, one row after another. dyp holds m * (n & ~31) floats. */
void rk_pack_column_blocks(long m, long n, const float *dy, long lddy, float *dyp);

/* The SGD update of rk_sparse_backward for an X given by columns (rk_csr_transpose), for rows
 * i in [row_begin, row_end) of W: w[i, :] += alpha * sum over column i's entries of
 * value * dy[row, :]. No input gradient (X is the network's input) and no batch limit; the
 * same operations in the same order as rk_sparse_backward, so the same bits. */
void rk_csc_update(int isa, long n, long row_begin, long row_end, const int *col_start, const int *col_rows,
                   const float *col_values, const float *dy, long lddy, float *w, long ldw, float alpha);

/* ---- a small fork-join thread pool with spinning workers (pool.c) ----
 * Parallel regions in a training step last microseconds; waking a sleeping thread costs more
 * than that. Workers spin for 200 us after each region, then sleep. */
typedef struct rk_pool rk_pool;
typedef void (*rk_task_fn)(void *context, long part);

/* A pool that runs regions on `threads` threads in all (the caller plus threads-1 workers). */
rk_pool *rk_pool_create(int threads);
/* Stops and joins the workers. */
void rk_pool_destroy(rk_pool *pool);
/* Runs fn(context, part) for part in [0, parts) across the pool and returns when all are done.
 * Calls from several threads are serialised. Must not be called from inside a task. */
void rk_pool_run(rk_pool *pool, long parts, rk_task_fn fn, void *context);

/* Background items: fn(context, item, thread) for item in 0..<items, run by the workers only
 * while they have no region to work on, and by the caller in rk_pool_background_finish, which
 * returns once all are done. thread is 0 for the caller and 1..threads-1 for the workers (for
 * per-thread scratch). One batch per pool at a time: a start waits for the previous batch's
 * finish. With one thread (or no pool, or no items) start runs every item at once on the
 * caller and returns 0; else it returns 1, and the caller must call finish (once). */
typedef void (*rk_background_fn)(void *context, long item, int thread);
int rk_pool_background_start(rk_pool *pool, long items, rk_background_fn fn, void *context);
void rk_pool_background_finish(rk_pool *pool);

/* ---- the kernels above, split across a pool (parallel.c) ----
 * Work is cut into `parts` slabs (at most) of whole micro-tiles; every element is computed by
 * one thread in a fixed order, so results do not depend on the number of threads. A NULL pool
 * or parts <= 1 runs on the calling thread. No allocation. */

/* rk_sgemm_isa over slabs of C's longer side. Returns 0 or -1 (out of memory). */
int rk_sgemm_parallel(rk_pool *pool, long parts, int isa, int trans_a, int trans_b, long m, long n, long k, float alpha,
                      const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);

/* rk_sparse_forward over slabs of Y's columns. */
void rk_sparse_forward_parallel(rk_pool *pool, long parts, int isa, long m, long n, const int *row_start, const int *index,
                                const float *values, const float *w, long ldw, float *y, long ldy);

/* rk_sparse_backward over slabs of W's k rows (k: W's rows, the layer's inputs), packing dY's
 * blocks once for all slabs into `packed` (m * (n & ~31) floats; NULL: allocated for the call).
 * Returns 0, -1 when m > RK_MAX_FUSED_BATCH, -2 out of memory. */
int rk_sparse_backward_parallel(rk_pool *pool, long parts, int isa, long m, long n, long k, const float *x, long ldx,
                                const float *dy, long lddy, float *w, long ldw, float *dx, long lddx, float alpha,
                                float *packed);

/* rk_csc_update over slabs of W's k rows. */
void rk_csc_update_parallel(rk_pool *pool, long parts, int isa, long n, long k, const int *col_start, const int *col_rows,
                            const float *col_values, const float *dy, long lddy, float *w, long ldw, float alpha);

/* ---- perturbation of character images (image.c) ---- */

/* dst (w x h) = src resampled bilinearly at A(P(p) + D(P(p))) for every pixel p (Warp.swift):
 * pinch factors P (or NULL), elastic field D = (field_x, field_y) (or NULL), affine map
 * (a, b, c, d, e, f) (or NULL). dst must not alias src. isa: RK_ISA_* body to use (clamped to
 * what the CPU runs). */
void rk_warp(int isa, const float *src, float *dst, long w, long h, const float *pinch_factors, float cx, float cy,
             const float *field_x, const float *field_y, const float *affine);
/* The elastic field (ElasticDeformation.swift): noise ((w + 2r) x (h + 2r)) smoothed by the
 * 2r + 1 taps of kernel along rows into rows (w x (h + 2r)), then along columns, scaled by
 * alpha, into field (w x h). isa: RK_ISA_* body to use (clamped to what the CPU runs). */
void rk_smooth_field(int isa, const float *noise, float *rows, float *field, long w, long h, long r,
                     const float *kernel, float alpha);

#endif

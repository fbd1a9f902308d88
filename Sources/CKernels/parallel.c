/* The kernels, split across the pool. Each task gets a slab of whole micro-tiles (rows or
 * columns), so slabs never share an output element and the result is the same for any number
 * of threads. Arguments travel in a struct on the caller's stack: nothing is allocated. */
#include "CKernels.h"

#include <stdlib.h>

/* Slab i of `parts` over `count` items in units of `granule`: [*begin, *end). */
static void slab(long count, long parts, long granule, long i, long *begin, long *end) {
    long units = (count + granule - 1) / granule;
    *begin = (units * i / parts) * granule;
    if (*begin > count) *begin = count;
    *end = i == parts - 1 ? count : (units * (i + 1) / parts) * granule;
    if (*end > count) *end = count;
}

static long clamp_parts(long parts, long count, long granule) {
    long units = (count + granule - 1) / granule;
    if (parts > units) parts = units;
    return parts < 1 ? 1 : parts;
}

typedef struct {
    long parts;
    int isa, trans_a, trans_b, split_columns, dot;
    long m, n, k;
    float alpha, beta;
    const float *a, *b;
    float *c;
    long lda, ldb, ldc;
    int status;
} gemm_task_t;

static void gemm_task(void *context, long part) {
    gemm_task_t *t = context;
    long begin, end, m = t->m, n = t->n;
    const float *a = t->a, *b = t->b;
    float *c = t->c;
    if (t->split_columns) {
        slab(t->n, t->parts, 16, part, &begin, &end);
        n = end - begin;
        b += t->trans_b ? begin * t->ldb : begin;
        c += begin;
    } else {
        slab(t->m, t->parts, 6, part, &begin, &end);
        m = end - begin;
        a += t->trans_a ? begin : begin * t->lda;
        c += begin * t->ldc;
    }
    int status = 0;
    if (t->dot) rk_sgemm_dot(t->isa, m, n, t->k, t->alpha, a, t->lda, b, t->ldb, t->beta, c, t->ldc);
    else status = rk_sgemm_packed(t->isa, t->trans_a, t->trans_b, m, n, t->k, t->alpha, a, t->lda, b, t->ldb,
                                  t->beta, c, t->ldc);
    if (status) __atomic_store_n(&t->status, -1, __ATOMIC_RELAXED);
}

int rk_sgemm_parallel(rk_pool *pool, long parts, int isa, int trans_a, int trans_b, long m, long n, long k, float alpha,
                      const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    int split_columns = n >= m;
    gemm_task_t t = {
        .parts = clamp_parts(parts, split_columns ? n : m, split_columns ? 16 : 6),
        .isa = isa, .trans_a = trans_a, .trans_b = trans_b, .split_columns = split_columns,
        .dot = rk_sgemm_uses_dot(trans_a, trans_b, m), /* decided on the whole product, not per slab */
        .m = m, .n = n, .k = k, .alpha = alpha, .beta = beta, .a = a, .b = b, .c = c,
        .lda = lda, .ldb = ldb, .ldc = ldc, .status = 0,
    };
    rk_pool_run(pool, t.parts, gemm_task, &t);
    return t.status;
}

typedef struct {
    int isa;
    long parts, m, n;
    const int *row_start, *index;
    const float *values, *w;
    float *y;
    long ldw, ldy;
} forward_task_t;

static void forward_task(void *context, long part) {
    forward_task_t *t = context;
    long begin, end;
    slab(t->n, t->parts, 64, part, &begin, &end);
    rk_sparse_forward(t->isa, t->m, begin, end, t->row_start, t->index, t->values, t->w, t->ldw, t->y, t->ldy);
}

void rk_sparse_forward_parallel(rk_pool *pool, long parts, int isa, long m, long n, const int *row_start, const int *index,
                                const float *values, const float *w, long ldw, float *y, long ldy) {
    forward_task_t t = {
        .isa = isa, .parts = clamp_parts(parts, n, 64), .m = m, .n = n, .row_start = row_start, .index = index,
        .values = values, .w = w, .y = y, .ldw = ldw, .ldy = ldy,
    };
    rk_pool_run(pool, t.parts, forward_task, &t);
}

typedef struct {
    int isa;
    long parts, m, n, k;
    const float *x, *dy, *dyp;
    float *w, *dx;
    long ldx, lddy, ldw, lddx;
    float alpha;
} backward_task_t;

static void backward_task(void *context, long part) {
    backward_task_t *t = context;
    long begin, end;
    slab(t->k, t->parts, 8, part, &begin, &end);
    rk_sparse_backward(t->isa, t->m, t->n, begin, end, t->x, t->ldx, t->dy, t->lddy, t->dyp, t->w, t->ldw, t->dx, t->lddx, t->alpha);
}

int rk_sparse_backward_parallel(rk_pool *pool, long parts, int isa, long m, long n, long k, const float *x, long ldx,
                                const float *dy, long lddy, float *w, long ldw, float *dx, long lddx, float alpha,
                                float *packed) {
    if (m > RK_MAX_FUSED_BATCH) return -1;
    /* dY's blocks are packed once here, not once per slab. */
    float *dyp = NULL, *own = NULL;
    if (rk_sparse_backward_uses_blocks(m, n)) {
        dyp = packed ? packed : (own = malloc(sizeof(float) * (size_t)m * (size_t)(n & ~31L)));
        if (!dyp) return -2;
        rk_pack_column_blocks(m, n, dy, lddy, dyp);
    }
    backward_task_t t = {
        .isa = isa, .parts = clamp_parts(parts, k, 8), .m = m, .n = n, .k = k, .x = x, .dy = dy, .dyp = dyp,
        .w = w, .dx = dx, .ldx = ldx, .lddy = lddy, .ldw = ldw, .lddx = lddx, .alpha = alpha,
    };
    rk_pool_run(pool, t.parts, backward_task, &t);
    free(own);
    return 0;
}

typedef struct {
    int isa;
    long parts, n, k;
    const int *col_start, *col_rows;
    const float *col_values, *dy;
    float *w;
    long lddy, ldw;
    float alpha;
} csc_task_t;

static void csc_task(void *context, long part) {
    csc_task_t *t = context;
    long begin, end;
    slab(t->k, t->parts, 8, part, &begin, &end);
    rk_csc_update(t->isa, t->n, begin, end, t->col_start, t->col_rows, t->col_values, t->dy, t->lddy, t->w, t->ldw, t->alpha);
}

void rk_csc_update_parallel(rk_pool *pool, long parts, int isa, long n, long k, const int *col_start, const int *col_rows,
                            const float *col_values, const float *dy, long lddy, float *w, long ldw, float alpha) {
    csc_task_t t = {
        .isa = isa, .parts = clamp_parts(parts, k, 8), .n = n, .k = k, .col_start = col_start, .col_rows = col_rows,
        .col_values = col_values, .dy = dy, .w = w, .lddy = lddy, .ldw = ldw, .alpha = alpha,
    };
    rk_pool_run(pool, t.parts, csc_task, &t);
}

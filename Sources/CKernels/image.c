/* The two costly steps of the NISTP-style perturbations (Sources/Rectifier/Data/Perturbation):
 * the geometric resampling (Warp.swift) and the smoothing of the elastic displacement field
 * (ElasticDeformation.swift). Each is the Swift reference beside it, operation for operation and
 * in the same order, without fused multiply-adds (contraction is off below), so the images are
 * the same bits on every CPU and with either body; the tests compare them with the Swift code. */
#include "CKernels.h"

#pragma clang fp contract(off)

/* Swift's min and max, whose choice between equal values (and so the sign of a zero) we keep. */
static inline float smin(float x, float y) { return y < x ? y : x; }
static inline float smax(float x, float y) { return y >= x ? y : x; }
static inline long lmin(long x, long y) { return y < x ? y : x; }

static inline float at(const float *v, long w, long h, long i, long j) {
    return i >= 0 && i < w && j >= 0 && j < h ? v[j * w + i] : 0;
}

/* v (w x h) interpolated bilinearly at (x, y); outside: the border value when clamped, else 0. */
static inline __attribute__((always_inline)) float bilinear(const float *v, long w, long h, float x, float y,
                                                            int clamped) {
    if (clamped) {
        x = smin(smax(x, 0), (float)(w - 1));
        y = smin(smax(y, 0), (float)(h - 1));
    } else if (!(x > -1 && x < (float)w && y > -1 && y < (float)h)) {
        return 0;
    }
    long xt = (long)x, yt = (long)y;
    long x0 = (float)xt > x ? xt - 1 : xt, y0 = (float)yt > y ? yt - 1 : yt;
    float tx = x - (float)x0, ty = y - (float)y0;
    if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h) {
        const float *p = v + y0 * w + x0;
        float top = p[0] + tx * (p[1] - p[0]), bottom = p[w] + tx * (p[w + 1] - p[w]);
        return top + ty * (bottom - top);
    }
    float top = at(v, w, h, x0, y0) * (1 - tx) + at(v, w, h, x0 + 1, y0) * tx;
    float bottom = at(v, w, h, x0, y0 + 1) * (1 - tx) + at(v, w, h, x0 + 1, y0 + 1) * tx;
    return top * (1 - ty) + bottom * ty;
}

/* One output pixel of rk_warp. */
static inline __attribute__((always_inline)) float warp_pixel(const float *src, long w, long h, long x, long y,
                                                              const float *pinch_factors, float cx, float cy,
                                                              const float *field_x, const float *field_y,
                                                              const float *affine) {
    float px = (float)x, py = (float)y;
    if (pinch_factors) {
        float factor = pinch_factors[lmin(y, h - 1 - y) * ((w + 1) / 2) + lmin(x, w - 1 - x)];
        px = cx + (px - cx) * factor;
        py = cy + (py - cy) * factor;
    }
    if (field_x) {
        if (!pinch_factors) {
            px = px + field_x[y * w + x];
            py = py + field_y[y * w + x];
        } else {
            float dx = bilinear(field_x, w, h, px, py, 1), dy = bilinear(field_y, w, h, px, py, 1);
            px = px + dx;
            py = py + dy;
        }
    }
    if (affine) {
        float ax = affine[0] * px + affine[1] * py + affine[2];
        float ay = affine[3] * px + affine[4] * py + affine[5];
        px = ax;
        py = ay;
    }
    return bilinear(src, w, h, px, py, 0);
}

static void warp_portable(const float *src, float *dst, long w, long h, const float *pinch_factors, float cx,
                          float cy, const float *field_x, const float *field_y, const float *affine) {
    for (long y = 0; y < h; y++)
        for (long x = 0; x < w; x++)
            dst[y * w + x] = warp_pixel(src, w, h, x, y, pinch_factors, cx, cy, field_x, field_y, affine);
}

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma"), always_inline)) static inline

/* smin and smax lane by lane: compare and blend, as they do (MINPS/MAXPS differ on NaN). */
AVX2 __m256 vmin(__m256 x, __m256 y) { return _mm256_blendv_ps(x, y, _mm256_cmp_ps(y, x, _CMP_LT_OQ)); }
AVX2 __m256 vmax(__m256 x, __m256 y) { return _mm256_blendv_ps(x, y, _mm256_cmp_ps(y, x, _CMP_GE_OQ)); }

/* bilinear() for 8 points: the lanes whose four neighbours are inside v are interpolated here
 * with gathers, the few at the border by the scalar code, the rest (outside) are 0. */
AVX2 __m256 bilinear8(const float *v, long w, long h, __m256 x, __m256 y, int clamped) {
    __m256 zero = _mm256_setzero_ps(), inside;
    if (clamped) {
        x = vmin(vmax(x, zero), _mm256_set1_ps((float)(w - 1)));
        y = vmin(vmax(y, zero), _mm256_set1_ps((float)(h - 1)));
        inside = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
    } else {
        __m256 minus1 = _mm256_set1_ps(-1);
        inside = _mm256_and_ps(_mm256_and_ps(_mm256_cmp_ps(x, minus1, _CMP_GT_OQ),
                                             _mm256_cmp_ps(x, _mm256_set1_ps((float)w), _CMP_LT_OQ)),
                               _mm256_and_ps(_mm256_cmp_ps(y, minus1, _CMP_GT_OQ),
                                             _mm256_cmp_ps(y, _mm256_set1_ps((float)h), _CMP_LT_OQ)));
        /* Lanes outside keep 0 coordinates, so that the conversions below stay defined. */
        x = _mm256_and_ps(x, inside);
        y = _mm256_and_ps(y, inside);
    }
    __m256i xt = _mm256_cvttps_epi32(x), yt = _mm256_cvttps_epi32(y);
    /* x0 = xt - 1 where truncation went up (negative x): the mask is -1 there. */
    __m256i x0 = _mm256_add_epi32(xt, _mm256_castps_si256(_mm256_cmp_ps(_mm256_cvtepi32_ps(xt), x, _CMP_GT_OQ)));
    __m256i y0 = _mm256_add_epi32(yt, _mm256_castps_si256(_mm256_cmp_ps(_mm256_cvtepi32_ps(yt), y, _CMP_GT_OQ)));
    __m256 tx = _mm256_sub_ps(x, _mm256_cvtepi32_ps(x0)), ty = _mm256_sub_ps(y, _mm256_cvtepi32_ps(y0));
    __m256i minus1i = _mm256_set1_epi32(-1);
    __m256i in_x = _mm256_and_si256(_mm256_cmpgt_epi32(x0, minus1i), _mm256_cmpgt_epi32(_mm256_set1_epi32((int)w - 1), x0));
    __m256i in_y = _mm256_and_si256(_mm256_cmpgt_epi32(y0, minus1i), _mm256_cmpgt_epi32(_mm256_set1_epi32((int)h - 1), y0));
    __m256 interior = _mm256_and_ps(inside, _mm256_castsi256_ps(_mm256_and_si256(in_x, in_y)));
    __m256i at = _mm256_add_epi32(_mm256_mullo_epi32(y0, _mm256_set1_epi32((int)w)), x0);
    __m256 p00 = _mm256_mask_i32gather_ps(zero, v, at, interior, 4);
    __m256 p01 = _mm256_mask_i32gather_ps(zero, v + 1, at, interior, 4);
    __m256 p10 = _mm256_mask_i32gather_ps(zero, v + w, at, interior, 4);
    __m256 p11 = _mm256_mask_i32gather_ps(zero, v + w + 1, at, interior, 4);
    __m256 top = _mm256_add_ps(p00, _mm256_mul_ps(tx, _mm256_sub_ps(p01, p00)));
    __m256 bottom = _mm256_add_ps(p10, _mm256_mul_ps(tx, _mm256_sub_ps(p11, p10)));
    __m256 r = _mm256_and_ps(interior, _mm256_add_ps(top, _mm256_mul_ps(ty, _mm256_sub_ps(bottom, top))));
    int border = _mm256_movemask_ps(_mm256_andnot_ps(interior, inside));
    if (border) {
        float xs[8], ys[8], rs[8];
        _mm256_storeu_ps(xs, x);
        _mm256_storeu_ps(ys, y);
        _mm256_storeu_ps(rs, r);
        for (int i = 0; i < 8; i++)
            if (border & (1 << i)) rs[i] = bilinear(v, w, h, xs[i], ys[i], clamped);
        r = _mm256_loadu_ps(rs);
    }
    return r;
}

__attribute__((target("avx2,fma")))
static void warp_avx2(const float *src, float *dst, long w, long h, const float *pinch_factors, float cx, float cy,
                      const float *field_x, const float *field_y, const float *affine) {
    __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256 vcx = _mm256_set1_ps(cx), vcy = _mm256_set1_ps(cy);
    for (long y = 0; y < h; y++) {
        long x = 0;
        for (; x + 8 <= w; x += 8) {
            __m256i xi = _mm256_add_epi32(_mm256_set1_epi32((int)x), lane);
            __m256 px = _mm256_cvtepi32_ps(xi), py = _mm256_set1_ps((float)y);
            if (pinch_factors) {
                __m256i mirrored = _mm256_min_epi32(xi, _mm256_sub_epi32(_mm256_set1_epi32((int)w - 1), xi));
                __m256i slot = _mm256_add_epi32(_mm256_set1_epi32((int)(lmin(y, h - 1 - y) * ((w + 1) / 2))), mirrored);
                __m256 factor = _mm256_i32gather_ps(pinch_factors, slot, 4);
                px = _mm256_add_ps(vcx, _mm256_mul_ps(_mm256_sub_ps(px, vcx), factor));
                py = _mm256_add_ps(vcy, _mm256_mul_ps(_mm256_sub_ps(py, vcy), factor));
            }
            if (field_x) {
                if (!pinch_factors) {
                    px = _mm256_add_ps(px, _mm256_loadu_ps(field_x + y * w + x));
                    py = _mm256_add_ps(py, _mm256_loadu_ps(field_y + y * w + x));
                } else {
                    __m256 dx = bilinear8(field_x, w, h, px, py, 1), dy = bilinear8(field_y, w, h, px, py, 1);
                    px = _mm256_add_ps(px, dx);
                    py = _mm256_add_ps(py, dy);
                }
            }
            if (affine) {
                __m256 ax = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(_mm256_set1_ps(affine[0]), px),
                                                        _mm256_mul_ps(_mm256_set1_ps(affine[1]), py)),
                                          _mm256_set1_ps(affine[2]));
                __m256 ay = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(_mm256_set1_ps(affine[3]), px),
                                                        _mm256_mul_ps(_mm256_set1_ps(affine[4]), py)),
                                          _mm256_set1_ps(affine[5]));
                px = ax;
                py = ay;
            }
            _mm256_storeu_ps(dst + y * w + x, bilinear8(src, w, h, px, py, 0));
        }
        for (; x < w; x++) dst[y * w + x] = warp_pixel(src, w, h, x, y, pinch_factors, cx, cy, field_x, field_y, affine);
    }
}
#endif

void rk_warp(int isa, const float *src, float *dst, long w, long h, const float *pinch_factors, float cx, float cy,
             const float *field_x, const float *field_y, const float *affine) {
#if defined(__x86_64__)
    if (isa >= RK_ISA_AVX2 && rk_cpu_has_avx2_fma()) {
        warp_avx2(src, dst, w, h, pinch_factors, cx, cy, field_x, field_y, affine);
        return;
    }
#endif
    warp_portable(src, dst, w, h, pinch_factors, cx, cy, field_x, field_y, affine);
}

/* Tap by tap over whole rows, so that the inner loops run over x and vectorise. */
static inline __attribute__((always_inline)) void smooth_body(const float *noise, float *rows, float *field,
                                                              long w, long h, long r, const float *kernel,
                                                              float alpha) {
    long pw = w + 2 * r, ph = h + 2 * r;
    for (long y = 0; y < ph; y++) {
        const float *line = noise + y * pw;
        float *out = rows + y * w;
        for (long x = 0; x < w; x++) out[x] = 0;
        for (long t = 0; t <= 2 * r; t++) {
            float k = kernel[t];
            const float *shifted = line + t;
            for (long x = 0; x < w; x++) out[x] += k * shifted[x];
        }
    }
    for (long y = 0; y < h; y++) {
        float *out = field + y * w;
        for (long x = 0; x < w; x++) out[x] = 0;
        for (long t = 0; t <= 2 * r; t++) {
            float k = kernel[t] * alpha;
            const float *line = rows + (y + t) * w;
            for (long x = 0; x < w; x++) out[x] += k * line[x];
        }
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
static void smooth_avx2(const float *noise, float *rows, float *field, long w, long h, long r, const float *kernel,
                        float alpha) {
    smooth_body(noise, rows, field, w, h, r, kernel, alpha);
}
#endif

static void smooth_portable(const float *noise, float *rows, float *field, long w, long h, long r,
                            const float *kernel, float alpha) {
    smooth_body(noise, rows, field, w, h, r, kernel, alpha);
}

void rk_smooth_field(int isa, const float *noise, float *rows, float *field, long w, long h, long r,
                     const float *kernel, float alpha) {
#if defined(__x86_64__)
    if (isa >= RK_ISA_AVX2 && rk_cpu_has_avx2_fma()) {
        smooth_avx2(noise, rows, field, w, h, r, kernel, alpha);
        return;
    }
#endif
    smooth_portable(noise, rows, field, w, h, r, kernel, alpha);
}

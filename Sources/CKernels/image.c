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

void rk_warp(const float *src, float *dst, long w, long h, const float *pinch_factors, float cx, float cy,
             const float *field_x, const float *field_y, const float *affine) {
    long quarter_width = (w + 1) / 2;
    for (long y = 0; y < h; y++) {
        for (long x = 0; x < w; x++) {
            float px = (float)x, py = (float)y;
            if (pinch_factors) {
                float factor = pinch_factors[lmin(y, h - 1 - y) * quarter_width + lmin(x, w - 1 - x)];
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
            dst[y * w + x] = bilinear(src, w, h, px, py, 0);
        }
    }
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

/*
 * Pools over NCHW planes; the output keeps the input's scale and zero point, so no requantization.
 * Max ignores padded taps. Average divides the sum by the count rounding half away from zero
 * (C's truncating division of sum +- count / 2, as TFLite's int8 AveragePool); the count is the
 * number of real taps, or with count_include_pad every tap inside the explicitly padded input
 * (padded taps then add the zero point). Windows past the padded edge (ceil_mode) count only taps
 * inside it.
 */
#include "edgec_kernels.h"

static int32_t edgec_rounded_divide(int32_t sum, int32_t count)
{
    const int32_t half = count / 2;
    return (sum >= 0 ? sum + half : sum - half) / count;
}

/* For average (max_mode 0) or max (max_mode 1) pooling: one output element. */
static int32_t edgec_pool_window(const edgec_window *g, const void *in, int32_t plane, int32_t oy, int32_t ox,
                                 int32_t max_mode, int32_t count_include_pad, int32_t zero_point)
{
    int32_t best = -32769, sum = 0, taps = 0, window = 0;
    int32_t ky, kx;
    for (ky = 0; ky < g->k_h; ky++) {
        const int32_t iy = oy * g->stride_h - g->pad_top + ky * g->dil_h;
        for (kx = 0; kx < g->k_w; kx++) {
            const int32_t ix = ox * g->stride_w - g->pad_left + kx * g->dil_w;
            if (iy >= -g->pad_top && iy < g->in_h + g->pad_bottom && ix >= -g->pad_left && ix < g->in_w + g->pad_right) {
                window++;
            }
            if (iy >= 0 && iy < g->in_h && ix >= 0 && ix < g->in_w) {
                const int32_t v = edgec_load(in, plane + iy * g->in_w + ix, g->in_is16);
                best = v > best ? v : best;
                sum += v;
                taps++;
            }
        }
    }
    if (max_mode) {
        return taps > 0 ? best : 0; /* a window wholly in the padding: 0, as the reference */
    }
    if (count_include_pad) {
        sum += (window - taps) * zero_point;
        taps = window;
    }
    return taps > 0 ? edgec_rounded_divide(sum, taps) : zero_point;
}

static void edgec_pool(const edgec_window *g, const void *in, void *out, int32_t max_mode,
                       int32_t count_include_pad, int32_t zero_point, int32_t act_min, int32_t act_max)
{
    int32_t c, oy, ox;
    for (c = 0; c < g->in_c; c++) {
        for (oy = 0; oy < g->out_h; oy++) {
            for (ox = 0; ox < g->out_w; ox++) {
                const int32_t v = edgec_pool_window(g, in, c * g->in_h * g->in_w, oy, ox, max_mode,
                                                    count_include_pad, zero_point);
                edgec_store(out, (c * g->out_h + oy) * g->out_w + ox, g->out_is16, edgec_clamp(v, act_min, act_max));
            }
        }
    }
}

void edgec_max_pool(const edgec_window *g, int32_t act_min, int32_t act_max, const void *in, void *out)
{
    edgec_pool(g, in, out, 1, 0, 0, act_min, act_max);
}

void edgec_average_pool(const edgec_window *g, int32_t count_include_pad, int32_t zero_point, int32_t act_min,
                        int32_t act_max, const void *in, void *out)
{
    edgec_pool(g, in, out, 0, count_include_pad, zero_point, act_min, act_max);
}

void edgec_global_average_pool(int32_t planes, int32_t pixels, int32_t is16, int32_t act_min, int32_t act_max,
                               const void *in, void *out)
{
    int32_t p, i;
    for (p = 0; p < planes; p++) {
        int32_t sum = 0;
        if (is16) {
            for (i = p * pixels; i < (p + 1) * pixels; i++) {
                sum += edgec_load(in, i, is16);
            }
        } else {
            /* int8 (the common case) without the per-element type test: 2-3 instructions each. */
            const int8_t *x = (const int8_t *)in + p * pixels;
            for (i = 0; i < pixels; i++) {
                sum += x[i];
            }
        }
        edgec_store(out, p, is16, edgec_clamp(edgec_rounded_divide(sum, pixels), act_min, act_max));
    }
}

/*
 * Convolutions over int8/int16 NCHW activations with int8/int4/int2 per-output-channel weights:
 *   acc = bias[oc] + sum over the window of gm * (x + in_offset) * w
 *   out = clamp(requantize(acc, mult[oc], shift[oc]) + out_offset, act_min, act_max)
 * gm is 1, or with group-wise scales the integer multiplier of the weight's group (weights of one
 * filter in (ic, ky, kx) order, group_size consecutive ones per group). Taps in the padding add
 * nothing: the padding holds the input zero point. Weights are (out_c, in_c / groups, k_h, k_w),
 * densely packed at w_bits (see edgec_weight).
 */
#include "edgec_kernels.h"

/* sum_k patch[k] * w[base + k], with group multipliers when the weights have them. */
static int32_t edgec_dot(const int16_t *patch, const int8_t *w, int32_t base, int32_t depth, int32_t w_bits,
                         const int32_t *group_mult, int32_t group_size)
{
    int32_t acc = 0;
    int32_t k;
    if (group_size > 0) {
        for (k = 0; k < depth; k++) {
            acc += group_mult[k / group_size] * (patch[k] * edgec_weight(w, base + k, w_bits));
        }
    } else if (w_bits == 8) {
        const int8_t *row = w + base;
        for (k = 0; k < depth; k++) {
            acc += patch[k] * row[k];
        }
    } else {
        for (k = 0; k < depth; k++) {
            acc += patch[k] * edgec_weight(w, base + k, w_bits);
        }
    }
    return acc;
}

static const int32_t *edgec_group_row(const edgec_requant_params *q, int32_t oc, int32_t depth)
{
    return q->group_size > 0 ? q->group_mult + oc * ((depth + q->group_size - 1) / q->group_size) : 0;
}

/*
 * For each output pixel: gather the offset-corrected input patch of each group into scratch
 * (int16, zero in the padding), then one dot product per output channel of the group with that
 * channel's contiguous weights.
 */
void edgec_conv(const edgec_window *g, const edgec_requant_params *q, const void *in, const int8_t *w,
                const int32_t *bias, void *out, int16_t *scratch)
{
    const int32_t group_in = g->in_c / g->groups;
    const int32_t group_out = g->out_c / g->groups;
    const int32_t depth = group_in * g->k_h * g->k_w;
    const int32_t plane = g->out_h * g->out_w;
    int32_t grp, oy, ox, ic, ky, kx, oc;
    for (grp = 0; grp < g->groups; grp++) {
        for (oy = 0; oy < g->out_h; oy++) {
            for (ox = 0; ox < g->out_w; ox++) {
                int16_t *patch = scratch;
                for (ic = 0; ic < group_in; ic++) {
                    const int32_t channel = (grp * group_in + ic) * g->in_h * g->in_w;
                    for (ky = 0; ky < g->k_h; ky++) {
                        const int32_t iy = oy * g->stride_h - g->pad_top + ky * g->dil_h;
                        for (kx = 0; kx < g->k_w; kx++) {
                            const int32_t ix = ox * g->stride_w - g->pad_left + kx * g->dil_w;
                            const int32_t inside = iy >= 0 && iy < g->in_h && ix >= 0 && ix < g->in_w;
                            *patch++ = (int16_t)(inside ? edgec_load(in, channel + iy * g->in_w + ix, g->in_is16) +
                                                              q->in_offset
                                                        : 0);
                        }
                    }
                }
                for (oc = grp * group_out; oc < (grp + 1) * group_out; oc++) {
                    const int32_t acc = (bias ? bias[oc] : 0) +
                                        edgec_dot(scratch, w, oc * depth, depth, g->w_bits,
                                                  edgec_group_row(q, oc, depth), q->group_size);
                    edgec_store(out, oc * plane + oy * g->out_w + ox, g->out_is16, edgec_finish(acc, oc, q));
                }
            }
        }
    }
}

void edgec_depthwise_conv(const edgec_window *g, const edgec_requant_params *q, const void *in, const int8_t *w,
                          const int32_t *bias, void *out)
{
    const int32_t multiplier = g->out_c / g->in_c;
    const int32_t taps = g->k_h * g->k_w;
    int32_t oc, oy, ox, ky, kx;
    for (oc = 0; oc < g->out_c; oc++) {
        const int32_t channel = (oc / multiplier) * g->in_h * g->in_w;
        const int32_t *group_mult = edgec_group_row(q, oc, taps);
        for (oy = 0; oy < g->out_h; oy++) {
            for (ox = 0; ox < g->out_w; ox++) {
                int32_t acc = bias ? bias[oc] : 0;
                for (ky = 0; ky < g->k_h; ky++) {
                    const int32_t iy = oy * g->stride_h - g->pad_top + ky * g->dil_h;
                    if (iy < 0 || iy >= g->in_h) {
                        continue;
                    }
                    for (kx = 0; kx < g->k_w; kx++) {
                        const int32_t ix = ox * g->stride_w - g->pad_left + kx * g->dil_w;
                        const int32_t tap = ky * g->k_w + kx;
                        int32_t term;
                        if (ix < 0 || ix >= g->in_w) {
                            continue;
                        }
                        term = (edgec_load(in, channel + iy * g->in_w + ix, g->in_is16) + q->in_offset) *
                               edgec_weight(w, oc * taps + tap, g->w_bits);
                        acc += group_mult ? group_mult[tap / q->group_size] * term : term;
                    }
                }
                edgec_store(out, (oc * g->out_h + oy) * g->out_w + ox, g->out_is16, edgec_finish(acc, oc, q));
            }
        }
    }
}

/* Every output pixel is a dot product over input channels: no window, no bounds checks. */
void edgec_pointwise_conv(const edgec_window *g, const edgec_requant_params *q, const void *in, const int8_t *w,
                          const int32_t *bias, void *out)
{
    const int32_t plane = g->in_h * g->in_w;
    int32_t oc, px, ic;
    for (oc = 0; oc < g->out_c; oc++) {
        for (px = 0; px < plane; px++) {
            int32_t acc = bias ? bias[oc] : 0;
            if (!g->in_is16 && g->w_bits == 8) {
                const int8_t *x = (const int8_t *)in + px;
                const int8_t *row = w + oc * g->in_c;
                for (ic = 0; ic < g->in_c; ic++) {
                    acc += (x[ic * plane] + q->in_offset) * row[ic];
                }
            } else {
                for (ic = 0; ic < g->in_c; ic++) {
                    acc += (edgec_load(in, ic * plane + px, g->in_is16) + q->in_offset) *
                           edgec_weight(w, oc * g->in_c + ic, g->w_bits);
                }
            }
            edgec_store(out, oc * plane + px, g->out_is16, edgec_finish(acc, oc, q));
        }
    }
}

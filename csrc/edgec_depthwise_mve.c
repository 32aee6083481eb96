/*
 * Depthwise convolution (multiplier 1, kernel width 3, horizontal stride 1, no dilation: the
 * layers the generator gives the DSP depthwise kernel, with the same arguments and scratch) on
 * Helium (MVE). NCHW keeps a channel's plane contiguous: it is copied into `buffer` with a border
 * of the input zero point (the input offset is folded into the bias, so padding adds nothing),
 * then 4 horizontally adjacent outputs accumulate in one int32x4: per tap, one widening load of 4
 * input bytes (VLDRB.S32) and one VMLA by the tap's weight. The row tail is predicated (VCTP), so
 * nothing is read or written past a row. The int32 plane then requantizes 4 at a time with the
 * channel's constants broadcast (edgec_mve.h), stored narrowed (VSTRB.32). Any weight
 * width: the channel's few weights are unpacked once. Bit-exact with edgec_depthwise_conv;
 * compiled to nothing without MVE.
 */
#include "edgec_kernels.h"

#if EDGEC_MVE
#include "edgec_mve.h"

#define EDGEC_DW_MVE_MAX_TAPS 48

/* Padded plane width and height (as edgec_depthwise_dsp.c; the generator sizes the scratch the same way). */
static int32_t edgec_mve_span(int32_t in, int32_t before, int32_t out, int32_t stride, int32_t k)
{
    const int32_t needed = (out - 1) * stride + k;
    return in + before > needed ? in + before : needed;
}

/* One channel's accumulators (bias included) from the padded plane; taps[ky * 3 + kx]. */
static void edgec_mve_dw_plane(const edgec_window *g, const int8_t *buffer, int32_t width, const int32_t *taps,
                               int32_t bias, int32_t *out)
{
    int32_t y, x, ky;
    for (y = 0; y < g->out_h; y++, out += g->out_w) {
        const int8_t *top = buffer + y * g->stride_h * width;
        for (x = 0; x < g->out_w; x += 4) {
            const mve_pred16_t tail = vctp32q((uint32_t)(g->out_w - x));
            int32x4_t acc = vdupq_n_s32(bias);
            for (ky = 0; ky < g->k_h; ky++) {
                const int8_t *row = top + ky * width + x;
                acc = vmlaq_n_s32(acc, vldrbq_z_s32(row, tail), taps[3 * ky]);
                acc = vmlaq_n_s32(acc, vldrbq_z_s32(row + 1, tail), taps[3 * ky + 1]);
                acc = vmlaq_n_s32(acc, vldrbq_z_s32(row + 2, tail), taps[3 * ky + 2]);
            }
            vstrwq_p_s32(out + x, acc, tail);
        }
    }
}

/*
 * Accumulating and requantizing in separate passes keeps each within the 8 vector registers.
 * Kernel height 3: the 9 weights in registers; with vertical stride 1, two output rows per pass
 * share their 2 middle input rows (12 loads for 8 outputs instead of 18).
 */
static void edgec_mve_dw_plane3(const edgec_window *g, const int8_t *buffer, int32_t width, const int32_t *taps,
                                int32_t bias, int32_t *out)
{
    const int32_t a0 = taps[0], a1 = taps[1], a2 = taps[2], b0 = taps[3], b1 = taps[4], b2 = taps[5];
    const int32_t c0 = taps[6], c1 = taps[7], c2 = taps[8];
    const int32_t out_w = g->out_w;
    int32_t y = 0, x;
    if (g->stride_h == 1) {
        for (; y + 1 < g->out_h; y += 2, out += 2 * out_w) {
            const int8_t *row = buffer + y * width;
            for (x = 0; x < out_w; x += 4) {
                const mve_pred16_t tail = vctp32q((uint32_t)(out_w - x));
                const int8_t *r = row + x;
                int32x4_t s = vdupq_n_s32(bias), t = vdupq_n_s32(bias), v;
                v = vldrbq_z_s32(r, tail);
                s = vmlaq_n_s32(s, v, a0);
                v = vldrbq_z_s32(r + 1, tail);
                s = vmlaq_n_s32(s, v, a1);
                v = vldrbq_z_s32(r + 2, tail);
                s = vmlaq_n_s32(s, v, a2);
                r += width;
                v = vldrbq_z_s32(r, tail);
                s = vmlaq_n_s32(s, v, b0);
                t = vmlaq_n_s32(t, v, a0);
                v = vldrbq_z_s32(r + 1, tail);
                s = vmlaq_n_s32(s, v, b1);
                t = vmlaq_n_s32(t, v, a1);
                v = vldrbq_z_s32(r + 2, tail);
                s = vmlaq_n_s32(s, v, b2);
                t = vmlaq_n_s32(t, v, a2);
                r += width;
                v = vldrbq_z_s32(r, tail);
                s = vmlaq_n_s32(s, v, c0);
                t = vmlaq_n_s32(t, v, b0);
                v = vldrbq_z_s32(r + 1, tail);
                s = vmlaq_n_s32(s, v, c1);
                t = vmlaq_n_s32(t, v, b1);
                v = vldrbq_z_s32(r + 2, tail);
                s = vmlaq_n_s32(s, v, c2);
                t = vmlaq_n_s32(t, v, b2);
                r += width;
                t = vmlaq_n_s32(t, vldrbq_z_s32(r, tail), c0);
                t = vmlaq_n_s32(t, vldrbq_z_s32(r + 1, tail), c1);
                t = vmlaq_n_s32(t, vldrbq_z_s32(r + 2, tail), c2);
                vstrwq_p_s32(out + x, s, tail);
                vstrwq_p_s32(out + out_w + x, t, tail);
            }
        }
    }
    for (; y < g->out_h; y++, out += out_w) {
        const int8_t *row = buffer + y * g->stride_h * width;
        for (x = 0; x < out_w; x += 4) {
            const mve_pred16_t tail = vctp32q((uint32_t)(out_w - x));
            const int8_t *r = row + x;
            int32x4_t s = vdupq_n_s32(bias);
            s = vmlaq_n_s32(s, vldrbq_z_s32(r, tail), a0);
            s = vmlaq_n_s32(s, vldrbq_z_s32(r + 1, tail), a1);
            s = vmlaq_n_s32(s, vldrbq_z_s32(r + 2, tail), a2);
            s = vmlaq_n_s32(s, vldrbq_z_s32(r + width, tail), b0);
            s = vmlaq_n_s32(s, vldrbq_z_s32(r + width + 1, tail), b1);
            s = vmlaq_n_s32(s, vldrbq_z_s32(r + width + 2, tail), b2);
            s = vmlaq_n_s32(s, vldrbq_z_s32(r + 2 * width, tail), c0);
            s = vmlaq_n_s32(s, vldrbq_z_s32(r + 2 * width + 1, tail), c1);
            s = vmlaq_n_s32(s, vldrbq_z_s32(r + 2 * width + 2, tail), c2);
            vstrwq_p_s32(out + x, s, tail);
        }
    }
}

/* Copies an in_h x in_w plane into rows `stride` apart, 16 bytes (predicated) at a time. */
static void edgec_mve_dw_copy(const int8_t *src, int32_t in_h, int32_t in_w, int8_t *dst, int32_t stride)
{
    int32_t y, n;
    for (y = 0; y < in_h; y++, src += in_w, dst += stride) {
        for (n = 0; n < in_w; n += 16) {
            const mve_pred16_t tail = vctp8q((uint32_t)(in_w - n));
            vstrbq_p_s8(dst + n, vldrbq_z_s8(src + n, tail), tail);
        }
    }
}

/* out[i] = requantize(acc[i]) over a plane, 4 at a time, the channel's constants in registers. */
static void edgec_mve_dw_requantize(const int32_t *acc, int32_t count, const edgec_mve_requant *q,
                                    const edgec_gemm_params *p, int8_t *out)
{
    const edgec_mve_requant r = *q;
    const int32_t lo = p->act_min, hi = p->act_max, out_offset = p->out_offset;
    int32_t i;
    for (i = 0; i < count; i += 4) {
        const mve_pred16_t tail = vctp32q((uint32_t)(count - i));
        vstrbq_p_s32(out + i, edgec_mve_requantize(vldrwq_z_s32(acc + i, tail), &r, out_offset, lo, hi), tail);
    }
}

/* buffer: the padded plane (edgec_mve_span) and 4 bytes, then out_h * out_w int32 accumulators at the
 * next multiple of 4 bytes (the layout of edgec_depthwise_conv_dsp's scratch). */
void edgec_depthwise_conv_mve(const edgec_window *g, const edgec_gemm_params *p, int32_t zero_point,
                              const int8_t *in, const int8_t *w, int8_t *out, int8_t *buffer)
{
    const int32_t width = edgec_mve_span(g->in_w, g->pad_left, g->out_w, 1, 3);
    const int32_t height = edgec_mve_span(g->in_h, g->pad_top, g->out_h, g->stride_h, g->k_h);
    const int32_t plane_in = g->in_h * g->in_w, plane_out = g->out_h * g->out_w;
    int32_t *acc = (int32_t *)(void *)(buffer + (width * height + 4 + 3) / 4 * 4);
    int32_t taps[EDGEC_DW_MVE_MAX_TAPS];
    int32_t c, i;
    for (i = 0; i < width * height + 4; i++) {
        buffer[i] = (int8_t)zero_point;
    }
    for (c = 0; c < g->out_c; c++) {
        const int32_t *chan = p->chan + 5 * c;
        const int8_t *plane = in + c * plane_in;
        const edgec_mve_requant q = edgec_mve_channel(chan);
        for (i = 0; i < 3 * g->k_h; i++) {
            taps[i] = edgec_weight(w, c * 3 * g->k_h + i, g->w_bits);
        }
        edgec_mve_dw_copy(plane, g->in_h, g->in_w, buffer + g->pad_top * width + g->pad_left, width);
        if (g->k_h == 3) {
            edgec_mve_dw_plane3(g, buffer, width, taps, chan[0], acc);
        } else {
            edgec_mve_dw_plane(g, buffer, width, taps, chan[0], acc);
        }
        edgec_mve_dw_requantize(acc, plane_out, &q, p, out + c * plane_out);
    }
}

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int edgec_depthwise_mve_unused;
#endif

/*
 * Depthwise convolution (multiplier 1, kernel width 3, horizontal stride 1, no dilation) on the Arm
 * DSP extension. NCHW keeps a channel's plane contiguous: it is copied into `buffer` with a border
 * of the input zero point (written once; padding then adds nothing since the input offset is folded
 * into the bias), so the inner loop has no bounds checks. Two horizontally adjacent outputs share
 * one word of each input row b0..b3:
 *   out[x]     = w0 b0 + w1 b1 + w2 b2 = SMLAD((w0, w2), (b0, b2)) + SMLABB(w1, (b1, b3))
 *   out[x + 1] = w0 b1 + w1 b2 + w2 b3 = SMLAD((w0, w2), (b1, b3)) + SMLABT(w1, (b0, b2))
 * Any weight width: the few weights of a channel are unpacked once per channel.
 * Bit-exact with edgec_depthwise_conv; compiled to nothing without the DSP extension.
 */
#include "edgec_kernels.h"

#if EDGEC_DSP
#include "edgec_dsp.h"

#define EDGEC_DW_MAX_KH 16

/* Padded plane width and height (the generator sizes the scratch the same way). */
static int32_t edgec_span(int32_t in, int32_t before, int32_t out, int32_t stride, int32_t k)
{
    const int32_t needed = (out - 1) * stride + k;
    return in + before > needed ? in + before : needed;
}

/* Adds the taps of one input row (its word b0..b3 at x - pad) to the accumulators of outputs x, x + 1. */
static inline void edgec_dw_taps(int32_t even, int32_t odd, int32_t w02, int32_t w1, int32_t *acc0, int32_t *acc1)
{
    *acc0 = __smlabb(w1, odd, __smlad(w02, even, *acc0));
    *acc1 = __smlabt(w1, even, __smlad(w02, odd, *acc1));
}

static inline void edgec_dw_row(const int8_t *row, int32_t w02, int32_t w1, int32_t *acc0, int32_t *acc1)
{
    const int32_t v = edgec_read_word(row);
    edgec_dw_taps(__sxtb16(v), edgec_sxtb16_ror8(v), w02, w1, acc0, acc1);
}

/* Stores a pair of accumulators, only the first at an odd row end (the next row's is already there). */
static inline void edgec_dw_put(int32_t *acc, int32_t x, int32_t out_w, int32_t s0, int32_t s1)
{
    acc[x] = s0;
    if (x + 1 < out_w) {
        acc[x + 1] = s1;
    }
}

/*
 * The accumulators of one channel (bias included) into acc[], kernel height 3, weights in
 * registers. With vertical stride 1, blocks of 2 x 2 outputs: four input rows serve two output
 * rows, so each row word is loaded and unpacked once for both.
 */
static void edgec_dw_plane3(const int8_t *buffer, int32_t width, int32_t stride_h, int32_t out_h, int32_t out_w,
                            const int32_t *w02, const int32_t *w1, int32_t bias, int32_t *acc)
{
    const int32_t a02 = w02[0], b02 = w02[1], c02 = w02[2];
    const int32_t a1 = w1[0], b1 = w1[1], c1 = w1[2];
    int32_t y = 0, x;
    if (stride_h == 1) {
        for (; y + 1 < out_h; y += 2, acc += 2 * out_w) {
            const int8_t *row = buffer + y * width;
            for (x = 0; x < out_w; x += 2) {
                int32_t t0 = bias, t1 = bias, u0 = bias, u1 = bias;
                int32_t v = edgec_read_word(row + x);
                int32_t even = __sxtb16(v), odd = edgec_sxtb16_ror8(v);
                edgec_dw_taps(even, odd, a02, a1, &t0, &t1);
                v = edgec_read_word(row + width + x);
                even = __sxtb16(v);
                odd = edgec_sxtb16_ror8(v);
                edgec_dw_taps(even, odd, b02, b1, &t0, &t1);
                edgec_dw_taps(even, odd, a02, a1, &u0, &u1);
                v = edgec_read_word(row + 2 * width + x);
                even = __sxtb16(v);
                odd = edgec_sxtb16_ror8(v);
                edgec_dw_taps(even, odd, c02, c1, &t0, &t1);
                edgec_dw_taps(even, odd, b02, b1, &u0, &u1);
                edgec_dw_row(row + 3 * width + x, c02, c1, &u0, &u1);
                edgec_dw_put(acc, x, out_w, t0, t1);
                edgec_dw_put(acc + out_w, x, out_w, u0, u1);
            }
        }
    }
    for (; y < out_h; y++, acc += out_w) {
        const int8_t *row = buffer + y * stride_h * width;
        for (x = 0; x < out_w; x += 2) {
            int32_t s0 = bias, s1 = bias;
            edgec_dw_row(row + x, a02, a1, &s0, &s1);
            edgec_dw_row(row + width + x, b02, b1, &s0, &s1);
            edgec_dw_row(row + 2 * width + x, c02, c1, &s0, &s1);
            edgec_dw_put(acc, x, out_w, s0, s1);
        }
    }
}

/* The same for any kernel height. */
static void edgec_dw_plane(const edgec_window *g, const int8_t *buffer, int32_t width, const int32_t *w02,
                           const int32_t *w1, int32_t bias, int32_t *acc)
{
    int32_t y, x, ky;
    for (y = 0; y < g->out_h; y++, acc += g->out_w) {
        const int8_t *top = buffer + y * g->stride_h * width;
        for (x = 0; x < g->out_w; x += 2) {
            int32_t s0 = bias, s1 = bias;
            for (ky = 0; ky < g->k_h; ky++) {
                edgec_dw_row(top + ky * width + x, w02[ky], w1[ky], &s0, &s1);
            }
            edgec_dw_put(acc, x, g->out_w, s0, s1);
        }
    }
}

/* out[i] = requantize(acc[i]) with the channel's constants in registers, two at a time. */
static void edgec_dw_requantize(const int32_t *acc, int32_t count, const int32_t *chan, const edgec_gemm_params *p,
                                int8_t *out)
{
    const edgec_dsp_requant r = edgec_dsp_channel(chan);
    const edgec_clamp_pair c = edgec_clamp_consts(p->act_min, p->act_max);
    int32_t i;
    for (i = 0; i + 1 < count; i += 2) {
        edgec_store2(out + i, edgec_dsp_clamp2(edgec_dsp_scale(acc[i], &r), edgec_dsp_scale(acc[i + 1], &r), &c));
    }
    if (i < count) {
        out[i] = (int8_t)edgec_dsp_requantize(acc[i], &r, p->act_min, p->act_max);
    }
}

/* Copies an in_h x in_w plane into rows `stride` apart, a word at a time. */
static void edgec_dw_copy(const int8_t *src, int32_t in_h, int32_t in_w, int8_t *dst, int32_t stride)
{
    int32_t y, n;
    for (y = 0; y < in_h; y++, dst += stride - in_w) {
        for (n = in_w; n >= 4; n -= 4, src += 4, dst += 4) {
            memcpy(dst, src, 4);
        }
        for (; n > 0; n--) {
            *dst++ = *src++;
        }
    }
}

/*
 * buffer: the padded plane (edgec_span), then out_h * out_w (+ 1) int32 accumulators at the next
 * multiple of 4 bytes. Per channel: copy the plane in, accumulate, then requantize the whole
 * plane with the channel's constants held in registers.
 */
void edgec_depthwise_conv_dsp(const edgec_window *g, const edgec_gemm_params *p, int32_t zero_point,
                              const int8_t *in, const int8_t *w, int8_t *out, int8_t *buffer)
{
    const int32_t width = edgec_span(g->in_w, g->pad_left, g->out_w, 1, 3);
    const int32_t height = edgec_span(g->in_h, g->pad_top, g->out_h, g->stride_h, g->k_h);
    const int32_t padded_bytes = (width * height + 4 + 3) / 4 * 4;
    const int32_t plane_out = g->out_h * g->out_w;
    int32_t *acc = (int32_t *)(void *)(buffer + padded_bytes);
    int32_t w02[EDGEC_DW_MAX_KH], w1[EDGEC_DW_MAX_KH];
    int32_t c, i, ky;
    for (i = 0; i < width * height + 4; i++) {
        buffer[i] = (int8_t)zero_point;
    }
    for (c = 0; c < g->out_c; c++) {
        const int32_t *chan = p->chan + 5 * c;
        const int8_t *plane = in + c * g->in_h * g->in_w;
        int8_t *dst = out + c * plane_out;
        for (ky = 0; ky < g->k_h; ky++) {
            const int32_t tap = (c * g->k_h + ky) * 3;
            w02[ky] = edgec_pack_pair(edgec_weight(w, tap, g->w_bits), edgec_weight(w, tap + 2, g->w_bits));
            w1[ky] = edgec_weight(w, tap + 1, g->w_bits);
        }
        edgec_dw_copy(plane, g->in_h, g->in_w, buffer + g->pad_top * width + g->pad_left, width);
        if (g->k_h == 3) {
            edgec_dw_plane3(buffer, width, g->stride_h, g->out_h, g->out_w, w02, w1, chan[0], acc);
        } else {
            edgec_dw_plane(g, buffer, width, w02, w1, chan[0], acc);
        }
        edgec_dw_requantize(acc, plane_out, chan, p, dst);
    }
}

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int edgec_depthwise_dsp_unused;
#endif

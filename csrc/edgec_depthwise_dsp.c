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

/* Adds one input row's taps to the accumulators of outputs x and x + 1. */
static inline void edgec_dw_row(const int8_t *row, int32_t w02, int32_t w1, int32_t *acc0, int32_t *acc1)
{
    const int32_t v = edgec_read_word(row);
    const int32_t even = __sxtb16(v), odd = edgec_sxtb16_ror8(v);
    *acc0 = __smlabb(w1, odd, __smlad(w02, even, *acc0));
    *acc1 = __smlabt(w1, even, __smlad(w02, odd, *acc1));
}

/* The accumulators of one channel (bias included) into acc[], kernel height 3, weights in registers. */
static void edgec_dw_plane3(const int8_t *buffer, int32_t width, int32_t row_step, int32_t out_h, int32_t out_w,
                            const int32_t *w02, const int32_t *w1, int32_t bias, int32_t *acc)
{
    const int32_t a02 = w02[0], b02 = w02[1], c02 = w02[2];
    const int32_t a1 = w1[0], b1 = w1[1], c1 = w1[2];
    int32_t y, x;
    for (y = 0; y < out_h; y++, buffer += row_step) {
        const int8_t *row = buffer;
        for (x = 0; x < out_w; x += 2, row += 2, acc += 2) {
            int32_t s0 = bias, s1 = bias;
            edgec_dw_row(row, a02, a1, &s0, &s1);
            edgec_dw_row(row + width, b02, b1, &s0, &s1);
            edgec_dw_row(row + 2 * width, c02, c1, &s0, &s1);
            acc[0] = s0;
            acc[1] = s1;
        }
        acc -= x - out_w; /* an odd width computed one output too many */
    }
}

/* The same for any kernel height. */
static void edgec_dw_plane(const edgec_window *g, const int8_t *buffer, int32_t width, const int32_t *w02,
                           const int32_t *w1, int32_t bias, int32_t *acc)
{
    int32_t y, x, ky;
    for (y = 0; y < g->out_h; y++) {
        const int8_t *top = buffer + y * g->stride_h * width;
        for (x = 0; x < g->out_w; x += 2, acc += 2) {
            int32_t s0 = bias, s1 = bias;
            for (ky = 0; ky < g->k_h; ky++) {
                edgec_dw_row(top + ky * width + x, w02[ky], w1[ky], &s0, &s1);
            }
            acc[0] = s0;
            acc[1] = s1;
        }
        acc -= x - g->out_w;
    }
}

/* out[i] = requantize(acc[i]) with the channel's constants in registers. */
static void edgec_dw_requantize(const int32_t *acc, int32_t count, const int32_t *chan, const edgec_gemm_params *p,
                                int8_t *out)
{
    const edgec_dsp_requant r = edgec_dsp_channel(chan, p->out_offset);
    const int32_t lo = p->act_min, hi = p->act_max;
    int32_t i;
    for (i = 0; i < count; i++) {
        out[i] = (int8_t)edgec_dsp_requantize(acc[i], &r, lo, hi);
    }
}

/*
 * buffer: the padded plane (edgec_span), then out_h * out_w + 1 int32 accumulators at the next
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
    int32_t c, i, y, x, ky;
    for (i = 0; i < width * height + 4; i++) {
        buffer[i] = (int8_t)zero_point;
    }
    for (c = 0; c < g->out_c; c++) {
        const int32_t *chan = p->chan + 3 * c;
        const int8_t *plane = in + c * g->in_h * g->in_w;
        int8_t *dst = out + c * plane_out;
        for (ky = 0; ky < g->k_h; ky++) {
            const int32_t tap = (c * g->k_h + ky) * 3;
            w02[ky] = edgec_pack_pair(edgec_weight(w, tap, g->w_bits), edgec_weight(w, tap + 2, g->w_bits));
            w1[ky] = edgec_weight(w, tap + 1, g->w_bits);
        }
        for (y = 0; y < g->in_h; y++) {
            int8_t *row = buffer + (y + g->pad_top) * width + g->pad_left;
            const int8_t *src = plane + y * g->in_w;
            for (x = 0; x + 4 <= g->in_w; x += 4) {
                memcpy(row + x, src + x, 4);
            }
            for (; x < g->in_w; x++) {
                row[x] = src[x];
            }
        }
        if (g->k_h == 3) {
            edgec_dw_plane3(buffer, width, g->stride_h * width, g->out_h, g->out_w, w02, w1, chan[0], acc);
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

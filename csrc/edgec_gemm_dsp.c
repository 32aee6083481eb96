/*
 * Convolutions and fully connected layers as a GEMM on the Arm DSP extension: the input of two
 * output pixels (or rows) is copied into `col` as int16 pairs, then every pair of output channels
 * runs a 2x2 block (2 channels x 2 pixels, four SMLADs per weight word and column word: the
 * blocking of CMSIS-NN's arm_nn_mat_mult_kernel_s8_s16). Weights come pre-arranged by the
 * generator (src/codegen/dsp-layout.ts): per pair of channels, per word of the reduction, one
 * int32 of channel r then one of channel r + 1; in a word, field j of bytes 0, 2, 1, 3 holds the
 * values k = 4j + 0..3, so SXTB16 of the word (shifted to field j) gives pairs in input order.
 * int4/int2 fields are unpacked as 16x/64x their value; the sum is shifted back exactly.
 * Bit-exact with edgec_conv.c / edgec_dense.c; compiled to nothing without the DSP extension.
 */
#include "edgec_kernels.h"

#if EDGEC_DSP
#include "edgec_dsp.h"

/*
 * The column buffer: int32 words, each two int16 of consecutive k; word 2i + c holds k = 2i, 2i + 1
 * of column c (two columns interleaved, so one pointer walks both).
 */

/* Field j of every byte of w moved to the top bits of bytes 0 and 2 (even) or 1 and 3 (odd). */
EDGEC_ALWAYS_INLINE int32_t edgec_field(uint32_t w, int32_t bits, int32_t j, int32_t odd)
{
    const uint32_t top = bits == 4 ? 0xF0F0F0F0u : 0xC0C0C0C0u;
    const int32_t up = 8 - bits - bits * j;
    if (bits == 8) {
        return odd ? edgec_sxtb16_ror8((int32_t)w) : __sxtb16((int32_t)w);
    }
    return __sxtb16((int32_t)((odd ? (w >> (8 - up)) : (w << up)) & top));
}

/*
 * One 2-channel block over the whole reduction for 1 or 2 columns, accumulators starting at the
 * scaled biases; bits and two are constants after inlining. (Unrolling this loop, by hand or by
 * pragma, made GCC 12 spill accumulators: slower on Cortex-M4.)
 */
EDGEC_ALWAYS_INLINE void edgec_block(const int32_t *w, const int32_t *col, int32_t words, int32_t bits,
                                     int32_t two, int32_t acc[4])
{
    const int32_t fields = 8 / bits;
    const int32_t *end = w + 2 * words;
    int32_t a00 = acc[0], a01 = acc[1], a10 = acc[2], a11 = acc[3];
    int32_t j;
    while (w != end) {
        const uint32_t w0 = (uint32_t)w[0];
        const uint32_t w1 = (uint32_t)w[1];
        w += 2;
        for (j = 0; j < fields; j++) {
            const int32_t x0 = col[0], x1 = col[2];
            const int32_t p0 = edgec_field(w0, bits, j, 0), q0 = edgec_field(w0, bits, j, 1);
            const int32_t p1 = edgec_field(w1, bits, j, 0), q1 = edgec_field(w1, bits, j, 1);
            a00 = __smlad(p0, x0, a00);
            a00 = __smlad(q0, x1, a00);
            a10 = __smlad(p1, x0, a10);
            a10 = __smlad(q1, x1, a10);
            if (two) {
                const int32_t y0 = col[1], y1 = col[3];
                a01 = __smlad(p0, y0, a01);
                a01 = __smlad(q0, y1, a01);
                a11 = __smlad(p1, y0, a11);
                a11 = __smlad(q1, y1, a11);
            }
            col += 4;
        }
    }
    acc[0] = a00;
    acc[1] = a01;
    acc[2] = a10;
    acc[3] = a11;
}

/* The outputs of one channel for 1 or 2 columns; adjacent columns clamp and store as a pair. */
EDGEC_ALWAYS_INLINE void edgec_gemm_store(int8_t *out, int32_t col_stride, int32_t two, int32_t acc0, int32_t acc1,
                                          const edgec_dsp_requant *q, const edgec_clamp_pair *clamp, int32_t lo,
                                          int32_t hi)
{
    if (two && col_stride == 1) {
        edgec_store2(out, edgec_dsp_clamp2(edgec_dsp_scale(acc0, q), edgec_dsp_scale(acc1, q), clamp));
        return;
    }
    out[0] = (int8_t)edgec_dsp_requantize(acc0, q, lo, hi);
    if (two) {
        out[col_stride] = (int8_t)edgec_dsp_requantize(acc1, q, lo, hi);
    }
}

/* Every channel pair over the 1 or 2 columns in col; out[r * row_stride + c * col_stride]. */
EDGEC_ALWAYS_INLINE void edgec_gemm_bits(const edgec_gemm_params *p, const int32_t *col, int32_t two, int8_t *out,
                                         int32_t row_stride, int32_t col_stride, int32_t bits)
{
    const int32_t scale = 8 - bits;
    const int32_t per_word = 32 / bits;
    const int32_t words = (p->depth + per_word - 1) / per_word;
    const int32_t *w = p->w;
    const int32_t *chan = p->chan;
    /* Locals, not p->...: the int8 stores below may alias p as far as the compiler knows. */
    const int32_t rows = p->rows, lo = p->act_min, hi = p->act_max;
    const edgec_clamp_pair clamp = edgec_clamp_consts(lo, hi);
    int32_t r;
    for (r = 0; r < rows; r += 2, chan += 10, w += 2 * words, out += 2 * row_stride) {
        int32_t acc[4];
        edgec_dsp_requant q;
        acc[0] = acc[1] = (int32_t)((uint32_t)chan[0] << scale);
        acc[2] = acc[3] = (int32_t)((uint32_t)chan[5] << scale);
        edgec_block(w, col, words, bits, two, acc);
        q = edgec_dsp_channel(chan);
        edgec_gemm_store(out, col_stride, two, acc[0] >> scale, acc[1] >> scale, &q, &clamp, lo, hi);
        if (r + 1 < rows) {
            q = edgec_dsp_channel(chan + 5);
            edgec_gemm_store(out + row_stride, col_stride, two, acc[2] >> scale, acc[3] >> scale, &q, &clamp, lo, hi);
        }
    }
}

/*
 * Four adjacent columns (two interleaved column buffers) per channel pair: the pair's
 * requantization constants serve eight outputs.
 */
EDGEC_ALWAYS_INLINE void edgec_gemm4_bits(const edgec_gemm_params *p, const int32_t *col0, const int32_t *col1,
                                          int8_t *out, int32_t row_stride, int32_t bits)
{
    const int32_t scale = 8 - bits;
    const int32_t per_word = 32 / bits;
    const int32_t words = (p->depth + per_word - 1) / per_word;
    const int32_t *w = p->w;
    const int32_t *chan = p->chan;
    const int32_t rows = p->rows;
    const edgec_clamp_pair clamp = edgec_clamp_consts(p->act_min, p->act_max);
    int32_t r;
    for (r = 0; r < rows; r += 2, chan += 10, w += 2 * words, out += 2 * row_stride) {
        int32_t a[4], b[4];
        edgec_dsp_requant q;
        a[0] = a[1] = b[0] = b[1] = (int32_t)((uint32_t)chan[0] << scale);
        a[2] = a[3] = b[2] = b[3] = (int32_t)((uint32_t)chan[5] << scale);
        edgec_block(w, col0, words, bits, 1, a);
        edgec_block(w, col1, words, bits, 1, b);
        q = edgec_dsp_channel(chan);
        edgec_store2(out, edgec_dsp_clamp2(edgec_dsp_scale(a[0] >> scale, &q), edgec_dsp_scale(a[1] >> scale, &q), &clamp));
        edgec_store2(out + 2, edgec_dsp_clamp2(edgec_dsp_scale(b[0] >> scale, &q), edgec_dsp_scale(b[1] >> scale, &q), &clamp));
        if (r + 1 < rows) {
            q = edgec_dsp_channel(chan + 5);
            edgec_store2(out + row_stride,
                         edgec_dsp_clamp2(edgec_dsp_scale(a[2] >> scale, &q), edgec_dsp_scale(a[3] >> scale, &q), &clamp));
            edgec_store2(out + row_stride + 2,
                         edgec_dsp_clamp2(edgec_dsp_scale(b[2] >> scale, &q), edgec_dsp_scale(b[3] >> scale, &q), &clamp));
        }
    }
}

/*
 * One function per weight width and shape of work, so that a linker dropping unused sections
 * (-ffunction-sections, --gc-sections) keeps only the widths a model uses.
 */
static void edgec_gemm4_w8(const edgec_gemm_params *p, const int32_t *c0, const int32_t *c1, int8_t *out, int32_t rs)
{
    edgec_gemm4_bits(p, c0, c1, out, rs, 8);
}

static void edgec_gemm4_w4(const edgec_gemm_params *p, const int32_t *c0, const int32_t *c1, int8_t *out, int32_t rs)
{
    edgec_gemm4_bits(p, c0, c1, out, rs, 4);
}

static void edgec_gemm4_w2(const edgec_gemm_params *p, const int32_t *c0, const int32_t *c1, int8_t *out, int32_t rs)
{
    edgec_gemm4_bits(p, c0, c1, out, rs, 2);
}

static void edgec_gemm_w8(const edgec_gemm_params *p, const int32_t *col, int32_t two, int8_t *out, int32_t rs, int32_t cs)
{
    edgec_gemm_bits(p, col, two, out, rs, cs, 8);
}

static void edgec_gemm_w4(const edgec_gemm_params *p, const int32_t *col, int32_t two, int8_t *out, int32_t rs, int32_t cs)
{
    edgec_gemm_bits(p, col, two, out, rs, cs, 4);
}

static void edgec_gemm_w2(const edgec_gemm_params *p, const int32_t *col, int32_t two, int8_t *out, int32_t rs, int32_t cs)
{
    edgec_gemm_bits(p, col, two, out, rs, cs, 2);
}

/* bits is a constant in every caller after inlining: one width's functions are referenced. */
EDGEC_ALWAYS_INLINE void edgec_gemm4(int32_t bits, const edgec_gemm_params *p, const int32_t *col0,
                                     const int32_t *col1, int8_t *out, int32_t row_stride)
{
    if (bits == 8) {
        edgec_gemm4_w8(p, col0, col1, out, row_stride);
    } else if (bits == 4) {
        edgec_gemm4_w4(p, col0, col1, out, row_stride);
    } else {
        edgec_gemm4_w2(p, col0, col1, out, row_stride);
    }
}

EDGEC_ALWAYS_INLINE void edgec_gemm(int32_t bits, const edgec_gemm_params *p, const int32_t *col, int32_t two,
                                    int8_t *out, int32_t row_stride, int32_t col_stride)
{
    if (bits == 8) {
        edgec_gemm_w8(p, col, two, out, row_stride, col_stride);
    } else if (bits == 4) {
        edgec_gemm_w4(p, col, two, out, row_stride, col_stride);
    } else {
        edgec_gemm_w2(p, col, two, out, row_stride, col_stride);
    }
}

/* Zero words after the reduction up to a whole weight word (the arranged weights are zero there). */
static void edgec_pad_col(int32_t *col, int32_t depth, int32_t bits)
{
    const int32_t per_word = 32 / bits;
    const int32_t padded = (depth + per_word - 1) / per_word * per_word;
    int32_t i;
    for (i = (depth + 1) / 2; i < padded / 2; i++) {
        col[2 * i] = 0;
        col[2 * i + 1] = 0;
    }
}

/* Input pixels px (and px + 1 if two) of an NCHW plane as interleaved column words. */
static void edgec_pointwise_cols(const int8_t *in, int32_t plane, int32_t depth, int32_t two, int32_t *col)
{
    int32_t k;
    for (k = 0; k + 1 < depth; k += 2, in += 2 * plane, col += 2) {
        col[0] = edgec_pack_pair(in[0], in[plane]);
        col[1] = two ? edgec_pack_pair(in[1], in[plane + 1]) : 0;
    }
    if (k < depth) {
        col[0] = edgec_pack_pair(in[0], 0);
        col[1] = edgec_pack_pair(two ? in[1] : 0, 0);
    }
}

/* scratch: two column buffers (pixels px, px + 1 and px + 2, px + 3). */
EDGEC_ALWAYS_INLINE void edgec_gemm_pointwise(const edgec_gemm_params *p, int32_t plane, const int8_t *in, int8_t *out,
                                         int16_t *scratch, int32_t bits)
{
    const int32_t per_word = 32 / bits;
    const int32_t padded = (p->depth + per_word - 1) / per_word * per_word;
    int32_t *col0 = (int32_t *)(void *)scratch;
    int32_t *col1 = col0 + padded;
    int32_t px = 0;
    edgec_pad_col(col0, p->depth, bits);
    edgec_pad_col(col1, p->depth, bits);
    for (; px + 4 <= plane; px += 4) {
        edgec_pointwise_cols(in + px, plane, p->depth, 1, col0);
        edgec_pointwise_cols(in + px + 2, plane, p->depth, 1, col1);
        edgec_gemm4(bits, p, col0, col1, out + px, plane);
    }
    for (; px < plane; px += 2) {
        const int32_t two = px + 1 < plane;
        edgec_pointwise_cols(in + px, plane, p->depth, two, col0);
        edgec_gemm(bits, p, col0, two, out + px, plane, 1);
    }
}

/* The patch of output pixel (oy, ox) as int16 into patch[]; taps in the padding read the zero point. */
static void edgec_im2col(const edgec_window *g, int32_t zero_point, const int8_t *in, int32_t oy, int32_t ox,
                         int16_t *patch)
{
    const int32_t x0 = ox * g->stride_w - g->pad_left;
    const int32_t row_inside = x0 >= 0 && x0 + (g->k_w - 1) * g->dil_w < g->in_w;
    int32_t ic, ky, kx;
    for (ic = 0; ic < g->in_c; ic++) {
        const int8_t *channel = in + ic * g->in_h * g->in_w;
        for (ky = 0; ky < g->k_h; ky++) {
            const int32_t iy = oy * g->stride_h - g->pad_top + ky * g->dil_h;
            const int8_t *row = channel + (iy >= 0 && iy < g->in_h ? iy * g->in_w : 0);
            if (iy < 0 || iy >= g->in_h) {
                for (kx = 0; kx < g->k_w; kx++) {
                    *patch++ = (int16_t)zero_point;
                }
            } else if (row_inside) {
                for (kx = 0; kx < g->k_w; kx++) {
                    *patch++ = row[x0 + kx * g->dil_w];
                }
            } else {
                for (kx = 0; kx < g->k_w; kx++) {
                    const int32_t ix = x0 + kx * g->dil_w;
                    *patch++ = (int16_t)(ix >= 0 && ix < g->in_w ? row[ix] : zero_point);
                }
            }
        }
    }
}

/* Output pixels px, px + 1 (if two) as interleaved column words, through the int16 patches a, b. */
static void edgec_conv_cols(const edgec_window *g, int32_t zero_point, const int8_t *in, int32_t depth, int32_t px,
                            int32_t two, int16_t *a, int16_t *b, int32_t *col)
{
    int32_t k;
    edgec_im2col(g, zero_point, in, px / g->out_w, px % g->out_w, a);
    if (two) {
        edgec_im2col(g, zero_point, in, (px + 1) / g->out_w, (px + 1) % g->out_w, b);
    }
    for (k = 0; k < depth; k += 2) {
        col[k] = edgec_pack_pair(a[k], a[k + 1]);
        col[k + 1] = two ? edgec_pack_pair(b[k], b[k + 1]) : 0;
    }
}

/*
 * scratch: two column buffers (as the pointwise kernel), then two int16 patches of depth
 * (rounded up to even) that are paired into them.
 */
EDGEC_ALWAYS_INLINE void edgec_gemm_conv(const edgec_window *g, const edgec_gemm_params *p, int32_t zero_point,
                                    const int8_t *in, int8_t *out, int16_t *scratch, int32_t bits)
{
    const int32_t plane = g->out_h * g->out_w;
    const int32_t per_word = 32 / bits;
    const int32_t padded = (p->depth + per_word - 1) / per_word * per_word;
    int32_t *col0 = (int32_t *)(void *)scratch;
    int32_t *col1 = col0 + padded;
    int16_t *a = scratch + 4 * padded;
    int16_t *b = a + padded;
    int32_t px = 0;
    edgec_pad_col(col0, p->depth, bits);
    edgec_pad_col(col1, p->depth, bits);
    a[p->depth] = 0;
    b[p->depth] = 0;
    for (; px + 4 <= plane; px += 4) {
        edgec_conv_cols(g, zero_point, in, p->depth, px, 1, a, b, col0);
        edgec_conv_cols(g, zero_point, in, p->depth, px + 2, 1, a, b, col1);
        edgec_gemm4(bits, p, col0, col1, out + px, plane);
    }
    for (; px < plane; px += 2) {
        const int32_t two = px + 1 < plane;
        edgec_conv_cols(g, zero_point, in, p->depth, px, two, a, b, col0);
        edgec_gemm(bits, p, col0, two, out + px, plane, 1);
    }
}

EDGEC_ALWAYS_INLINE void edgec_gemm_dense(const edgec_gemm_params *p, int32_t rows, const int8_t *in, int8_t *out,
                                     int16_t *scratch, int32_t bits)
{
    int32_t *col = (int32_t *)(void *)scratch;
    int32_t r, k;
    edgec_pad_col(col, p->depth, bits);
    for (r = 0; r < rows; r += 2) {
        const int32_t two = r + 1 < rows;
        const int8_t *x = in + r * p->depth;
        for (k = 0; k < p->depth; k += 2) {
            const int32_t more = k + 1 < p->depth;
            col[k] = edgec_pack_pair(x[k], more ? x[k + 1] : 0);
            col[k + 1] = two ? edgec_pack_pair(x[p->depth + k], more ? x[p->depth + k + 1] : 0) : 0;
        }
        edgec_gemm(bits, p, col, two, out + r * p->rows, 1, p->rows);
    }
}

void edgec_pointwise_conv_dsp_w8(const edgec_gemm_params *p, int32_t plane, const int8_t *in, int8_t *out,
                                 int16_t *scratch)
{
    edgec_gemm_pointwise(p, plane, in, out, scratch, 8);
}

void edgec_conv_dsp_w8(const edgec_window *g, const edgec_gemm_params *p, int32_t zero_point, const int8_t *in,
                       int8_t *out, int16_t *scratch)
{
    edgec_gemm_conv(g, p, zero_point, in, out, scratch, 8);
}

void edgec_fully_connected_dsp_w8(const edgec_gemm_params *p, int32_t rows, const int8_t *in, int8_t *out,
                                  int16_t *scratch)
{
    edgec_gemm_dense(p, rows, in, out, scratch, 8);
}

void edgec_pointwise_conv_dsp_w4(const edgec_gemm_params *p, int32_t plane, const int8_t *in, int8_t *out,
                                 int16_t *scratch)
{
    edgec_gemm_pointwise(p, plane, in, out, scratch, 4);
}

void edgec_conv_dsp_w4(const edgec_window *g, const edgec_gemm_params *p, int32_t zero_point, const int8_t *in,
                       int8_t *out, int16_t *scratch)
{
    edgec_gemm_conv(g, p, zero_point, in, out, scratch, 4);
}

void edgec_fully_connected_dsp_w4(const edgec_gemm_params *p, int32_t rows, const int8_t *in, int8_t *out,
                                  int16_t *scratch)
{
    edgec_gemm_dense(p, rows, in, out, scratch, 4);
}

void edgec_pointwise_conv_dsp_w2(const edgec_gemm_params *p, int32_t plane, const int8_t *in, int8_t *out,
                                 int16_t *scratch)
{
    edgec_gemm_pointwise(p, plane, in, out, scratch, 2);
}

void edgec_conv_dsp_w2(const edgec_window *g, const edgec_gemm_params *p, int32_t zero_point, const int8_t *in,
                       int8_t *out, int16_t *scratch)
{
    edgec_gemm_conv(g, p, zero_point, in, out, scratch, 2);
}

void edgec_fully_connected_dsp_w2(const edgec_gemm_params *p, int32_t rows, const int8_t *in, int8_t *out,
                                  int16_t *scratch)
{
    edgec_gemm_dense(p, rows, in, out, scratch, 2);
}

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int edgec_gemm_dsp_unused;
#endif

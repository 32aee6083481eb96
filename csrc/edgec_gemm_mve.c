/*
 * Convolutions and fully connected layers as a GEMM on Helium (MVE, Cortex-M55/M85), int8
 * weights: each pass computes 4 output channels for 2 columns (pixels or rows), 16 multiply-
 * accumulates per VMLADAVA over int8x16 vectors (the blocking of CMSIS-NN's
 * arm_nn_mat_mult_nt_t_s8, which takes 4 rows of one operand per column of the other). Weights
 * come from the generator (src/codegen/mve-layout.ts) in blocks of 4 rows x 16 values, rows
 * padded to a multiple of 4 and the reduction with zeros to a multiple of 16, so one pointer walks
 * the 4 rows and weight loads need no predicate; the column
 * tail is loaded with a VCTP predicate (inactive lanes read as zero, nothing read past the end).
 * The input offset is folded into the bias; the 4 accumulators are requantized as one vector
 * (edgec_mve.h). Bit-exact with edgec_conv.c / edgec_dense.c; compiled to nothing without MVE.
 */
#include "edgec_kernels.h"

#if EDGEC_MVE
#include "edgec_mve.h"

/* Stores 4 channels' outputs (the valid ones: fewer at the last group) at out + i * stride. */
static inline void edgec_mve_store4(int8_t *out, int32_t stride, int32x4_t v, int32_t valid)
{
    const uint32x4_t offsets = vmulq_n_u32(vidupq_n_u32(0, 1), (uint32_t)stride);
    vstrbq_scatter_offset_p_s32(out, offsets, v, vctp32q((uint32_t)valid));
}

static inline int32x4_t edgec_mve_lanes(int32_t a0, int32_t a1, int32_t a2, int32_t a3)
{
    int32x4_t v = vdupq_n_s32(a0);
    v = vsetq_lane_s32(a1, v, 1);
    v = vsetq_lane_s32(a2, v, 2);
    return vsetq_lane_s32(a3, v, 3);
}

/*
 * Every group of 4 channels for column x0 (and x1 if two): output of channel r, column c at
 * out[r * row_stride + c * col_stride].
 */
static inline __attribute__((always_inline)) void edgec_mve_gemm_cols(const edgec_mve_params *p, const int8_t *x0,
                                                                       const int8_t *x1, int32_t two, int8_t *out,
                                                                       int32_t row_stride, int32_t col_stride)
{
    const int32_t depth = p->depth, rows = p->rows;
    const int32_t lo = p->act_min, hi = p->act_max, out_offset = p->out_offset;
    const int8_t *w = p->w;
    const int32_t *group = p->chan;
    int32_t r, n;
    for (r = 0; r < rows; r += 4, group += EDGEC_MVE_GROUP, out += 4 * row_stride) {
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
        const int8_t *x = x0, *y = x1;
        int32x4_t acc;
        edgec_mve_requant q;
        for (n = depth; n > 0; n -= 16, w += 64, x += 16, y += 16) {
            const mve_pred16_t tail = vctp8q((uint32_t)n);
            const int8x16_t u = vldrbq_z_s8(x, tail);
            const int8x16_t w0 = vldrbq_s8(w), w1 = vldrbq_s8(w + 16);
            const int8x16_t w2 = vldrbq_s8(w + 32), w3 = vldrbq_s8(w + 48);
            a0 = vmladavaq_s8(a0, u, w0);
            a1 = vmladavaq_s8(a1, u, w1);
            a2 = vmladavaq_s8(a2, u, w2);
            a3 = vmladavaq_s8(a3, u, w3);
            if (two) {
                const int8x16_t v = vldrbq_z_s8(y, tail);
                b0 = vmladavaq_s8(b0, v, w0);
                b1 = vmladavaq_s8(b1, v, w1);
                b2 = vmladavaq_s8(b2, v, w2);
                b3 = vmladavaq_s8(b3, v, w3);
            }
        }
        q = edgec_mve_group(group);
        acc = vaddq_s32(edgec_mve_lanes(a0, a1, a2, a3), vldrwq_s32(group + EDGEC_MVE_BIAS));
        edgec_mve_store4(out, row_stride, edgec_mve_requantize(acc, &q, out_offset, lo, hi), rows - r);
        if (two) {
            acc = vaddq_s32(edgec_mve_lanes(b0, b1, b2, b3), vldrwq_s32(group + EDGEC_MVE_BIAS));
            edgec_mve_store4(out + col_stride, row_stride, edgec_mve_requantize(acc, &q, out_offset, lo, hi),
                             rows - r);
        }
    }
}

/* `two` a constant in each copy: without the branch in its inner loop GCC keeps the 8 accumulators in registers. */
static void edgec_mve_gemm(const edgec_mve_params *p, const int8_t *x0, const int8_t *x1, int32_t two, int8_t *out,
                           int32_t row_stride, int32_t col_stride)
{
    if (two) {
        edgec_mve_gemm_cols(p, x0, x1, 1, out, row_stride, col_stride);
    } else {
        edgec_mve_gemm_cols(p, x0, x1, 0, out, row_stride, col_stride);
    }
}

/* Pixel px of every input channel of an NCHW tensor, contiguous in col. */
static void edgec_mve_pixel(const int8_t *in, int32_t plane, int32_t depth, int8_t *col)
{
    int32_t k;
    for (k = 0; k < depth; k++, in += plane) {
        col[k] = in[0];
    }
}

/* scratch: two columns of p->depth bytes. */
void edgec_pointwise_conv_mve_w8(const edgec_mve_params *p, int32_t plane, const int8_t *in, int8_t *out,
                                 int8_t *scratch)
{
    int8_t *col0 = scratch, *col1 = scratch + p->depth;
    int32_t px;
    for (px = 0; px < plane; px += 2) {
        const int32_t two = px + 1 < plane;
        edgec_mve_pixel(in + px, plane, p->depth, col0);
        if (two) {
            edgec_mve_pixel(in + px + 1, plane, p->depth, col1);
        }
        edgec_mve_gemm(p, col0, col1, two, out + px, plane, 1);
    }
}

/* The patch of output pixel px as int8 into patch[]; taps in the padding read the zero point. */
static void edgec_mve_im2col(const edgec_window *g, int32_t zero_point, const int8_t *in, int32_t px, int8_t *patch)
{
    const int32_t oy = px / g->out_w, ox = px % g->out_w;
    const int32_t x0 = ox * g->stride_w - g->pad_left;
    int32_t ic, ky, kx;
    for (ic = 0; ic < g->in_c; ic++) {
        const int8_t *channel = in + ic * g->in_h * g->in_w;
        for (ky = 0; ky < g->k_h; ky++) {
            const int32_t iy = oy * g->stride_h - g->pad_top + ky * g->dil_h;
            const int32_t row_valid = iy >= 0 && iy < g->in_h;
            const int8_t *row = channel + (row_valid ? iy * g->in_w : 0);
            for (kx = 0; kx < g->k_w; kx++) {
                const int32_t ix = x0 + kx * g->dil_w;
                *patch++ = (int8_t)(row_valid && ix >= 0 && ix < g->in_w ? row[ix] : zero_point);
            }
        }
    }
}

/* scratch: two patches of p->depth bytes. */
void edgec_conv_mve_w8(const edgec_window *g, const edgec_mve_params *p, int32_t zero_point, const int8_t *in,
                       int8_t *out, int8_t *scratch)
{
    const int32_t plane = g->out_h * g->out_w;
    int8_t *col0 = scratch, *col1 = scratch + p->depth;
    int32_t px;
    for (px = 0; px < plane; px += 2) {
        const int32_t two = px + 1 < plane;
        edgec_mve_im2col(g, zero_point, in, px, col0);
        if (two) {
            edgec_mve_im2col(g, zero_point, in, px + 1, col1);
        }
        edgec_mve_gemm(p, col0, col1, two, out + px, plane, 1);
    }
}

/* Input rows are the columns, read in place. */
void edgec_fully_connected_mve_w8(const edgec_mve_params *p, int32_t rows, const int8_t *in, int8_t *out)
{
    int32_t r;
    for (r = 0; r < rows; r += 2) {
        const int8_t *x = in + r * p->depth;
        edgec_mve_gemm(p, x, x + p->depth, r + 1 < rows, out + r * p->rows, 1, p->rows);
    }
}

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int edgec_gemm_mve_unused;
#endif

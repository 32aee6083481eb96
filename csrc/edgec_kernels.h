/*
 * edgec integer kernels: self-contained C99, no allocation, no floating point. Every function
 * computes bit for bit what edgec's integer reference (src/ops/<op>.ts, facet `integer`)
 * computes; the tests compile each one and compare. Tensors are NCHW, batch 1, row-major.
 *
 * Requantization is CMSIS-NN's arm_nn_requantize with its default DOUBLE ROUNDING (not
 * CMSIS_NN_USE_SINGLE_ROUNDING): a doubling high multiply rounding half up, then a right shift
 * rounding half away from zero. Right shifts of negative values are arithmetic, as on GCC, Clang
 * and every Arm compiler.
 */
#ifndef EDGEC_KERNELS_H
#define EDGEC_KERNELS_H

#include <stdint.h>

/* (int32)(((int64)a * b + 2^30) >> 31); INT32_MIN * INT32_MIN saturates. */
static inline int32_t edgec_doubling_high_mult(int32_t a, int32_t b)
{
    if (a == INT32_MIN && b == INT32_MIN) {
        return INT32_MAX;
    }
    return (int32_t)(((int64_t)a * (int64_t)b + ((int64_t)1 << 30)) >> 31);
}

/* x / 2^e rounded half away from zero, e in [0, 31]. */
static inline int32_t edgec_divide_by_power_of_two(int32_t x, int32_t e)
{
    const int32_t mask = (int32_t)(((uint32_t)1 << e) - 1u);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> e) + (remainder > threshold ? 1 : 0);
}

/* acc * multiplier * 2^(shift - 31); the left shift wraps modulo 2^32 like the reference. */
static inline int32_t edgec_requantize(int32_t acc, int32_t multiplier, int32_t shift)
{
    const int32_t left = shift > 0 ? shift : 0;
    const int32_t right = shift > 0 ? 0 : -shift;
    return edgec_divide_by_power_of_two(
        edgec_doubling_high_mult((int32_t)((uint32_t)acc << left), multiplier), right);
}

static inline int32_t edgec_clamp(int32_t x, int32_t lo, int32_t hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

/*
 * Weight k of a densely packed tensor: 8 bits one per byte; 4 bits two per byte, element 2i in
 * the low nibble (CMSIS-NN / TFLite int4 order); 2 bits four per byte, element 4i lowest.
 */
static inline int32_t edgec_weight(const int8_t *w, int32_t k, int32_t bits)
{
    if (bits == 8) {
        return w[k];
    }
    if (bits == 4) {
        const int32_t nibble = ((uint8_t)w[k >> 1] >> ((k & 1) * 4)) & 0xF;
        return (nibble ^ 0x8) - 0x8;
    }
    {
        const int32_t crumb = ((uint8_t)w[k >> 2] >> ((k & 3) * 2)) & 0x3;
        return (crumb ^ 0x2) - 0x2;
    }
}

/*
 * Activations are int8 or int16 (symmetric, zero point 0); each kernel takes a flag per tensor
 * (`*_is16`) and loads or stores through these helpers, so one kernel serves both types.
 */
static inline int32_t edgec_load(const void *p, int32_t i, int32_t is16)
{
    return is16 ? ((const int16_t *)p)[i] : ((const int8_t *)p)[i];
}

static inline void edgec_store(void *p, int32_t i, int32_t is16, int32_t v)
{
    if (is16) {
        ((int16_t *)p)[i] = (int16_t)v;
    } else {
        ((int8_t *)p)[i] = (int8_t)v;
    }
}

/* Requantization of a layer: per output channel multipliers/shifts, offsets, output clamp. */
typedef struct {
    const int32_t *mult;
    const int32_t *shift;
    int32_t in_offset, out_offset, act_min, act_max;
    /* Group-wise weight scales: integer multiplier per (channel, group) of group_size inputs. */
    const int32_t *group_mult;
    int32_t group_size;
} edgec_requant_params;

static inline int32_t edgec_finish(int32_t acc, int32_t c, const edgec_requant_params *q)
{
    return edgec_clamp(edgec_requantize(acc, q->mult[c], q->shift[c]) + q->out_offset, q->act_min, q->act_max);
}

/* Geometry of a 2-D convolution or pool (1-D runs with height 1); NCHW, batch 1. */
typedef struct {
    int32_t in_c, in_h, in_w;
    int32_t out_c, out_h, out_w;
    int32_t k_h, k_w, stride_h, stride_w, dil_h, dil_w, pad_top, pad_left, pad_bottom, pad_right;
    int32_t groups;
    int32_t w_bits;
    int32_t in_is16, out_is16;
} edgec_window;

/* Generic (grouped) conv: scratch holds one int16 patch of (in_c / groups) * k_h * k_w values. */
void edgec_conv(const edgec_window *g, const edgec_requant_params *q, const void *in, const int8_t *w,
                const int32_t *bias, void *out, int16_t *scratch);
/* Depthwise (groups == in_c, out_c = in_c * multiplier). */
void edgec_depthwise_conv(const edgec_window *g, const edgec_requant_params *q, const void *in, const int8_t *w,
                          const int32_t *bias, void *out);
/* 1x1, stride 1, no padding, groups 1, no group-wise scales. */
void edgec_pointwise_conv(const edgec_window *g, const edgec_requant_params *q, const void *in, const int8_t *w,
                          const int32_t *bias, void *out);
/* out (rows, n) = in (rows, k) x W (n, k)^T + bias. */
void edgec_fully_connected(int32_t rows, int32_t k, int32_t n, int32_t w_bits, int32_t in_is16, int32_t out_is16,
                           const edgec_requant_params *q, const void *in, const int8_t *w, const int32_t *bias,
                           void *out);
/* x (channels, inner): out = finish(bias[c] + (x + in_offset) * w[c]), w int8 one per channel. */
void edgec_channel_affine(int32_t channels, int32_t inner, int32_t w_bits, int32_t in_is16, int32_t out_is16,
                          const edgec_requant_params *q, const void *in, const int8_t *w, const int32_t *bias,
                          void *out);

/* Pools keep the input's qparams: no requantization, then the fused activation's clamp. */
void edgec_max_pool(const edgec_window *g, int32_t act_min, int32_t act_max, const void *in, void *out);
void edgec_average_pool(const edgec_window *g, int32_t count_include_pad, int32_t zero_point, int32_t act_min,
                        int32_t act_max, const void *in, void *out);
void edgec_global_average_pool(int32_t planes, int32_t pixels, int32_t is16, int32_t act_min, int32_t act_max,
                               const void *in, void *out);

/*
 * Elementwise binary ops with numpy broadcasting over up to EDGEC_MAX_RANK dims: `shape` is the
 * output's (padded at the front with 1s), strides1/strides2 the inputs' element strides per
 * output dim (0 where an input is broadcast).
 */
#define EDGEC_MAX_RANK 6
typedef struct {
    int32_t rank;
    int32_t shape[EDGEC_MAX_RANK];
    int32_t strides1[EDGEC_MAX_RANK];
    int32_t strides2[EDGEC_MAX_RANK];
    int32_t in1_is16, in2_is16, out_is16;
} edgec_broadcast;

typedef struct {
    int32_t left_shift;
    int32_t in1_offset, in1_mult, in1_shift;
    int32_t in2_offset, in2_mult, in2_shift;
    int32_t out_mult, out_shift, out_offset, act_min, act_max;
} edgec_add_params;

typedef struct {
    int32_t in1_offset, in2_offset;
    int32_t out_mult, out_shift, out_offset, act_min, act_max;
} edgec_mul_params;

void edgec_add(const edgec_broadcast *b, const edgec_add_params *p, const void *in1, const void *in2, void *out);
void edgec_mul(const edgec_broadcast *b, const edgec_mul_params *p, const void *in1, const void *in2, void *out);
/* out[i] = table[x[i] + 128], int8 only. */
void edgec_lookup_s8(int32_t size, const int8_t *table, const int8_t *in, int8_t *out);
/* out = clamp(requantize(x + in_offset, mult, shift) + out_offset), elementwise. */
void edgec_rescale(int32_t size, int32_t in_is16, int32_t out_is16, int32_t in_offset, int32_t mult, int32_t shift,
                   int32_t out_offset, int32_t act_min, int32_t act_max, const void *in, void *out);

/* Data movement. Transpose: out axis a is in axis perm[a]; in_strides are the input's. */
void edgec_transpose(int32_t rank, const int32_t *out_shape, const int32_t *in_strides_permuted, int32_t is16,
                     const void *in, void *out);
/* Copies `block` elements of each of `outer` rows into a row of `total` from `start`, clamped. */
void edgec_copy_block(int32_t outer, int32_t block, int32_t total, int32_t start, int32_t is16, int32_t act_min,
                      int32_t act_max, const void *in, void *out);
/* The same with each element rescaled (concat inputs whose qparams differ from the output's). */
void edgec_rescale_block(int32_t outer, int32_t block, int32_t total, int32_t start, int32_t in_is16,
                         int32_t out_is16, int32_t in_offset, int32_t mult, int32_t shift, int32_t out_offset,
                         int32_t act_min, int32_t act_max, const void *in, void *out);

/* Softmax int8 -> int8 (scale 1/256, zero point -128) over the axis of an (outer, length, inner) view. */
void edgec_softmax_s8(int32_t outer, int32_t length, int32_t inner, const int32_t *exp_table, const int8_t *in,
                      int8_t *out);

/*
 * Optimised kernels (csrc/edgec_*_dsp.c), chosen at compile time: with the Arm DSP extension
 * (Cortex-M4/M7/M33/M55: ACLE's __ARM_FEATURE_DSP) the weighted layers the generator marked
 * eligible run dual 16-bit multiply-accumulates (SXTB16/SMLAD); -DEDGEC_PORTABLE forces the
 * portable kernels above everywhere (the reference, and the baseline of the speed comparison).
 * Both compute the same integers: the input offset is folded into the bias at generation time
 * (padding holds the input zero point, so it contributes nothing), weights of the GEMM kernels
 * are arranged so that one word unpacks into int16 pairs in input order, int4/int2 weights are
 * unpacked pre-scaled by 16/64 and the exact sum recovered by an arithmetic shift.
 */
#if !defined(EDGEC_PORTABLE) && defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#define EDGEC_DSP 1
#else
#define EDGEC_DSP 0
#endif

/*
 * Helium (MVE: Cortex-M55/M85, ACLE's __ARM_FEATURE_MVE) kernels for int8-weight layers
 * (csrc/edgec_*_mve.c), chosen before the DSP ones; -DEDGEC_NO_MVE keeps the DSP kernels there
 * (for comparison), -DEDGEC_PORTABLE forces the portable kernels.
 */
#if !defined(EDGEC_PORTABLE) && !defined(EDGEC_NO_MVE) && EDGEC_DSP && defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
#define EDGEC_MVE 1
#else
#define EDGEC_MVE 0
#endif

/* A GEMM-shaped layer for the DSP kernels: out[r][c] = requant(sum_k w[r][k] * col[c][k]). */
typedef struct {
    int32_t rows;        /* output channels */
    int32_t depth;       /* reduction length, before padding to a whole weight word */
    int32_t w_bits;      /* 8, 4 or 2 */
    int32_t out_offset, act_min, act_max; /* out_offset is also folded into chan's rounding constant */
    const int32_t *w;    /* weight words, row pairs interleaved (src/codegen/dsp-layout.ts) */
    /* Per channel (rows rounded up to even): bias + in_offset * sum(w), multiplier, left shift + 1,
       right shift, out_offset * 2^right + 2^(right - 1) (the rounding constant). */
    const int32_t *chan;
} edgec_gemm_params;

/*
 * One entry point per weight width W = 8, 4, 2 (edgec_pointwise_conv_dsp_w8 ...), so that unused
 * widths drop out at link time. Pointwise: 1x1 stride-1 over `plane` pixels; conv: any other
 * ungrouped convolution through an im2col; fully connected: rows of p->depth features. Scratch
 * sizes: src/codegen/dsp-layout.ts.
 */
void edgec_pointwise_conv_dsp_w8(const edgec_gemm_params *p, int32_t plane, const int8_t *in, int8_t *out,
                                 int16_t *scratch);
void edgec_conv_dsp_w8(const edgec_window *g, const edgec_gemm_params *p, int32_t zero_point, const int8_t *in,
                       int8_t *out, int16_t *scratch);
void edgec_fully_connected_dsp_w8(const edgec_gemm_params *p, int32_t rows, const int8_t *in, int8_t *out,
                                  int16_t *scratch);
void edgec_pointwise_conv_dsp_w4(const edgec_gemm_params *p, int32_t plane, const int8_t *in, int8_t *out,
                                 int16_t *scratch);
void edgec_conv_dsp_w4(const edgec_window *g, const edgec_gemm_params *p, int32_t zero_point, const int8_t *in,
                       int8_t *out, int16_t *scratch);
void edgec_fully_connected_dsp_w4(const edgec_gemm_params *p, int32_t rows, const int8_t *in, int8_t *out,
                                  int16_t *scratch);
void edgec_pointwise_conv_dsp_w2(const edgec_gemm_params *p, int32_t plane, const int8_t *in, int8_t *out,
                                 int16_t *scratch);
void edgec_conv_dsp_w2(const edgec_window *g, const edgec_gemm_params *p, int32_t zero_point, const int8_t *in,
                       int8_t *out, int16_t *scratch);
void edgec_fully_connected_dsp_w2(const edgec_gemm_params *p, int32_t rows, const int8_t *in, int8_t *out,
                                  int16_t *scratch);
/* Depthwise, multiplier 1, k_w 3, stride_w 1, no dilation; p->w unused, w the packed weights. */
void edgec_depthwise_conv_dsp(const edgec_window *g, const edgec_gemm_params *p, int32_t zero_point,
                              const int8_t *in, const int8_t *w, int8_t *out, int8_t *buffer);

/* A GEMM-shaped int8-weight layer for the MVE kernels (src/codegen/mve-layout.ts). */
typedef struct {
    int32_t rows, depth; /* output channels, reduction length */
    int32_t out_offset, act_min, act_max;
    const int8_t *w;     /* row-major, rows padded to a multiple of 4, each padded to a multiple of 16 */
    /* Per group of 4 channels: biases (input offset folded in), multipliers, left shifts, negated
       right shifts, and -1 where the right shift is positive (edgec_mve.h). */
    const int32_t *chan;
} edgec_mve_params;

/* Scratch: two columns of depth bytes (pointwise, conv); depthwise: as edgec_depthwise_conv_dsp. */
void edgec_pointwise_conv_mve_w8(const edgec_mve_params *p, int32_t plane, const int8_t *in, int8_t *out,
                                 int8_t *scratch);
void edgec_conv_mve_w8(const edgec_window *g, const edgec_mve_params *p, int32_t zero_point, const int8_t *in,
                       int8_t *out, int8_t *scratch);
void edgec_fully_connected_mve_w8(const edgec_mve_params *p, int32_t rows, const int8_t *in, int8_t *out);
/* Depthwise with the arguments and scratch of edgec_depthwise_conv_dsp (any weight width). */
void edgec_depthwise_conv_mve(const edgec_window *g, const edgec_gemm_params *p, int32_t zero_point,
                              const int8_t *in, const int8_t *w, int8_t *out, int8_t *buffer);

#endif /* EDGEC_KERNELS_H */

/*
 * Helpers of the Helium (MVE) kernels (edgec_gemm_mve.c, edgec_depthwise_mve.c): four outputs
 * (4 channels, or 4 pixels of one channel) requantized in one int32x4 vector, bit-exact with edgec_requantize for every input
 * (no "small accumulator" condition, unlike the DSP path's SMMULR):
 *   acc << left wraps as the reference's uint32 shift (VSHL by register does not saturate);
 *   doubling_high_mult(a, m) = sat((2am + 2^31) >> 32) is exactly VQRDMULH;
 *   divide_by_power_of_two(x, right) rounds half away from zero: x - 1 for negative x (when
 *   right > 0), then VRSHL by -right (round half up, computed without overflow). The saturating
 *   subtract only differs at x = INT32_MIN, where both roundings give -2^(31 - right).
 * Included only where EDGEC_MVE is 1.
 */
#ifndef EDGEC_MVE_H
#define EDGEC_MVE_H

#include <arm_mve.h>
#include "edgec_kernels.h"

/* Offsets of the fields of one group of 4 channels in edgec_mve_params.chan (src/codegen/mve-layout.ts). */
#define EDGEC_MVE_BIAS 0
#define EDGEC_MVE_MULT 4
#define EDGEC_MVE_LEFT 8
#define EDGEC_MVE_RIGHT 12
#define EDGEC_MVE_FIX 16
#define EDGEC_MVE_GROUP 20

/* Requantization constants as vectors: one channel's broadcast, or a group of 4 channels. */
typedef struct {
    int32x4_t left, mult, fix, right;
} edgec_mve_requant;

/* From a group of 4 channels in edgec_mve_params.chan. */
static inline edgec_mve_requant edgec_mve_group(const int32_t *group)
{
    edgec_mve_requant r;
    r.left = vldrwq_s32(group + EDGEC_MVE_LEFT);
    r.mult = vldrwq_s32(group + EDGEC_MVE_MULT);
    r.fix = vldrwq_s32(group + EDGEC_MVE_FIX);
    r.right = vldrwq_s32(group + EDGEC_MVE_RIGHT);
    return r;
}

/* One channel's DSP words (edgec_gemm_params.chan: bias, multiplier, left + 1, right, rounding) in every lane. */
static inline edgec_mve_requant edgec_mve_channel(const int32_t *chan)
{
    edgec_mve_requant r;
    r.left = vdupq_n_s32(chan[2] - 1);
    r.mult = vdupq_n_s32(chan[1]);
    r.fix = vdupq_n_s32(chan[3] > 0 ? -1 : 0);
    r.right = vdupq_n_s32(-chan[3]);
    return r;
}

/* Accumulators (bias included) to clamped outputs, still in int32 lanes. */
static inline int32x4_t edgec_mve_requantize(int32x4_t acc, const edgec_mve_requant *r, int32_t out_offset,
                                             int32_t lo, int32_t hi)
{
    int32x4_t x = vshlq_s32(acc, r->left);
    x = vqrdmulhq_s32(x, r->mult);
    x = vqaddq_s32(x, vandq_s32(vshrq_n_s32(x, 31), r->fix));
    x = vrshlq_s32(x, r->right);
    x = vqaddq_n_s32(x, out_offset);
    return vminq_s32(vmaxq_s32(x, vdupq_n_s32(lo)), vdupq_n_s32(hi));
}

#endif /* EDGEC_MVE_H */

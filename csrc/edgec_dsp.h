/*
 * Helpers of the DSP-extension kernels (edgec_gemm_dsp.c, edgec_depthwise_dsp.c): ACLE intrinsics,
 * unaligned pair loads and a requantization bit-exact with edgec_requantize for the parameters the
 * generator admits (src/codegen/dsp-layout.ts checks them: right shift <= 23, output int8).
 * Included only where EDGEC_DSP is 1.
 */
#ifndef EDGEC_DSP_H
#define EDGEC_DSP_H

#include <arm_acle.h>
#include <string.h>
#include "edgec_kernels.h"

/* Kernel bodies instantiated per weight width must be inlined for the width to be a constant. */
#if defined(__GNUC__)
#define EDGEC_ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define EDGEC_ALWAYS_INLINE static inline
#endif

/* Bytes 1 and 3 sign-extended to two int16. GCC and Clang fold the rotation into SXTB16. */
static inline int32_t edgec_sxtb16_ror8(int32_t x)
{
#if defined(__GNUC__)
    int32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
#else
    return __sxtb16(((uint32_t)x >> 8) | ((uint32_t)x << 24));
#endif
}

/* Two consecutive int16 (or four int8) as one word; compiles to one LDR (unaligned is allowed). */
static inline int32_t edgec_read_word(const void *p)
{
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline int32_t edgec_pack_pair(int32_t lo, int32_t hi)
{
    return (int32_t)(((uint32_t)lo & 0xFFFFu) | ((uint32_t)hi << 16));
}

/* (a * b + 2^31) >> 32: SMMULR, the rounded high word of the product. */
static inline int32_t edgec_smmulr(int32_t a, int32_t b)
{
#if defined(__GNUC__)
    int32_t r;
    __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
#else
    return (int32_t)(((int64_t)a * b + ((int64_t)1 << 31)) >> 32);
#endif
}

/*
 * Per output channel: multiplier, left shift + 1, right shift, and the rounding constant of the
 * right shift with the output offset folded in (out_offset * 2^right + 2^(right - 1)).
 */
typedef struct {
    int32_t mult, left1, right, round, negative;
} edgec_dsp_requant;

/* chan: bias, multiplier, left shift + 1, right shift, rounding constant (edgec_gemm_params.chan). */
static inline edgec_dsp_requant edgec_dsp_channel(const int32_t *chan)
{
    edgec_dsp_requant r;
    r.mult = chan[1];
    r.left1 = chan[2];
    r.right = chan[3];
    r.round = chan[4];
    r.negative = chan[3] != 0;
    return r;
}

/*
 * clamp(divide_by_power_of_two(doubling_high_mult(acc << left, mult), right) + out_offset), for
 * the accumulators the generator proved small (|acc| * 2^(left + 1) < 2^31, src/codegen/
 * dsp-layout.ts): then doubling_high_mult(a, m) = (2a * m + 2^31) >> 32 is one SMMULR.
 * x + 2^(right-1) - (x < 0) shifted right rounds half away from zero; the saturating add and
 * subtract only saturate where the exact result is beyond +-255 (right <= 23), which the clamp
 * maps to the same bound.
 */
static inline int32_t edgec_dsp_requantize(int32_t acc, const edgec_dsp_requant *r, int32_t lo, int32_t hi)
{
    const int32_t x = edgec_smmulr((int32_t)((uint32_t)acc << r->left1), r->mult);
    const int32_t y = __qsub(__qadd(x, r->round), (int32_t)((uint32_t)x >> 31) & r->negative) >> r->right;
    return y < lo ? lo : (y > hi ? hi : y);
}

/*
 * Clamping two outputs at once: each requantized value is saturated to int8 (SSAT), the pair
 * packed into int16 halves, then min(v, hi) = (v +sat (32767 - hi)) - (32767 - hi) and
 * max(v, lo) = (v +sat (-32768 - lo)) - (-32768 - lo) with saturating halfword adds. The
 * constants fit int16 for lo <= 0 <= hi, which the generator checks.
 */
typedef struct {
    int32_t to_hi, to_lo;
} edgec_clamp_pair;

static inline edgec_clamp_pair edgec_clamp_consts(int32_t lo, int32_t hi)
{
    edgec_clamp_pair c;
    c.to_hi = edgec_pack_pair(32767 - hi, 32767 - hi);
    c.to_lo = edgec_pack_pair(-32768 - lo, -32768 - lo);
    return c;
}

/* The unclamped requantized value, as edgec_dsp_requantize before its clamp. */
static inline int32_t edgec_dsp_scale(int32_t acc, const edgec_dsp_requant *r)
{
    const int32_t x = edgec_smmulr((int32_t)((uint32_t)acc << r->left1), r->mult);
    return __qsub(__qadd(x, r->round), (int32_t)((uint32_t)x >> 31) & r->negative) >> r->right;
}

/* Two requantized values (channels may differ) clamped, as int8 in bytes 0 and 2. */
static inline int32_t edgec_dsp_clamp2(int32_t y0, int32_t y1, const edgec_clamp_pair *c)
{
    int32_t v = edgec_pack_pair(__ssat(y0, 8), __ssat(y1, 8));
    v = __ssub16(__qadd16(v, c->to_hi), c->to_hi);
    return __ssub16(__qadd16(v, c->to_lo), c->to_lo);
}

/* Stores bytes 0 and 2 of v to out[0] and out[1]. */
static inline void edgec_store2(int8_t *out, int32_t v)
{
    const uint32_t bytes = (uint32_t)__uxtb16(v);
    const uint16_t both = (uint16_t)(bytes | (bytes >> 8));
    memcpy(out, &both, 2);
}

#endif /* EDGEC_DSP_H */

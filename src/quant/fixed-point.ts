/**
 * Fixed-point requantization, bit for bit as ../shared/docs/quantization.md §1 (CMSIS-NN
 * `arm_nn_requantize`, its default DOUBLE ROUNDING scheme, not CMSIS_NN_USE_SINGLE_ROUNDING):
 *
 *   requantize(acc, multiplier, shift):
 *     left  = max(shift, 0), right = max(-shift, 0)
 *     hi    = doublingHighMult(acc << left, multiplier)   // (int64 a*b + 2^30) >> 31, floor shift
 *     out   = divideByPowerOfTwo(hi, right)                 // rounds half away from zero
 *
 * Everything is int32 two's complement: `acc << left` wraps modulo 2^32 (the C side must write it
 * as `(int32_t)((uint32_t)acc << left)` to get the same, defined, result). The one overflow of
 * doublingHighMult (INT32_MIN * INT32_MIN) saturates to INT32_MAX.
 *
 * JS numbers hold integers exactly only up to 2^53, and the int64 product can reach 2^62, so the
 * product is split into 16-bit halves (see doublingHighMult); no BigInt on the hot path. The
 * tests compare every function here with a BigInt transcription of the C on millions of cases.
 */
import { InternalError, ModelError } from '../errors.js';

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;
const TWO_POW_15 = 32768;
const TWO_POW_16 = 65536;
const TWO_POW_30 = 1073741824;
const TWO_POW_31 = 2147483648;

/** A real multiplier M as an int32 in [2^30, 2^31) and a power-of-two exponent: M ~ m * 2^(shift - 31). */
export interface FixedMultiplier {
  multiplier: number;
  shift: number;
}

/**
 * frexp(M) = m * 2^e with m in [0.5, 1); multiplier = round(m * 2^31) (half away from zero; if it
 * rounds to 2^31, halve it and e += 1); shift = e. M = 0 (a layer whose output scale dwarfs its
 * input, or an all-zero weight channel) gives multiplier 0. Shifts below -31 flush to 0 as
 * TFLite does (the result would be 0 for every int32 accumulator anyway); above 30 is an error:
 * no int32 accumulator survives such a left shift.
 */
export function quantizeMultiplier(realMultiplier: number): FixedMultiplier {
  if (!Number.isFinite(realMultiplier) || realMultiplier < 0) {
    throw new InternalError(`quantizeMultiplier: multiplier ${realMultiplier} is not a finite non-negative number`);
  }
  if (realMultiplier === 0) return { multiplier: 0, shift: 0 };
  const [m, e0] = frexp(realMultiplier);
  let e = e0;
  let q = Math.round(m * TWO_POW_31); // m > 0, so Math.round's half-up is half away from zero
  if (q === TWO_POW_31) {
    q /= 2;
    e += 1;
  }
  if (e < -31) return { multiplier: 0, shift: 0 };
  if (e > 30) throw new ModelError(`requantization scale ${realMultiplier} is too large (shift ${e} > 30): a layer's output range is degenerate`);
  return { multiplier: q, shift: e };
}

/** C's frexp for a positive finite x: [m, e] with x = m * 2^e and m in [0.5, 1), exactly. */
export function frexp(x: number): [number, number] {
  let e = Math.floor(Math.log2(x)) + 1;
  let m = x * Math.pow(2, -e);
  // log2 can be off by one near powers of two (and 2^-e underflows for subnormal x): fix up.
  while (m >= 1) {
    m /= 2;
    e += 1;
  }
  while (m < 0.5) {
    m *= 2;
    e -= 1;
  }
  return [m, e];
}

/**
 * (int32)(((int64)a * b + 2^30) >> 31) with an arithmetic (floor) shift; INT32_MIN * INT32_MIN
 * saturates to INT32_MAX. Exact without BigInt: a = aHi * 2^16 + aLo (aLo in [0, 2^16)), so
 * a*b + 2^30 = (aHi*b) * 2^16 + (aLo*b + 2^30), each part below 2^48; writing aHi*b = q*2^15 + r
 * (r in [0, 2^15)) gives floor((a*b + 2^30) / 2^31) = q + floor((r*2^16 + aLo*b + 2^30) / 2^31),
 * where every intermediate is an integer below 2^49 (exact in a double).
 */
export function doublingHighMult(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const aLo = a & 0xffff;
  const aHi = (a - aLo) / TWO_POW_16;
  const high = aHi * b;
  const q = Math.floor(high / TWO_POW_15);
  const r = high - q * TWO_POW_15;
  return q + Math.floor((r * TWO_POW_16 + aLo * b + TWO_POW_30) / TWO_POW_31);
}

/**
 * x / 2^exponent rounded half away from zero, for int32 x and exponent in [0, 31]:
 * (x >> e) + ((x & mask) > ((mask >> 1) + (x < 0))), mask = 2^e - 1 (CMSIS-NN's
 * arm_nn_divide_by_power_of_two).
 */
export function divideByPowerOfTwo(x: number, exponent: number): number {
  const mask = ((1 << exponent) - 1) | 0; // e = 31: (1 << 31) - 1 wraps to 0x7fffffff, as wanted
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/** CMSIS-NN arm_nn_requantize (double rounding): acc * multiplier * 2^(shift - 31), int32 in and out. */
export function requantize(acc: number, multiplier: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  return divideByPowerOfTwo(doublingHighMult((acc << left) | 0, multiplier), right);
}

/** Saturates to [lo, hi] (the C's clamp after adding the output zero point). */
export function clampInt(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Round half away from zero (C's lroundf/round), for quantizing floats at build time. */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

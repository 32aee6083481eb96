/**
 * quant/fixed-point.ts against a BigInt transcription of the C (CMSIS-NN arm_nn_requantize with
 * double rounding, ../shared/docs/quantization.md §1): random and edge accumulators, multipliers
 * and shifts -31..+30, exact equality required. Also quantizeMultiplier against a BigInt-exact
 * frexp/round and the 2^31 edge case.
 */
import { describe, expect, it } from 'vitest';
import {
  INT32_MAX,
  INT32_MIN,
  divideByPowerOfTwo,
  doublingHighMult,
  frexp,
  quantizeMultiplier,
  requantize,
} from '../../src/quant/fixed-point.js';
import { rng } from '../../src/util/random.js';

// ---- the BigInt reference: the C, line by line ----
const toInt32 = (x: bigint): bigint => BigInt.asIntN(32, x);

function refDoublingHighMult(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  return Number(toInt32((BigInt(a) * BigInt(b) + (1n << 30n)) >> 31n)); // >> on BigInt is floor
}

function refDivide(x: number, e: number): number {
  const bx = BigInt(x);
  const mask = (1n << BigInt(e)) - 1n;
  const remainder = bx & mask;
  const threshold = (mask >> 1n) + (x < 0 ? 1n : 0n);
  return Number((bx >> BigInt(e)) + (remainder > threshold ? 1n : 0n));
}

function refRequantize(acc: number, multiplier: number, shift: number): number {
  const left = Math.max(shift, 0);
  const right = Math.max(-shift, 0);
  const shifted = Number(toInt32(BigInt(acc) << BigInt(left)));
  return refDivide(refDoublingHighMult(shifted, multiplier), right);
}

const EDGE_INT32 = [INT32_MIN, INT32_MIN + 1, -65536, -65535, -32768, -2, -1, 0, 1, 2, 32767, 65535, 65536, INT32_MAX - 1, INT32_MAX];

function randomInt32(random: () => number): number {
  // Mix full-range values with small ones (the accumulators real layers produce).
  const pick = random();
  if (pick < 0.1) return EDGE_INT32[Math.floor(random() * EDGE_INT32.length)]!;
  if (pick < 0.5) return Math.floor((random() - 0.5) * 2 ** 20);
  return (Math.floor(random() * 2 ** 32) | 0);
}

describe('fixed-point arithmetic vs BigInt reference', () => {
  it('doublingHighMult: every edge pair and 1,000,000 random pairs are exact', () => {
    for (const a of EDGE_INT32) for (const b of EDGE_INT32) expect(doublingHighMult(a, b)).toBe(refDoublingHighMult(a, b));
    const random = rng(1);
    let mismatches = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const a = randomInt32(random);
      const b = randomInt32(random);
      if (doublingHighMult(a, b) !== refDoublingHighMult(a, b)) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('doublingHighMult rounds ties toward +inf and saturates INT32_MIN^2', () => {
    expect(doublingHighMult(1, 1 << 30)).toBe(1); // 0.5 -> 1
    expect(doublingHighMult(-1, 1 << 30)).toBe(0); // -0.5 -> 0
    expect(doublingHighMult(-3, 1 << 30)).toBe(-1); // -1.5 -> -1
    expect(doublingHighMult(INT32_MIN, INT32_MIN)).toBe(INT32_MAX);
  });

  it('divideByPowerOfTwo rounds half away from zero for exponents 0..31', () => {
    expect(divideByPowerOfTwo(5, 1)).toBe(3);
    expect(divideByPowerOfTwo(-5, 1)).toBe(-3);
    expect(divideByPowerOfTwo(-6, 2)).toBe(-2); // -1.5 -> -2
    expect(divideByPowerOfTwo(6, 2)).toBe(2);
    const random = rng(2);
    let mismatches = 0;
    for (let i = 0; i < 500_000; i++) {
      const x = randomInt32(random);
      const e = Math.floor(random() * 32);
      if (divideByPowerOfTwo(x, e) !== refDivide(x, e)) mismatches++;
    }
    for (const x of EDGE_INT32) for (let e = 0; e < 32; e++) expect(divideByPowerOfTwo(x, e)).toBe(refDivide(x, e));
    expect(mismatches).toBe(0);
  });

  it('requantize: 1,000,000 random (acc, multiplier, shift in -31..30) triples are exact', () => {
    const random = rng(3);
    let mismatches = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const acc = randomInt32(random);
      const multiplier = random() < 0.9 ? 2 ** 30 + Math.floor(random() * 2 ** 30) : randomInt32(random);
      const shift = -31 + Math.floor(random() * 62);
      if (requantize(acc, multiplier, shift) !== refRequantize(acc, multiplier, shift)) mismatches++;
    }
    for (const acc of EDGE_INT32) {
      for (let shift = -31; shift <= 30; shift++) {
        expect(requantize(acc, 2 ** 30, shift)).toBe(refRequantize(acc, 2 ** 30, shift));
        expect(requantize(acc, INT32_MAX, shift)).toBe(refRequantize(acc, INT32_MAX, shift));
      }
    }
    expect(mismatches).toBe(0);
  });
});

describe('quantizeMultiplier', () => {
  it('frexp is exact: x = m * 2^e with m in [0.5, 1)', () => {
    const random = rng(4);
    for (let i = 0; i < 100_000; i++) {
      const x = Math.exp((random() - 0.5) * 60);
      const [m, e] = frexp(x);
      expect(m >= 0.5 && m < 1).toBe(true);
      expect(m * 2 ** e).toBe(x);
    }
    for (let k = -40; k <= 40; k++) expect(frexp(2 ** k)).toEqual([0.5, k + 1]);
  });

  it('multiplier in [2^30, 2^31) and multiplier * 2^(shift-31) within half an ulp of M', () => {
    const random = rng(5);
    for (let i = 0; i < 100_000; i++) {
      const real = Math.exp((random() - 0.8) * 20);
      const { multiplier, shift } = quantizeMultiplier(real);
      if (multiplier === 0) continue;
      expect(multiplier).toBeGreaterThanOrEqual(2 ** 30);
      expect(multiplier).toBeLessThan(2 ** 31);
      expect(Math.abs(multiplier * 2 ** (shift - 31) - real)).toBeLessThanOrEqual(2 ** (shift - 32) * (1 + 1e-12));
    }
  });

  it('the 2^31 edge case: a mantissa that rounds up to 1.0 is halved and the shift grows', () => {
    const justBelowOne = 1 - 2 ** -40; // m*2^31 = 2^31 - 2^-9 rounds to 2^31
    expect(quantizeMultiplier(justBelowOne)).toEqual({ multiplier: 2 ** 30, shift: 1 });
    expect(quantizeMultiplier(0.5)).toEqual({ multiplier: 2 ** 30, shift: 0 });
    expect(quantizeMultiplier(0.75)).toEqual({ multiplier: 3 * 2 ** 29, shift: 0 });
    expect(quantizeMultiplier(0)).toEqual({ multiplier: 0, shift: 0 });
    expect(quantizeMultiplier(2 ** -40)).toEqual({ multiplier: 0, shift: 0 });
    expect(() => quantizeMultiplier(2 ** 40)).toThrow(/too large/);
  });

  it('requantize with a quantized multiplier is within 0.5 + 2^-(right+1) of acc * M (double rounding)', () => {
    const random = rng(6);
    let beyondHalf = 0;
    for (let i = 0; i < 100_000; i++) {
      const real = Math.exp((random() - 0.9) * 10);
      const acc = Math.floor((random() - 0.5) * 2 ** 20);
      const { multiplier, shift } = quantizeMultiplier(real);
      const exact = acc * multiplier * 2 ** (shift - 31);
      const error = Math.abs(requantize(acc, multiplier, shift) - exact);
      const right = Math.max(-shift, 0);
      expect(error).toBeLessThanOrEqual(0.5 + 2 ** -(right + 1) + 1e-9);
      if (error > 0.5 + 1e-9) beyondHalf++;
    }
    expect(beyondHalf).toBeLessThan(5_000); // the second rounding matters when right is small
  });
});

/**
 * Packing (quant/pack.ts) against the documented byte layout (../shared/docs/quantization.md §2:
 * [1, 2, 3, 4] -> 0x21, 0x43, first element in the low bits) and round trips; weight
 * quantization (quant/weights.ts) against its error bound |w - s*q| <= s/2 and ranges; bias.
 */
import { describe, expect, it } from 'vitest';
import { packWeights, packedSize, unpackWeights } from '../../src/quant/pack.js';
import { QMAX, QMIN, quantizeBias, quantizeWeights } from '../../src/quant/weights.js';
import { rng } from '../../src/util/random.js';

describe('packing', () => {
  it('int4: the documented example and two\'s complement nibbles', () => {
    expect([...packWeights(Int8Array.from([1, 2, 3, 4]), 4)]).toEqual([0x21, 0x43]);
    expect([...packWeights(Int8Array.from([-1, 7, -7]), 4)]).toEqual([0x7f, 0x09]);
  });

  it('int2: four per byte, first element in the lowest two bits', () => {
    expect([...packWeights(Int8Array.from([1, -1, 0, 1, -1]), 2)]).toEqual([0b01_00_11_01, 0b11]);
  });

  it('round trips at 8, 4 and 2 bits for every length 0..40 (no padding at row ends)', () => {
    const random = rng(1);
    for (const bits of [8, 4, 2] as const) {
      for (let n = 0; n <= 40; n++) {
        const limit = bits === 8 ? 128 : 1 << (bits - 1);
        const values = Int8Array.from({ length: n }, () => Math.floor(random() * 2 * limit) - limit);
        const packed = packWeights(values, bits);
        expect(packed.length).toBe(packedSize(n, bits));
        expect(packed.length).toBe(Math.ceil((n * bits) / 8));
        expect([...unpackWeights(packed, bits, n)]).toEqual([...values]);
      }
    }
  });

  it('refuses a value that does not fit', () => {
    expect(() => packWeights(Int8Array.from([8]), 4)).toThrow(/does not fit/);
    expect(() => packWeights(Int8Array.from([-3]), 2)).toThrow(/does not fit/);
  });
});

describe('weight quantization', () => {
  const random = rng(2);
  const data = Float32Array.from({ length: 7 * 45 }, () => (random() - 0.5) * (1 + 3 * random()));
  data.fill(0, 45, 90); // channel 1 all zero

  for (const bits of [8, 4, 2] as const) {
    it(`int${bits} per channel: values in [-${QMAX[bits]}, ${QMAX[bits]}], |w - s*q| <= s/2, max|w| hits qmax`, () => {
      const { weights, accumulatorScale } = quantizeWeights(data, [7, 5, 3, 3], 7, bits);
      expect(weights.scales.length).toBe(7);
      for (let i = 0; i < data.length; i++) {
        const c = Math.floor(i / 45);
        const s = weights.scales[c]!;
        expect(Math.abs(weights.values[i]!)).toBeLessThanOrEqual(QMAX[bits]);
        expect(Math.abs(data[i]! - s * weights.values[i]!)).toBeLessThanOrEqual(s / 2 + 1e-6 * s);
      }
      expect(weights.scales[1]).toBe(1); // the all-zero channel's guard
      expect([...weights.values.subarray(45, 90)].every((v) => v === 0)).toBe(true);
      for (const c of [0, 2, 6]) expect(Math.max(...weights.values.subarray(c * 45, (c + 1) * 45).map(Math.abs))).toBe(QMAX[bits]);
      expect(accumulatorScale[0]).toBeCloseTo(weights.scales[0]!, 12);
    });
  }

  it('learned step sizes: int2 uses its whole range [-2, 1], int4 and int8 stay symmetric; beyond it values saturate', () => {
    // One channel, step 0.5: -1.2 / 0.5 = -2.4 rounds to -2, inside int2's grid; -3 saturates.
    const w = [-3, -1.2, -0.7, -0.2, 0, 0.3, 0.8, 2];
    const steps = [0.5];
    expect([...quantizeWeights(w, [1, 8], 1, 2, 0, steps).weights.values]).toEqual([-2, -2, -1, 0, 0, 1, 1, 1]);
    expect(QMIN[2]).toBe(-2);
    const w4 = w.map((v) => v * 4); // -12 / 0.5 = -24: clamped at QMIN[4] = -7, 8 / 0.5 = 16 at 7
    expect([...quantizeWeights(w4, [1, 8], 1, 4, 0, steps).weights.values]).toEqual([-7, -7, -6, -2, 0, 2, 6, 7]);
    expect(QMIN[4]).toBe(-7);
    expect(QMIN[8]).toBe(-127);
    // Without learned steps the scale max|w| / qmax never reaches -2 (PTQ stays ternary at int2).
    expect(Math.min(...quantizeWeights(w, [1, 8], 1, 2).weights.values)).toBe(-1);
  });

  it('int4 group-wise: per group error <= its scale / 2, smaller total error than per channel', () => {
    const perChannel = quantizeWeights(data, [7, 45], 7, 4);
    const grouped = quantizeWeights(data, [7, 45], 7, 4, 16);
    const groups = 3; // ceil(45 / 16)
    expect(grouped.weights.groupSize).toBe(16);
    expect(grouped.weights.scales.length).toBe(7 * groups);
    let errChannel = 0;
    let errGroup = 0;
    for (let i = 0; i < data.length; i++) {
      const c = Math.floor(i / 45);
      const g = Math.floor((i % 45) / 16);
      const s = grouped.weights.scales[c * groups + g]!;
      const m = grouped.groupMultipliers![c * groups + g]!;
      expect(m).toBeGreaterThanOrEqual(1);
      expect(m).toBeLessThanOrEqual(255);
      // The group's scale is exactly the accumulator unit times its integer multiplier.
      expect(s).toBeCloseTo(grouped.accumulatorScale[c]! * m, 6);
      expect(Math.abs(data[i]! - s * grouped.weights.values[i]!)).toBeLessThanOrEqual(s / 2 + 1e-6 * s);
      errGroup += (data[i]! - s * grouped.weights.values[i]!) ** 2;
      errChannel += (data[i]! - perChannel.weights.scales[c]! * perChannel.weights.values[i]!) ** 2;
    }
    expect(errGroup).toBeLessThan(errChannel);
  });

  it('bias: round(b / (s_in * s_w[c])), half away from zero, saturated to int32', () => {
    const acc = Float64Array.from([0.5, 0.25, 1e-12]);
    expect([...quantizeBias([1.25, -0.375, 1], 2, acc)]).toEqual([1, -1, 2147483647]);
    expect([...quantizeBias(undefined, 2, acc)]).toEqual([0, 0, 0]);
  });
});

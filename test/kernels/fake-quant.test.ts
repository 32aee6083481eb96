/**
 * The fake-quantization loops (src/kernels/fake-quant.ts) against their per-element references,
 * bit for bit (Object.is: -0 and NaN included), and the forward against the integer pipeline's
 * own quantizeValue (quant/lower-helpers.ts), on values chosen to hit every edge: exact halves of
 * a step (power-of-two steps make x / s exactly k + 0.5), zeros of both signs, the clamp bounds and
 * beyond, NaN, infinities and values past the fast path's 2^30-step limit; per-tensor and
 * per-channel layouts (inner 1, 7 and whole rows), int8 with the zero point at the bottom
 * (a Relu's output) and inside, int16, and 4-bit weights.
 */
import { describe, expect, it } from 'vitest';
import {
  clampMaskBackward,
  clampMaskBackwardReference,
  fakeQuantForward,
  fakeQuantForwardReference,
  lsqBackward,
  lsqBackwardReference,
  type QuantGrid,
} from '../../src/kernels/fake-quant.js';
import { quantizeValue } from '../../src/quant/lower-helpers.js';
import { rng } from '../../src/util/random.js';

const GRIDS: { name: string; grid: QuantGrid; type: 'int8' | 'int16' }[] = [
  { name: 'int8, zero point at the bottom', grid: { lo: -128, hi: 127, zeroPoint: -128 }, type: 'int8' },
  { name: 'int8, zero point inside', grid: { lo: -128, hi: 127, zeroPoint: -37 }, type: 'int8' },
  { name: 'int16', grid: { lo: -32768, hi: 32767, zeroPoint: 0 }, type: 'int16' },
  { name: '4-bit weights', grid: { lo: -7, hi: 7, zeroPoint: 0 }, type: 'int8' },
];

/** Values around the grid of steps `s`, with every edge case mixed in at random places. */
function edgyValues(n: number, steps: Float32Array, inner: number, grid: QuantGrid, seed: number): Float32Array {
  const r = rng(seed);
  const x = new Float32Array(n);
  const specials = [0, -0, NaN, Infinity, -Infinity, 3e38, -3e38];
  for (let i = 0; i < n; i++) {
    const s = steps[Math.floor(i / inner) % steps.length]!;
    const level = grid.lo - grid.zeroPoint + Math.floor(r() * (grid.hi - grid.lo + 9)) - 4; // bounds +-4
    const pick = r();
    if (pick < 0.25) x[i] = (level + 0.5) * s; // an exact half when s is a power of two
    else if (pick < 0.4) x[i] = level * s;
    else if (pick < 0.55) x[i] = 0;
    else if (pick < 0.58) x[i] = specials[Math.floor(r() * specials.length)]!;
    else if (pick < 0.6) x[i] = (r() - 0.5) * 2 ** 32 * s;
    else x[i] = (level + r() - 0.5) * s;
  }
  return x;
}

function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`${what}[${i}]: ${actual[i]} vs reference ${expected[i]}`);
  }
}

const LAYOUTS = [
  { name: 'per tensor', channels: 1, inner: 0 },
  { name: 'per channel, inner 7', channels: 5, inner: 7 },
  { name: 'per channel, inner 1 (Gemm columns)', channels: 6, inner: 1 },
];

describe('fake quantization kernels', () => {
  for (const { name, grid, type } of GRIDS) {
    for (const layout of LAYOUTS) {
      for (const scales of ['powers of two', 'random'] as const) {
        it(`${name}, ${layout.name}, ${scales} steps: forward, dx and step sums as the references`, () => {
          const n = 2100;
          const inner = layout.inner || n;
          const r = rng(n + layout.channels);
          const steps = Float32Array.from({ length: layout.channels }, () => (scales === 'random' ? Math.fround(0.001 + r() * 0.2) : 2 ** -Math.floor(2 + r() * 6)));
          const x = edgyValues(n, steps, inner, grid, 17 + layout.channels);
          const dy = Float32Array.from({ length: n }, () => r() - 0.5);

          const fast = new Float32Array(n);
          const ref = new Float32Array(n);
          fakeQuantForward(fast, x, steps, inner, grid);
          fakeQuantForwardReference(ref, x, steps, inner, grid);
          expectSameBits(fast, ref, 'forward');
          if (layout.channels === 1) {
            const q = { scale: steps[0]!, zeroPoint: grid.zeroPoint, type };
            // The integer pipeline's own quantizer (clamped to the grid, narrower for weights).
            const pipeline = Array.from(x, (v) => Math.fround((Math.max(grid.lo, Math.min(grid.hi, quantizeValue(v, q))) - grid.zeroPoint) * q.scale));
            expectSameBits(fast, pipeline, 'forward vs quantizeValue');
          }

          const dxFast = new Float32Array(n).fill(7);
          const dxRef = new Float32Array(n).fill(7);
          const sumsFast = new Float64Array(layout.channels).fill(0.25);
          const sumsRef = new Float64Array(layout.channels).fill(0.25);
          lsqBackward(dxFast, x, dy, steps, inner, grid, sumsFast);
          lsqBackwardReference(dxRef, x, dy, steps, inner, grid, sumsRef);
          expectSameBits(dxFast, dxRef, 'dx');
          expectSameBits(sumsFast, sumsRef, 'step-size sums');
          expect(dxFast.some((v) => v === 0) && dxFast.some((v) => v !== 0), 'both sides of the mask are exercised').toBe(true);
          // NaN and infinities make the sums NaN: the sums again without them, where they say something.
          const finite = x.map((v) => (Number.isFinite(v) ? v : 0));
          sumsFast.fill(0);
          sumsRef.fill(0);
          lsqBackward(dxFast, finite, dy, steps, inner, grid, sumsFast);
          lsqBackwardReference(dxRef, finite, dy, steps, inner, grid, sumsRef);
          expect(sumsRef.every(Number.isFinite)).toBe(true);
          expectSameBits(sumsFast, sumsRef, 'step-size sums of finite values');

          dxFast.fill(7);
          dxRef.fill(7);
          clampMaskBackward(dxFast, x, dy, steps[0]!, grid);
          clampMaskBackwardReference(dxRef, x, dy, steps[0]!, grid);
          expectSameBits(dxFast, dxRef, 'fixed-qparams dx');
        });
      }
    }
  }
});

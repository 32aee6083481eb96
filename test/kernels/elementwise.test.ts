/**
 * The elementwise SIMD kernels (wasm/src/elementwise.c via src/kernels/wasm/elementwise-wasm.ts)
 * against their TypeScript references in src/kernels/add-fused.ts, bit for bit (compared as int32
 * patterns, so -0 vs +0 and NaN payloads count): random values mixed with -0, +-inf, NaN,
 * subnormals and values on the clamp bounds; lengths with a scalar tail, and one long enough to be
 * split across threads; the output written over an input, as the gradient buffers do.
 */
import { describe, expect, it } from 'vitest';
import {
  addClampedReference, addIntoReference, asInts, clipMaskReference, reluMaskReference,
} from '../../src/kernels/add-fused.js';
import { wasmAddClamped, wasmAddInto, wasmClipMask, wasmReluMask } from '../../src/kernels/wasm/elementwise-wasm.js';
import { wasmKernels } from '../../src/kernels/wasm/module.js';
import { rng } from '../helpers/random.js';

const SPECIAL = [0, -0, Infinity, -Infinity, NaN, 1e-40, -1e-40, 6, -6, 0.5];

function values(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() < 0.1 ? SPECIAL[Math.floor(r() * SPECIAL.length)]! : (r() - 0.5) * 16));
}

function expectSameBits(got: Float32Array, want: Float32Array): void {
  const [g, w] = [asInts(got), asInts(want)];
  let mismatches = 0;
  for (let i = 0; i < w.length; i++) if (g[i] !== w[i]) mismatches++;
  expect(mismatches).toBe(0);
}

// 4099: one vector short of a multiple of 4 past the size threshold; 1 << 20 + 3: two threads.
const LENGTHS = [4099, 65_536, (1 << 20) + 3];
const BOUNDS: [number, number][] = [[0, Infinity], [0, 6], [-Infinity, Infinity], [-0.5, 0.5]];

describe.skipIf(!wasmKernels())('elementwise SIMD kernels', () => {
  for (const n of LENGTHS) {
    it(`add_clamp = addClampedReference bit for bit, n = ${n}, 4 clamps, out over a`, () => {
      const [a, b] = [values(n, 1), values(n, 2)];
      for (const [lo, hi] of BOUNDS) {
        const want = new Float32Array(n);
        addClampedReference(want, a, b, lo, hi);
        const got = new Float32Array(n).fill(NaN);
        expect(wasmAddClamped(got, a, b, lo, hi)).toBe(true);
        expectSameBits(got, want);
        const inPlace = a.slice();
        expect(wasmAddClamped(inPlace, inPlace, b, lo, hi)).toBe(true);
        expectSameBits(inPlace, want);
      }
    });

    it(`relu_mask, clip_mask and add_into = their references bit for bit, n = ${n}, out over dy`, () => {
      const [x, dy] = [values(n, 3), values(n, 4)];
      const want = new Float32Array(n);
      reluMaskReference(asInts(want), asInts(x), asInts(dy));
      const got = dy.slice();
      expect(wasmReluMask(got, x, got)).toBe(true);
      expectSameBits(got, want);

      clipMaskReference(want, x, dy, -0.5, 6);
      const clipped = dy.slice();
      expect(wasmClipMask(clipped, x, clipped, -0.5, 6)).toBe(true);
      expectSameBits(clipped, want);

      addIntoReference(want, x, dy);
      const sum = x.slice();
      expect(wasmAddInto(sum, sum, dy)).toBe(true);
      expectSameBits(sum, want);
    });
  }

  it('leave short arrays to the TypeScript loop (the call would cost more)', () => {
    const a = values(100, 5);
    expect(wasmAddInto(new Float32Array(100), a, a)).toBe(false);
  });
});

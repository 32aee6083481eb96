/**
 * The Winograd weight gradient (wasm/src/winograd_wgrad.c through src/kernels/wasm/
 * winograd-wgrad-wasm.ts, and the plain reference src/kernels/winograd-wgrad.ts) against the
 * definition conv2dBackwardReference (float64 sums over pixels, code no one here wrote for Winograd).
 *
 * Tolerance: per weight, |winograd - direct| <= 2e-5 x sum over pixels of |x dy|, the scale of the
 * sum's own rounding. dy is multiplied by up to 8 per axis (A), inputs by up to 5 per axis (B^T),
 * then G^T divides by up to 24 per axis, so float32 cancellation costs a few bits more than the
 * direct sum's ~1e-7 x scale (the worst seen here is ~7e-7 x scale); a wrong coefficient, tap, pad
 * or masked edge gives errors of order 1 x scale. Shapes: odd sizes (partial edge tiles whose outputs fall outside y), padding 0/1/2 and
 * asymmetric, batch > 1 (several chunks, several images per chunk), channel counts that are not
 * multiples of 4 or 2, more than one tile block; 1 vs 2 threads bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { conv2dBackwardReference } from '../../src/kernels/conv2d-backward.js';
import type { Conv2dShape } from '../../src/kernels/conv2d.js';
import { wasmConv2dBackwardWeight } from '../../src/kernels/wasm/conv2d-backward-wasm.js';
import { wasmKernels } from '../../src/kernels/wasm/module.js';
import { runWinogradWeightGrad, wgradBlock, wgradImagesPerChunk } from '../../src/kernels/wasm/winograd-wgrad-wasm.js';
import { winogradWeightGradReference } from '../../src/kernels/winograd-wgrad.js';
import { randomArray, winograd3x3Shape, withEnv } from './wasm-helpers.js';

const TOLERANCE = 2e-5;

const shape = winograd3x3Shape;

const SHAPES: Conv2dShape[] = [
  shape(3, 16, 32, 32, 16, [1, 1, 1, 1]), // resnet8's first stage: one image per chunk, 3 chunks
  shape(5, 8, 7, 9, 12, [1, 1, 1, 1]), // odd sizes: partial tiles at both edges, 4 images per chunk
  shape(3, 9, 11, 6, 10, [0, 0, 0, 0]), // no padding; C not a multiple of 4
  shape(2, 7, 5, 13, 5, [2, 2, 2, 2]), // padding 2; M odd
  shape(2, 5, 10, 10, 3, [2, 0, 1, 2]), // asymmetric padding; fewer than 4 output channels
  shape(1, 20, 38, 38, 20, [1, 1, 1, 1]), // 100 tiles: more than one block
  shape(10, 64, 8, 8, 64, [1, 1, 1, 1]), // resnet8's last stage: four tiles per image, 8 per chunk
  shape(2, 3, 4, 4, 4, [0, 0, 0, 0]), // one partial tile
];

function tensors(s: Conv2dShape, seed: number) {
  return {
    x: randomArray(s.batch * s.inChannels * s.inHeight * s.inWidth, seed),
    dy: randomArray(s.batch * s.outChannels * s.outHeight * s.outWidth, seed + 1),
  };
}

/** The definition's dw and db, and the per-weight scale sum |x dy| (the same sums on absolute values). */
function direct(s: Conv2dShape, t: ReturnType<typeof tensors>) {
  const weights = s.outChannels * s.inChannels * 9;
  const want = new Float32Array(weights);
  const scale = new Float32Array(weights);
  const db = new Float32Array(s.outChannels);
  const dbScale = new Float32Array(s.outChannels);
  const unusedWeight = new Float32Array(weights);
  conv2dBackwardReference(undefined, want, db, t.dy, t.x, unusedWeight, s);
  conv2dBackwardReference(undefined, scale, dbScale, t.dy.map(Math.abs), t.x.map(Math.abs), unusedWeight, s);
  return { want, scale, db, dbScale };
}

/** The largest |got - want| / scale (NaN if any is NaN). */
function worstError(got: Float32Array, want: Float32Array, scale: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i]! - want[i]!) / scale[i]!;
    if (Number.isNaN(e)) return NaN;
    worst = Math.max(worst, e);
  }
  return worst;
}

function runWasm(s: Conv2dShape, t: ReturnType<typeof tensors>, db?: Float32Array): Float32Array {
  const got = new Float32Array(s.outChannels * s.inChannels * 9).fill(NaN);
  expect(runWinogradWeightGrad(got, t.dy, t.x, s, db)).toBe(true);
  return got;
}

describe('Winograd weight gradient reference (TypeScript)', () => {
  it('agrees with the definition', () => {
    for (const [i, s] of [SHAPES[1]!, SHAPES[2]!, SHAPES[3]!, SHAPES[4]!].entries()) {
      const t = tensors(s, 10 * i + 1);
      const got = new Float32Array(s.outChannels * s.inChannels * 9).fill(NaN);
      winogradWeightGradReference(got, t.dy, t.x, s);
      const { want, scale } = direct(s, t);
      expect(worstError(got, want, scale), `shape ${i + 1}`).toBeLessThanOrEqual(1e-6);
    }
  });
});

describe.skipIf(!wasmKernels())('Winograd weight gradient WebAssembly kernel', () => {
  it('agrees with the definition on every shape, bias gradient included', () => {
    for (const [i, s] of SHAPES.entries()) {
      const t = tensors(s, 10 * i + 3);
      const { want, scale, db, dbScale } = direct(s, t);
      const gotDb = new Float32Array(s.outChannels).fill(NaN);
      expect(worstError(runWasm(s, t, gotDb), want, scale), `shape ${i}`).toBeLessThanOrEqual(TOLERANCE);
      expect(worstError(gotDb, db, dbScale), `shape ${i} bias`).toBeLessThanOrEqual(1e-6);
    }
  });

  it('covers several chunks and blocks, and fails on a wrong input', () => {
    expect(wgradImagesPerChunk(SHAPES[1]!)).toBeGreaterThan(1);
    expect(wgradBlock(SHAPES[5]!)).toBeLessThan(100);
    // The test can fail: one dy value moved by 0.1 (at the bottom-right edge) moves dw far past the tolerance.
    const s = SHAPES[1]!;
    const t = tensors(s, 5);
    const { want, scale } = direct(s, t);
    t.dy[t.dy.length - 1] = t.dy[t.dy.length - 1]! + 0.1;
    expect(worstError(runWasm(s, t), want, scale)).toBeGreaterThan(10 * TOLERANCE);
  });

  it('gives bit-identical results on 1 and 2 threads', () => {
    expect(wgradImagesPerChunk(SHAPES[0]!)).toBe(2);
    // Two and four chunks of 2 images (the last one partial in the first), claimed by either thread.
    for (const s of [SHAPES[0]!, shape(8, 16, 32, 32, 16, [1, 1, 1, 1])]) {
      const t = tensors(s, 9);
      const one = withEnv({ EDGEC_THREADS: '1' }, () => runWasm(s, t));
      const two = withEnv({ EDGEC_THREADS: '2' }, () => runWasm(s, t));
      expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer))).toBe(true);
    }
  });

  it('is what the conv weight gradient dispatches to, unless EDGEC_WINOGRAD=off', () => {
    const s = SHAPES[1]!;
    const t = tensors(s, 11);
    const dispatched = new Float32Array(s.outChannels * s.inChannels * 9);
    const off = new Float32Array(dispatched.length);
    expect(wasmConv2dBackwardWeight(dispatched, t.dy, t.x, s)).toBe(true);
    expect(withEnv({ EDGEC_WINOGRAD: 'off' }, () => wasmConv2dBackwardWeight(off, t.dy, t.x, s))).toBe(true);
    expect(Buffer.from(dispatched.buffer).equals(Buffer.from(runWasm(s, t).buffer))).toBe(true);
    const { want, scale } = direct(s, t);
    expect(worstError(off, want, scale)).toBeLessThanOrEqual(1e-6);
    expect(Buffer.from(off.buffer).equals(Buffer.from(dispatched.buffer))).toBe(false);
  });
});

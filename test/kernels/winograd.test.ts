/**
 * Winograd F(4x4, 3x3) (wasm/src/winograd.c through src/kernels/wasm/winograd-wasm.ts, and the
 * plain reference src/kernels/winograd.ts) against the direct conv definition conv2dReference.
 *
 * Tolerance: per output, |winograd - direct| <= 2e-5 x (sum over taps of |w x| + |b|), the scale
 * of the inner product's own rounding. F(4x4) multiplies inputs by transform coefficients up to
 * 5 (B^T) and outputs by up to 8^2 (A^T), then divides again (G has 1/24), so float32 cancellation
 * costs a few bits over the direct sum's ~1e-7 x scale: the worst seen here is ~2e-6 x scale,
 * and a wrong coefficient, tap, pad or tile edge gives errors of order 1 x scale.
 * The shapes cover odd sizes (partial edge tiles), padding 0/1/2 and asymmetric, batch > 1, channel
 * counts that are not multiples of 4, several tile blocks per image, several images per call,
 * negative padding (the adjoint of a conv padded by more than 2), and fused Relu/Clip bounds.
 */
import { describe, expect, it } from 'vitest';
import { conv2dReference, type Conv2dShape } from '../../src/kernels/conv2d.js';
import { wasmKernels } from '../../src/kernels/wasm/module.js';
import { runWinogradForward, winogradBlock } from '../../src/kernels/wasm/winograd-wasm.js';
import { winogradApplies, winogradConv2dReference } from '../../src/kernels/winograd.js';
import { randomArray, winograd3x3Shape, withEnv } from './wasm-helpers.js';

const TOLERANCE = 2e-5;

const shape = winograd3x3Shape;

const SHAPES: Conv2dShape[] = [
  shape(2, 16, 32, 32, 16, [1, 1, 1, 1]), // resnet8's first stage
  shape(3, 8, 7, 9, 12, [1, 1, 1, 1]), // odd sizes: partial tiles at both edges
  shape(2, 9, 11, 6, 10, [0, 0, 0, 0]), // no padding; C and M not multiples of 4
  shape(1, 12, 5, 13, 9, [2, 2, 2, 2]), // padding 2 (the adjoint of an unpadded conv)
  shape(2, 5, 10, 10, 3, [2, 0, 1, 2]), // asymmetric padding; fewer than 4 output channels
  shape(1, 20, 38, 38, 20, [1, 1, 1, 1]), // 100 tiles: more than one block
  shape(4, 64, 8, 8, 64, [1, 1, 1, 1]), // resnet8's last stage: four tiles per image
  shape(2, 3, 4, 4, 4, [0, 0, 0, 0]), // one partial tile
  shape(2, 6, 11, 10, 5, [-1, -1, 0, -1]), // negative padding: the input gradient of a conv padded by 3
];

function tensors(s: Conv2dShape, seed: number) {
  return {
    x: randomArray(s.batch * s.inChannels * s.inHeight * s.inWidth, seed),
    w: randomArray(s.outChannels * s.inChannels * 9, seed + 1),
    b: randomArray(s.outChannels, seed + 2),
  };
}

/** conv2dReference and the per-output scale sum |w x| + |b| (the same conv on absolute values). */
function direct(s: Conv2dShape, t: ReturnType<typeof tensors>, clamp?: readonly [number, number]) {
  const want = new Float32Array(s.batch * s.outChannels * s.outHeight * s.outWidth);
  const scale = new Float32Array(want.length);
  conv2dReference(want, t.x, t.w, t.b, s);
  conv2dReference(scale, t.x.map(Math.abs), t.w.map(Math.abs), t.b.map(Math.abs), s);
  if (clamp) want.forEach((v, i) => { want[i] = Math.min(Math.max(v, clamp[0]), clamp[1]); });
  return { want, scale };
}

/** The largest |got - want| / scale over the outputs (NaN if any output is NaN). */
function worstError(got: Float32Array, want: Float32Array, scale: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i]! - want[i]!) / scale[i]!;
    if (!(e <= worst)) worst = Number.isNaN(e) ? NaN : e;
    if (Number.isNaN(worst)) return worst;
  }
  return worst;
}

function runWasm(s: Conv2dShape, t: ReturnType<typeof tensors>, clamp?: readonly [number, number]): Float32Array {
  const got = new Float32Array(s.batch * s.outChannels * s.outHeight * s.outWidth).fill(NaN);
  expect(runWinogradForward(got, t.x, t.w, t.b, s, clamp)).toBe(true);
  return got;
}

describe('Winograd F(4x4, 3x3) reference (TypeScript)', () => {
  it('agrees with the direct conv', () => {
    for (const [i, s] of SHAPES.slice(1, 5).entries()) {
      expect(winogradApplies(s)).toBe(true);
      const t = tensors(s, 10 * i + 1);
      const got = new Float32Array(s.batch * s.outChannels * s.outHeight * s.outWidth).fill(NaN);
      winogradConv2dReference(got, t.x, t.w, t.b, s);
      const { want, scale } = direct(s, t);
      expect(worstError(got, want, scale)).toBeLessThanOrEqual(TOLERANCE);
    }
  });
});

describe.skipIf(!wasmKernels())('Winograd F(4x4, 3x3) WebAssembly kernel', () => {
  it('agrees with the direct conv on every shape', () => {
    for (const [i, s] of SHAPES.entries()) {
      const t = tensors(s, 10 * i + 3);
      const { want, scale } = direct(s, t);
      const worst = worstError(runWasm(s, t), want, scale);
      expect(worst, `shape ${i}`).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it('fuses Relu and Clip bounds into the output pass', () => {
    const s = SHAPES[1]!;
    const t = tensors(s, 7);
    for (const clamp of [[0, Infinity], [-0.5, 0.75]] as const) {
      const { want, scale } = direct(s, t, clamp);
      expect(worstError(runWasm(s, t, clamp), want, scale)).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it('splits the shape of 100 tiles into blocks, and fails on a wrong transform', () => {
    expect(winogradBlock(SHAPES[5]!)).toBeLessThan(100);
    // The test can fail: a weight perturbed by 0.1 moves outputs by far more than the tolerance.
    const s = SHAPES[2]!;
    const t = tensors(s, 5);
    const { want, scale } = direct(s, t);
    t.w[4] = t.w[4]! + 0.1;
    expect(worstError(runWasm(s, t), want, scale)).toBeGreaterThan(10 * TOLERANCE);
  });

  it('gives bit-identical results on 1 and 2 threads', () => {
    const s = SHAPES[6]!;
    const t = tensors(s, 9);
    const one = withEnv({ EDGEC_THREADS: '1' }, () => runWasm(s, t));
    const two = withEnv({ EDGEC_THREADS: '2' }, () => runWasm(s, t));
    expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer))).toBe(true);
  });
});

/**
 * The fast convolution kernels against their slow references (conv2dForward: im2col + blocked GEMM,
 * the direct depthwise loop and the pointwise shortcut; convTranspose2dForward: GEMM + col2im;
 * matmulForward: blocked, unrolled GEMM) on seeded random geometries. Agreement: max |fast - ref| <=
 * 1e-5 x max(1, max |ref|), float32 accumulation order being the only difference.
 */
import { describe, expect, it } from 'vitest';
import { conv2dForward, conv2dReference, type Conv2dShape } from '../../src/kernels/conv2d.js';
import { convTranspose2dForward, convTranspose2dReference } from '../../src/kernels/conv-transpose2d.js';
import { gemmForward, matmulForward, matmulReference } from '../../src/kernels/gemm.js';
import { rng } from '../helpers/random.js';

function randomArray(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
}

function expectAgree(fast: Float32Array, ref: Float32Array): void {
  let magnitude = 1;
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    magnitude = Math.max(magnitude, Math.abs(ref[i]!));
    worst = Math.max(worst, Math.abs(fast[i]! - ref[i]!));
  }
  expect(Number.isNaN(worst)).toBe(false);
  expect(worst).toBeLessThanOrEqual(1e-5 * magnitude);
}

/** A random valid geometry: output sizes follow from the conv formula; kind forces a fast path. */
function randomGeometry(seed: number, kind: 'general' | 'depthwise' | 'pointwise'): Conv2dShape {
  const r = rng(seed);
  const pick = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const groups = kind === 'depthwise' ? pick(1, 6) : pick(1, 3);
  const inChannels = kind === 'depthwise' ? groups : groups * pick(1, 4);
  const outChannels = groups * pick(1, 3);
  const pointwise = kind === 'pointwise';
  const s = {
    batch: pick(1, 2),
    inChannels,
    inHeight: pick(1, 13),
    inWidth: pick(1, 13),
    outChannels,
    kernelHeight: pointwise ? 1 : pick(1, 4),
    kernelWidth: pointwise ? 1 : pick(1, 4),
    strideHeight: pointwise ? 1 : pick(1, 3),
    strideWidth: pointwise ? 1 : pick(1, 3),
    dilationHeight: pointwise ? 1 : pick(1, 2),
    dilationWidth: pointwise ? 1 : pick(1, 2),
    padTop: pointwise ? 0 : pick(0, 2),
    padLeft: pointwise ? 0 : pick(0, 2),
    groups,
  };
  const padBottom = pointwise ? 0 : pick(0, 2);
  const padRight = pointwise ? 0 : pick(0, 2);
  const out = (len: number, k: number, st: number, d: number, p: number) => Math.floor((len + p - (k - 1) * d - 1) / st) + 1;
  return {
    ...s,
    outHeight: Math.max(1, out(s.inHeight, s.kernelHeight, s.strideHeight, s.dilationHeight, s.padTop + padBottom)),
    outWidth: Math.max(1, out(s.inWidth, s.kernelWidth, s.strideWidth, s.dilationWidth, s.padLeft + padRight)),
  };
}

describe('conv2dForward agrees with conv2dReference', () => {
  for (const kind of ['general', 'depthwise', 'pointwise'] as const) {
    it(`${kind}: 40 random geometries`, () => {
      for (let seed = 0; seed < 40; seed++) {
        const s = randomGeometry(seed * 7 + kind.length, kind);
        const input = randomArray(s.batch * s.inChannels * s.inHeight * s.inWidth, seed);
        const weight = randomArray(s.outChannels * (s.inChannels / s.groups) * s.kernelHeight * s.kernelWidth, seed + 1);
        const bias = seed % 2 === 0 ? randomArray(s.outChannels, seed + 2) : undefined;
        const size = s.batch * s.outChannels * s.outHeight * s.outWidth;
        const fast = new Float32Array(size).fill(NaN); // the kernel must write every element
        const ref = new Float32Array(size);
        conv2dForward(fast, input, weight, bias, s);
        conv2dReference(ref, input, weight, bias, s);
        expectAgree(fast, ref);
      }
    });
  }
});

describe('convTranspose2dForward agrees with convTranspose2dReference', () => {
  it('40 random geometries', () => {
    for (let seed = 0; seed < 40; seed++) {
      // A conv geometry read backwards: its output is the transpose's input.
      const c = randomGeometry(seed * 13 + 1, seed % 3 === 0 ? 'depthwise' : 'general');
      const s = { ...c, inChannels: c.outChannels, outChannels: c.inChannels, inHeight: c.outHeight, inWidth: c.outWidth, outHeight: c.inHeight, outWidth: c.inWidth };
      const input = randomArray(s.batch * s.inChannels * s.inHeight * s.inWidth, seed);
      const weight = randomArray(s.inChannels * (s.outChannels / s.groups) * s.kernelHeight * s.kernelWidth, seed + 1);
      const bias = seed % 2 === 0 ? randomArray(s.outChannels, seed + 2) : undefined;
      const size = s.batch * s.outChannels * s.outHeight * s.outWidth;
      const fast = new Float32Array(size).fill(NaN);
      const ref = new Float32Array(size);
      convTranspose2dForward(fast, input, weight, bias, s);
      convTranspose2dReference(ref, input, weight, bias, s);
      expectAgree(fast, ref);
    }
  });
});

describe('matmulForward agrees with matmulReference', () => {
  it('sizes around the block edges (64 deep, 256 wide), with and without transposes', () => {
    const sizes = [
      [1, 1, 1],
      [3, 5, 7],
      [17, 300, 65],
      [2, 257, 130],
      [10, 10, 1],
    ];
    sizes.forEach(([M, N, K], i) => {
      const a = randomArray(M! * K!, i);
      const b = randomArray(K! * N!, i + 50);
      const ref = new Float32Array(M! * N!);
      matmulReference(ref, a, b, M!, N!, K!);
      const fast = new Float32Array(M! * N!).fill(NaN);
      matmulForward(fast, a, b, M!, N!, K!);
      expectAgree(fast, ref);
      // Same product through gemmForward's transposes: pass A^T and B^T, ask for them back.
      const aT = new Float32Array(M! * K!);
      const bT = new Float32Array(K! * N!);
      for (let m = 0; m < M!; m++) for (let k = 0; k < K!; k++) aT[k * M! + m] = a[m * K! + k]!;
      for (let k = 0; k < K!; k++) for (let n = 0; n < N!; n++) bT[n * K! + k] = b[k * N! + n]!;
      const viaTrans = new Float32Array(M! * N!);
      gemmForward(viaTrans, aT, bT, M!, N!, K!, true, true);
      expectAgree(viaTrans, ref);
    });
  });
});

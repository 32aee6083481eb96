/**
 * The fast backward kernels against their slow references: conv input/weight/bias gradients
 * (through ConvTranspose and the im2col GEMM) vs the definition loop in double, on grouped,
 * strided, dilated, padded and depthwise geometries (tolerance 1e-4 x the largest magnitude); the
 * broadcast adjoint vs its coordinate-by-coordinate reference (exact).
 */
import { describe, expect, it } from 'vitest';
import type { Conv2dShape } from '../../src/kernels/conv2d.js';
import { channelBiasBackward, conv2dBackwardInput, conv2dBackwardReference, conv2dBackwardWeight } from '../../src/kernels/conv2d-backward.js';
import { sumToShape, sumToShapeReference } from '../../src/kernels/broadcast-backward.js';
import { randomTensor } from '../helpers/random.js';

function geometry(p: Partial<Conv2dShape> & Pick<Conv2dShape, 'inChannels' | 'outChannels' | 'groups'>): Conv2dShape {
  const s = { batch: 2, inHeight: 7, inWidth: 6, kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padTop: 1, padLeft: 1, ...p };
  const out = (size: number, k: number, stride: number, dil: number, pad: number) => Math.floor((size + 2 * pad - (k - 1) * dil - 1) / stride) + 1;
  return { ...s, outHeight: out(s.inHeight, s.kernelHeight, s.strideHeight, s.dilationHeight, s.padTop), outWidth: out(s.inWidth, s.kernelWidth, s.strideWidth, s.dilationWidth, s.padLeft) } as Conv2dShape;
}

const CASES: [string, Conv2dShape][] = [
  ['dense 3x3 padded', geometry({ inChannels: 3, outChannels: 4, groups: 1 })],
  ['grouped, strided, dilated', geometry({ inChannels: 4, outChannels: 6, groups: 2, strideHeight: 2, dilationWidth: 2 })],
  ['depthwise x2 multiplier, stride 2', geometry({ inChannels: 3, outChannels: 6, groups: 3, strideHeight: 2, strideWidth: 2 })],
  ['pointwise', geometry({ inChannels: 5, outChannels: 3, groups: 1, kernelHeight: 1, kernelWidth: 1, padTop: 0, padLeft: 0 })],
];

function expectClose(actual: Float32Array, expected: Float32Array, what: string): void {
  const scale = Math.max(1e-6, ...Array.from(expected, Math.abs));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst / scale, what).toBeLessThanOrEqual(1e-4);
}

describe('conv backward kernels vs the definition', () => {
  for (const [label, s] of CASES) {
    it(label, () => {
      const xLen = s.batch * s.inChannels * s.inHeight * s.inWidth;
      const wLen = s.outChannels * (s.inChannels / s.groups) * s.kernelHeight * s.kernelWidth;
      const yLen = s.batch * s.outChannels * s.outHeight * s.outWidth;
      const x = randomTensor([xLen], 1).data as Float32Array;
      const w = randomTensor([wLen], 2).data as Float32Array;
      const dy = randomTensor([yLen], 3).data as Float32Array;
      const [rx, rw, rb] = [new Float32Array(xLen), new Float32Array(wLen), new Float32Array(s.outChannels)];
      conv2dBackwardReference(rx, rw, rb, dy, x, w, s);
      const [dx, dw, db] = [new Float32Array(xLen), new Float32Array(wLen), new Float32Array(s.outChannels)];
      conv2dBackwardInput(dx, dy, w, s);
      conv2dBackwardWeight(dw, dy, x, s);
      channelBiasBackward(db, dy, s.batch, s.outChannels, s.outHeight * s.outWidth);
      expectClose(dx, rx, 'input gradient');
      expectClose(dw, rw, 'weight gradient');
      expectClose(db, rb, 'bias gradient');
    });
  }
});

describe('broadcast adjoint', () => {
  it('sumToShape equals its reference for leading, inner and trailing broadcast axes', () => {
    const grad = randomTensor([2, 3, 4, 5], 9).data;
    for (const shape of [[3, 1, 5], [1, 4, 1], [5], [2, 1, 1, 1], [2, 3, 4, 5]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const [fast, slow] = [new Float64Array(n), new Float64Array(n)];
      sumToShape(fast, shape, grad, [2, 3, 4, 5]);
      sumToShapeReference(slow, shape, grad, [2, 3, 4, 5]);
      expect(Array.from(fast)).toEqual(Array.from(slow));
    }
  });
});

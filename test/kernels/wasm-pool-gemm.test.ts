/**
 * The WebAssembly pooling and GEMM kernels (wasm/src/pool.c, gemm.c via src/kernels/wasm/):
 * - pool forwards vs the TypeScript kernels of pool2d.ts (EDGEC_KERNELS=js): max pooling exactly
 *   (it only compares), average pooling to 1e-6 relative (float vs double sums);
 * - pool backwards by adjoint identities: <avgpool(x), dy> = <x, dX(dy)> (a linear map), and for
 *   max pooling <maxpool(x), dy> = <x, dX(dy)> since each output is its window's chosen input;
 * - the GEMM vs matmulReference (double sums) to 1e-5 relative, including sizes that leave
 *   partial 4-row and 8-column tiles, and bit-identical on 1 and 2 threads.
 */
import { describe, expect, it } from 'vitest';
import { matmulReference } from '../../src/kernels/gemm.js';
import { averagePool2dForward, globalPoolForward, maxPool2dForward, type Pool2dShape } from '../../src/kernels/pool2d.js';
import { wasmMatmul } from '../../src/kernels/wasm/gemm-wasm.js';
import {
  wasmAveragePool2dBackward, wasmAveragePool2dForward, wasmMaxPool2dBackward, wasmMaxPool2dForward,
} from '../../src/kernels/wasm/pool2d-wasm.js';
import { rng } from '../helpers/random.js';
import { dot, expectAgree, randomArray, withEnv } from './wasm-helpers.js';

function randomPool(seed: number): Pool2dShape {
  const r = rng(seed);
  const pick = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const s = {
    planes: pick(1, 40), inHeight: pick(1, 12), inWidth: pick(1, 12), kernelHeight: pick(1, 4), kernelWidth: pick(1, 4),
    strideHeight: pick(1, 3), strideWidth: pick(1, 3), dilationHeight: pick(1, 2), dilationWidth: pick(1, 2),
    padTop: 0, padLeft: 0, padBottom: 0, padRight: 0,
  };
  // Pads smaller than the kernel, as ONNX requires; ceil_mode-like extra rows via a larger output.
  s.padTop = pick(0, s.kernelHeight - 1);
  s.padLeft = pick(0, s.kernelWidth - 1);
  s.padBottom = pick(0, s.kernelHeight - 1);
  s.padRight = pick(0, s.kernelWidth - 1);
  const out = (len: number, k: number, st: number, d: number, p: number) => Math.floor((len + p - (k - 1) * d - 1) / st) + 1 + pick(0, 1);
  return {
    ...s,
    outHeight: Math.max(1, out(s.inHeight, s.kernelHeight, s.strideHeight, s.dilationHeight, s.padTop + s.padBottom)),
    outWidth: Math.max(1, out(s.inWidth, s.kernelWidth, s.strideWidth, s.dilationWidth, s.padLeft + s.padRight)),
  };
}

const sizeIn = (s: Pool2dShape) => s.planes * s.inHeight * s.inWidth;
const sizeOut = (s: Pool2dShape) => s.planes * s.outHeight * s.outWidth;

describe('WebAssembly pooling kernels', () => {
  it('forward agrees with the TypeScript pools on 40 random geometries', () => {
    for (let seed = 0; seed < 40; seed++) {
      const s = randomPool(seed);
      const x = randomArray(sizeIn(s), seed);
      const includePad = seed % 2 === 0;
      const [maxWasm, avgWasm] = [new Float32Array(sizeOut(s)), new Float32Array(sizeOut(s))];
      const [maxTs, avgTs] = [new Float32Array(sizeOut(s)), new Float32Array(sizeOut(s))];
      expect(wasmMaxPool2dForward(maxWasm, x, s)).toBe(true);
      expect(wasmAveragePool2dForward(avgWasm, x, s, includePad)).toBe(true);
      withEnv({ EDGEC_KERNELS: 'js' }, () => {
        maxPool2dForward(maxTs, undefined, x, s, false);
        averagePool2dForward(avgTs, x, s, includePad);
      });
      expect(Array.from(maxWasm)).toEqual(Array.from(maxTs));
      // A window past both input and padding has no taps: NaN in both.
      expect(Array.from(avgWasm, (v) => Number.isNaN(v))).toEqual(Array.from(avgTs, (v) => Number.isNaN(v)));
      expectAgree(avgWasm.map((v) => (Number.isNaN(v) ? 0 : v)), avgTs.map((v) => (Number.isNaN(v) ? 0 : v)), 1e-6);
    }
  });

  it('global average pooling on the kernel (a whole-plane window) agrees with the double-sum loop to 1e-6 relative', () => {
    const [planes, pixels] = [2048, 64]; // ResNet-8's at batch 32: above the kernel's threshold
    const x = randomArray(planes * pixels, 9);
    const got = new Float32Array(planes);
    const want = new Float32Array(planes);
    globalPoolForward(got, x, planes, pixels, 'average');
    withEnv({ EDGEC_KERNELS: 'js' }, () => globalPoolForward(want, x, planes, pixels, 'average'));
    expectAgree(got, want, 1e-6);
  });

  it('backward satisfies the adjoint identities on 40 random geometries', () => {
    for (let seed = 0; seed < 40; seed++) {
      const s = randomPool(seed + 500);
      const x = randomArray(sizeIn(s), seed);
      const dy = randomArray(sizeOut(s), seed + 1);
      const includePad = seed % 2 === 1;
      const [yMax, yAvg] = [new Float32Array(sizeOut(s)), new Float32Array(sizeOut(s))];
      const [dxMax, dxAvg] = [new Float32Array(sizeIn(s)).fill(NaN), new Float32Array(sizeIn(s)).fill(NaN)];
      wasmMaxPool2dForward(yMax, x, s);
      wasmAveragePool2dForward(yAvg, x, s, includePad);
      expect(wasmMaxPool2dBackward(dxMax, dy, x, s)).toBe(true);
      expect(wasmAveragePool2dBackward(dxAvg, dy, s, includePad)).toBe(true);
      // Outputs whose window meets no input (lowest float or NaN) carry no gradient: leave them out.
      const live = (y: Float32Array) => dy.map((g, i) => (Number.isNaN(y[i]!) || y[i]! < -1e38 ? 0 : g));
      const yClean = (y: Float32Array) => y.map((v) => (Number.isNaN(v) || v < -1e38 ? 0 : v));
      expect(Math.abs(dot(x, dxMax) - dot(yClean(yMax), live(yMax)))).toBeLessThanOrEqual(1e-5 * (1 + sizeOut(s)));
      expect(Math.abs(dot(x, dxAvg) - dot(yClean(yAvg), live(yAvg)))).toBeLessThanOrEqual(1e-5 * (1 + sizeOut(s)));
    }
  });
});

describe('WebAssembly GEMM', () => {
  it('agrees with matmulReference, partial tiles included', () => {
    for (const [M, N, K] of [[1, 1, 1], [3, 7, 5], [4, 8, 256], [33, 70, 300], [64, 1024, 27], [10, 9, 513]] as const) {
      const a = randomArray(M * K, M + N);
      const b = randomArray(K * N, K);
      const got = new Float32Array(M * N).fill(NaN);
      const want = new Float32Array(M * N);
      expect(wasmMatmul(got, a, b, M, N, K)).toBe(true);
      matmulReference(want, a, b, M, N, K);
      expectAgree(got, want, 1e-5 * Math.sqrt(K));
    }
  });

  it('is bit-identical on 1 and 2 threads', () => {
    const [M, N, K] = [70, 300, 200];
    const a = randomArray(M * K, 1);
    const b = randomArray(K * N, 2);
    const run = (threads: string) => withEnv({ EDGEC_THREADS: threads }, () => {
      const out = new Float32Array(M * N);
      wasmMatmul(out, a, b, M, N, K);
      return Buffer.from(out.buffer);
    });
    expect(run('2').equals(run('1'))).toBe(true);
  });
});

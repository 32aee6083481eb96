/**
 * The WebAssembly SIMD conv kernels (wasm/src/conv.c, depthwise.c via src/kernels/wasm/) against
 * references nobody here wrote in WebAssembly:
 * - forward vs conv2dReference (the definition, summed in double): max |wasm - ref| <= 1e-5 x
 *   max(1, max |ref|); float32 products are rounded and summed in a different order, nothing else.
 * - backward by the adjoint identities of a linear map: <conv(x, w), dy> = <x, dX(dy)> =
 *   <w, dW(dy, x)>, each side summed in double, agreeing to 1e-5 relative to sum |terms|. A wrong
 *   tap, stride, pad or group in either gradient breaks the identity for random x, w, dy.
 * - bit-identical results with 1, 2 and 3 threads (batch split, fixed weight-gradient chunks).
 */
import { describe, expect, it } from 'vitest';
import { conv2dForward, conv2dReference, type Conv2dShape } from '../../src/kernels/conv2d.js';
import { wasmConv2dBackwardInput, wasmConv2dBackwardWeight, wasmConv2dForward } from '../../src/kernels/wasm/conv2d-wasm.js';
import { wasmKernels } from '../../src/kernels/wasm/module.js';
import { dot, expectAgree, randomArray, randomConvGeometry, withEnv, type GeometryKind } from './wasm-helpers.js';

const KINDS: GeometryKind[] = ['general', 'depthwise', 'pointwise'];

function tensors(s: Conv2dShape, seed: number) {
  return {
    x: randomArray(s.batch * s.inChannels * s.inHeight * s.inWidth, seed),
    w: randomArray(s.outChannels * (s.inChannels / s.groups) * s.kernelHeight * s.kernelWidth, seed + 1),
    b: randomArray(s.outChannels, seed + 2),
    dy: randomArray(s.batch * s.outChannels * s.outHeight * s.outWidth, seed + 3),
  };
}

/** Forward, input gradient and weight gradient of one geometry, on the WebAssembly kernels. */
function runAll(s: Conv2dShape, t: ReturnType<typeof tensors>) {
  const y = new Float32Array(t.dy.length).fill(NaN);
  const dx = new Float32Array(t.x.length).fill(NaN);
  const dw = new Float32Array(t.w.length).fill(NaN);
  expect(wasmConv2dForward(y, t.x, t.w, t.b, s)).toBe(true);
  expect(wasmConv2dBackwardInput(dx, t.dy, t.w, s)).toBe(true);
  expect(wasmConv2dBackwardWeight(dw, t.dy, t.x, s)).toBe(true);
  return { y, dx, dw };
}

describe('WebAssembly conv kernels', () => {
  it('are built (npm run build:wasm) and load', () => {
    expect(wasmKernels()).toBeDefined();
  });

  for (const kind of KINDS) {
    it(`${kind}: forward agrees with conv2dReference on 30 random geometries`, () => {
      for (let seed = 0; seed < 30; seed++) {
        const s = randomConvGeometry(seed * 11 + kind.length, kind);
        const t = tensors(s, seed);
        const withBias = seed % 2 === 0 ? t.b : undefined;
        const got = new Float32Array(t.dy.length).fill(NaN);
        const want = new Float32Array(t.dy.length);
        expect(wasmConv2dForward(got, t.x, t.w, withBias, s)).toBe(true);
        conv2dReference(want, t.x, t.w, withBias, s);
        expectAgree(got, want);
      }
    });

    it(`${kind}: input and weight gradients satisfy the adjoint identities on 30 random geometries`, () => {
      for (let seed = 0; seed < 30; seed++) {
        const s = randomConvGeometry(seed * 13 + 5 + kind.length, kind);
        const t = tensors(s, seed + 100);
        const { y, dx, dw } = runAll(s, { ...t, b: new Float32Array(s.outChannels) });
        const lhs = dot(y, t.dy);
        let scale = 1;
        for (let i = 0; i < y.length; i++) scale += Math.abs(y[i]! * t.dy[i]!);
        expect(Math.abs(dot(t.x, dx) - lhs)).toBeLessThanOrEqual(1e-5 * scale);
        expect(Math.abs(dot(t.w, dw) - lhs)).toBeLessThanOrEqual(1e-5 * scale);
      }
    });
  }

  it('forward agrees with conv2dReference on ResNet-8 stride-2 shapes (3x3 pad 1 and 1x1 shortcut, 16- and 32-wide rows)', () => {
    // Whole 8-pixel output rows: the 3x3 takes the phase image (its stride-2 vector split), the
    // 1x1 its gathered panels; odd and even widths so the split's scalar tail runs too.
    const base = { batch: 2, dilationHeight: 1, dilationWidth: 1, groups: 1, strideHeight: 2, strideWidth: 2 };
    const shapes: Conv2dShape[] = [];
    for (const [h, w] of [[32, 32], [16, 16], [17, 31]] as const) {
      const outHeight = Math.floor((h - 1) / 2) + 1, outWidth = Math.floor((w - 1) / 2) + 1;
      shapes.push({ ...base, inChannels: 5, outChannels: 6, inHeight: h, inWidth: w, outHeight, outWidth,
        kernelHeight: 3, kernelWidth: 3, padTop: 1, padLeft: 1 });
      shapes.push({ ...base, inChannels: 5, outChannels: 6, inHeight: h, inWidth: w, outHeight, outWidth,
        kernelHeight: 1, kernelWidth: 1, padTop: 0, padLeft: 0 });
    }
    for (const [i, s] of shapes.entries()) {
      const t = tensors(s, 40 + i);
      const got = new Float32Array(t.dy.length).fill(NaN);
      const want = new Float32Array(t.dy.length);
      expect(wasmConv2dForward(got, t.x, t.w, t.b, s)).toBe(true);
      conv2dReference(want, t.x, t.w, t.b, s);
      expectAgree(got, want);
      // The weight gradient reads the same phase image: the adjoint identities, as above.
      const { y, dx, dw } = runAll(s, { ...t, b: new Float32Array(s.outChannels) });
      const lhs = dot(y, t.dy);
      let scale = 1;
      for (let j = 0; j < y.length; j++) scale += Math.abs(y[j]! * t.dy[j]!);
      expect(Math.abs(dot(t.x, dx) - lhs)).toBeLessThanOrEqual(1e-5 * scale);
      expect(Math.abs(dot(t.w, dw) - lhs)).toBeLessThanOrEqual(1e-5 * scale);
    }
  });

  it('give bit-identical results on 1, 2 and 3 threads', () => {
    // Large enough that every kernel splits its work (see MACS_PER_THREAD in conv2d-wasm.ts).
    const base = {
      batch: 11, inHeight: 17, inWidth: 15, outHeight: 9, outWidth: 8, kernelHeight: 3, kernelWidth: 3,
      strideHeight: 2, strideWidth: 2, dilationHeight: 1, dilationWidth: 1, padTop: 1, padLeft: 1,
    };
    const shapes: Conv2dShape[] = [
      { ...base, inChannels: 12, outChannels: 18, groups: 3 },
      { ...base, inChannels: 24, outChannels: 48, groups: 24 },
      { ...base, inChannels: 16, outChannels: 24, groups: 1, inHeight: 9, inWidth: 8, kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padTop: 0, padLeft: 0 },
    ];
    for (const s of shapes) {
      const t = tensors(s, 7);
      const one = withEnv({ EDGEC_THREADS: '1' }, () => runAll(s, t));
      for (const threads of ['2', '3']) {
        const many = withEnv({ EDGEC_THREADS: threads }, () => runAll(s, t));
        expect(Buffer.from(many.y.buffer).equals(Buffer.from(one.y.buffer))).toBe(true);
        expect(Buffer.from(many.dx.buffer).equals(Buffer.from(one.dx.buffer))).toBe(true);
        expect(Buffer.from(many.dw.buffer).equals(Buffer.from(one.dw.buffer))).toBe(true);
      }
    }
  });

  it('stand aside with EDGEC_KERNELS=js, and conv2dForward then runs its TypeScript path', () => {
    const s = randomConvGeometry(3, 'general');
    const t = tensors(s, 3);
    const ts = new Float32Array(t.dy.length);
    const want = new Float32Array(t.dy.length);
    withEnv({ EDGEC_KERNELS: 'js' }, () => {
      expect(wasmConv2dForward(new Float32Array(t.dy.length), t.x, t.w, t.b, s)).toBe(false);
      conv2dForward(ts, t.x, t.w, t.b, s);
    });
    conv2dReference(want, t.x, t.w, t.b, s);
    expectAgree(ts, want);
  });
});

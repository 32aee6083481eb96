/**
 * The fused fast paths of the training engine against their plain references:
 * - the WebAssembly conv forward with a fused Relu/Clip clamp vs conv2dReference then the engine's
 *   applyActivation (1e-5 relative, as the unfused kernel; NaN must pass through the clamp);
 * - the same-shape Add with its clamp (kernels/add-fused.ts) vs the broadcasting Add then
 *   applyActivation: bit-identical, NaN, -0 and values at the bounds included;
 * - the weight gradient's bias sum vs channelBiasBackward (1e-5 relative), the stride-1 input
 *   gradient (run as the adjoint conv) vs the TypeScript ConvTranspose (1e-5), and all of it
 *   bit-identical on 1, 2 and 3 threads.
 */
import { describe, expect, it } from 'vitest';
import { activationBounds, applyActivation } from '../../src/engine/fused-activation.js';
import type { FusedActivation } from '../../src/ir/graph.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { addClamped } from '../../src/kernels/add-fused.js';
import { broadcastBinary } from '../../src/kernels/broadcast.js';
import { channelBiasBackward, swapConvShape } from '../../src/kernels/conv2d-backward.js';
import { convTranspose2dForward } from '../../src/kernels/conv-transpose2d.js';
import { conv2dReference, type Conv2dShape } from '../../src/kernels/conv2d.js';
import { wasmConv2dBackwardInput, wasmConv2dBackwardWeight, wasmConv2dForward } from '../../src/kernels/wasm/conv2d-wasm.js';
import { expectAgree, randomArray, randomConvGeometry, withEnv, type GeometryKind } from './wasm-helpers.js';

const ACTIVATIONS: FusedActivation[] = [{ kind: 'relu' }, { kind: 'clip', min: -0.25, max: 0.5 }];

function clamped(values: Float32Array, act: FusedActivation): Float32Array {
  return applyActivation(makeTensor('float32', [values.length], values), act).data as Float32Array;
}

describe('fused conv forward (WebAssembly)', () => {
  for (const kind of ['general', 'depthwise', 'pointwise'] as GeometryKind[]) {
    it(`${kind}: clamp(conv + bias) agrees with conv2dReference then applyActivation on 20 geometries`, () => {
      for (let seed = 0; seed < 20; seed++) {
        const s = randomConvGeometry(seed * 17 + kind.length, kind);
        const x = randomArray(s.batch * s.inChannels * s.inHeight * s.inWidth, seed);
        if (seed % 5 === 0) x[0] = NaN;
        const w = randomArray(s.outChannels * (s.inChannels / s.groups) * s.kernelHeight * s.kernelWidth, seed + 1);
        const b = randomArray(s.outChannels, seed + 2);
        const act = ACTIVATIONS[seed % 2]!;
        const size = s.batch * s.outChannels * s.outHeight * s.outWidth;
        const got = new Float32Array(size);
        const raw = new Float32Array(size);
        expect(wasmConv2dForward(got, x, w, b, s, activationBounds(act))).toBe(true);
        conv2dReference(raw, x, w, b, s);
        const want = clamped(raw, act);
        // NaN stays NaN where the reference has it (the clamp lets it through), and only there.
        const nanGot = Array.from(got, Number.isNaN);
        expect(nanGot).toEqual(Array.from(want, Number.isNaN));
        expectAgree(got.map((v) => (Number.isNaN(v) ? 0 : v)), want.map((v) => (Number.isNaN(v) ? 0 : v)));
      }
    });
  }
});

describe('conv forward on whole-panel output rows (read in place from a phase-split image)', () => {
  it('agrees with conv2dReference at strides 1 to 3, dilation, padding past the kernel and groups', () => {
    // Symmetric pads: in = (out - 1) * stride + span - 2 * pad gives exactly the chosen output.
    const geometry = (seed: number, stride: number, dilation: number, k: number, pad: number, groups: number): Conv2dShape => {
      const [outHeight, outWidth] = [3 + seed, 8 * (1 + (seed % 2))];
      const [kernelHeight, kernelWidth] = [k, k + 1 - (seed % 2)];
      const span = (taps: number) => (taps - 1) * dilation + 1;
      return {
        batch: 3, inChannels: 2 * groups, outChannels: 5 * groups, groups, outHeight, outWidth, kernelHeight, kernelWidth,
        inHeight: (outHeight - 1) * stride + span(kernelHeight) - 2 * pad, inWidth: (outWidth - 1) * stride + span(kernelWidth) - 2 * pad,
        strideHeight: stride, strideWidth: stride, dilationHeight: dilation, dilationWidth: dilation, padTop: pad, padLeft: pad,
      };
    };
    const cases = [geometry(0, 1, 1, 3, 1, 1), geometry(1, 2, 1, 3, 1, 2), geometry(2, 3, 2, 2, 2, 1), geometry(3, 2, 1, 1, 0, 1), geometry(4, 1, 2, 3, 3, 3)];
    for (const [i, s] of cases.entries()) {
      expect(s.inHeight).toBeGreaterThan(0);
      expect(s.inWidth).toBeGreaterThan(0);
      const x = randomArray(s.batch * s.inChannels * s.inHeight * s.inWidth, i);
      const w = randomArray(s.outChannels * (s.inChannels / s.groups) * s.kernelHeight * s.kernelWidth, i + 1);
      const b = randomArray(s.outChannels, i + 2);
      const size = s.batch * s.outChannels * s.outHeight * s.outWidth;
      const got = new Float32Array(size).fill(NaN);
      const want = new Float32Array(size);
      expect(wasmConv2dForward(got, x, w, b, s)).toBe(true);
      conv2dReference(want, x, w, b, s);
      expectAgree(got, want);
    }
  });
});

describe('same-shape Add with its clamp', () => {
  it('is bit-identical to the broadcasting Add then applyActivation, NaN, -0 and bounds included', () => {
    const n = 4099;
    const a = randomArray(n, 1);
    const b = randomArray(n, 2);
    a.set([NaN, -0, 0.25, -0.25, 0.5, 0.75, -1], 0);
    b.set([1, -0, 0.25, 0, 0, -0.25, 0.75], 0);
    const sum = new Float32Array(n);
    broadcastBinary(a, [n], b, [n], [n], sum, (x, y) => Math.fround(x + y));
    for (const act of [undefined, ...ACTIVATIONS]) {
      const got = new Float32Array(n);
      const [lo, hi] = activationBounds(act);
      addClamped(got, a, b, lo, hi);
      const want = act ? clamped(sum, act) : sum;
      expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
    }
  });
});

describe('conv gradients on the fast paths', () => {
  const shapes: Conv2dShape[] = [
    // Output rows of whole 8-pixel panels: the forward's shifted path, for the adjoint too.
    { batch: 9, inChannels: 6, inHeight: 11, inWidth: 16, outChannels: 10, outHeight: 11, outWidth: 16, kernelHeight: 3, kernelWidth: 3,
      strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padTop: 1, padLeft: 1, groups: 2 },
    { batch: 7, inChannels: 5, inHeight: 9, inWidth: 13, outChannels: 5, outHeight: 7, outWidth: 11, kernelHeight: 3, kernelWidth: 2,
      strideHeight: 1, strideWidth: 1, dilationHeight: 2, dilationWidth: 1, padTop: 1, padLeft: 0, groups: 5 },
  ];
  const run = (s: Conv2dShape) => {
    const x = randomArray(s.batch * s.inChannels * s.inHeight * s.inWidth, 3);
    const w = randomArray(s.outChannels * (s.inChannels / s.groups) * s.kernelHeight * s.kernelWidth, 4);
    const dy = randomArray(s.batch * s.outChannels * s.outHeight * s.outWidth, 5);
    const dx = new Float32Array(x.length).fill(NaN);
    const dw = new Float32Array(w.length).fill(NaN);
    const db = new Float32Array(s.outChannels).fill(NaN);
    expect(wasmConv2dBackwardInput(dx, dy, w, s)).toBe(true);
    expect(wasmConv2dBackwardWeight(dw, dy, x, s, db)).toBe(true);
    return { w, dy, dx, dw, db };
  };

  it('stride-1 input gradient (the adjoint conv) and bias gradient agree with the TypeScript references', () => {
    for (const s of shapes) {
      const { w, dy, dx, db } = run(s);
      const wantDx = new Float32Array(dx.length);
      withEnv({ EDGEC_KERNELS: 'js' }, () => convTranspose2dForward(wantDx, dy, w, undefined, swapConvShape(s)));
      expectAgree(dx, wantDx);
      const wantDb = new Float32Array(s.outChannels);
      channelBiasBackward(wantDb, dy, s.batch, s.outChannels, s.outHeight * s.outWidth);
      expectAgree(db, wantDb);
    }
  });

  it('are bit-identical on 1, 2 and 3 threads', () => {
    for (const s of shapes) {
      const one = withEnv({ EDGEC_THREADS: '1' }, () => run(s));
      for (const threads of ['2', '3']) {
        const many = withEnv({ EDGEC_THREADS: threads }, () => run(s));
        for (const k of ['dx', 'dw', 'db'] as const) expect(Buffer.from(many[k].buffer).equals(Buffer.from(one[k].buffer))).toBe(true);
      }
    }
  });
});

/**
 * Tensors resident in the WebAssembly memory (src/kernels/wasm/resident-heap.ts): what the float32
 * pool hands out once the kernels load, how blocks come back, and that the kernels give the same
 * results reading and writing them in place as on ordinary arrays they copy. The references are
 * the TypeScript kernels (themselves checked against onnxruntime elsewhere); agreement is exact:
 * the same kernel runs on the same values either way, only where they sit differs.
 */
import { describe, expect, it } from 'vitest';
import { giveFloat32, inResidentRegion, isResident, isWholeAllocation, storageOf, takeFloat32 } from '../../src/ir/buffer-pool.js';
import { conv2dReference, type Conv2dShape } from '../../src/kernels/conv2d.js';
import { addClampedReference } from '../../src/kernels/add-fused.js';
import { wasmAddClamped } from '../../src/kernels/wasm/elementwise-wasm.js';
import { wasmConv2dForward } from '../../src/kernels/wasm/conv2d-wasm.js';
import { wasmKernels } from '../../src/kernels/wasm/module.js';
import { wasmConv2dBackwardInput, wasmConv2dBackwardWeight } from '../../src/kernels/wasm/conv2d-wasm.js';
import { randomArray, randomConvGeometry, winograd3x3Shape, type GeometryKind } from './wasm-helpers.js';

const kernels = wasmKernels();
const heap = kernels?.heap;
const LENGTH = 1 << 15;

/** A resident block of `n` floats full of NaN (the heap directly: the pool keeps short arrays out). */
function residentNaN(n: number): Float32Array {
  return heap!.take(n, false)!.fill(NaN);
}

/** A resident copy of `values` (inside a resident region, the pool hands out the heap's blocks). */
function resident(values: Float32Array): Float32Array {
  const block = takeFloat32(values.length)!;
  block.set(values);
  return block;
}

// Skipped, and says so in its name, without the built kernels (npm run build:wasm) or with EDGEC_RESIDENT=0.
const SKIP_REASON = heap ? '' : kernels ? ' (skipped: EDGEC_RESIDENT=0)' : ' (skipped: WebAssembly kernels not built)';

describe.skipIf(!heap)(`resident tensors (WebAssembly memory)${SKIP_REASON}`, () => {
  it('hands out heap blocks inside a region only, and takes every one back when the region ends', () => {
    expect(takeFloat32(LENGTH)).toBeUndefined(); // outside a region: the (empty) JavaScript pool only
    const used = heap!.usedBytes;
    let kept: Float32Array | undefined;
    inResidentRegion(() => {
      kept = takeFloat32(LENGTH)!;
      giveFloat32(takeFloat32(LENGTH)!);
      expect(isResident(kept)).toBe(true);
    });
    // Both blocks are free again: the next region reuses them without growing the heap.
    inResidentRegion(() => {
      expect(takeFloat32(LENGTH)).toBeDefined();
      expect(takeFloat32(LENGTH)).toBeDefined();
    });
    expect(heap!.usedBytes).toBe(used + 2 * LENGTH * 4);
    expect(() => inResidentRegion(() => {
      takeFloat32(LENGTH);
      throw new Error('inside');
    })).toThrow('inside');
    inResidentRegion(() => expect([takeFloat32(LENGTH)!, takeFloat32(LENGTH)!].every((d) => isResident(d))).toBe(true));
    expect(heap!.usedBytes).toBe(used + 2 * LENGTH * 4);
  });

  it('hands out zeroed whole blocks in the memory, takes back only a block\'s own view, reuses it zeroed', () => inResidentRegion(() => {
    const a = takeFloat32(LENGTH)!;
    expect(heap!.addressOf(a)).toBeDefined();
    expect(a.every((v) => v === 0)).toBe(true);
    expect(isWholeAllocation(a)).toBe(true);
    expect(isWholeAllocation(a.subarray(1))).toBe(false);
    a.fill(3);
    expect(giveFloat32(a.subarray(0, LENGTH - 1))).toBe(false);
    expect(giveFloat32(new Float32Array(a.buffer, a.byteOffset, a.length))).toBe(false);
    expect(giveFloat32(a)).toBe(true);
    expect(giveFloat32(a)).toBe(false); // already free
    const again = takeFloat32(LENGTH)!;
    expect(again).toBe(a);
    expect(again.every((v) => v === 0)).toBe(true);
  }));

  it('identifies storage by block: views of one block compare equal, of two blocks not', () => inResidentRegion(() => {
    const a = takeFloat32(LENGTH)!;
    const b = takeFloat32(LENGTH)!;
    expect(storageOf(a.subarray(100, 200))).toBe(storageOf(a));
    expect(storageOf(new Float32Array(a.buffer, a.byteOffset + 400, 10))).toBe(storageOf(a));
    expect(storageOf(b)).not.toBe(storageOf(a));
    expect(storageOf(new Float32Array(8))).not.toBe(storageOf(a));
  }));

  it('runs a conv on resident input and output in place, as on plain arrays', () => inResidentRegion(() => {
    const s: Conv2dShape = {
      batch: 4, inChannels: 8, inHeight: 32, inWidth: 32, outChannels: 16, outHeight: 16, outWidth: 16,
      kernelHeight: 3, kernelWidth: 3, strideHeight: 2, strideWidth: 2, dilationHeight: 1, dilationWidth: 1,
      padTop: 1, padLeft: 1, groups: 1,
    };
    const input = randomArray(s.batch * s.inChannels * s.inHeight * s.inWidth, 1);
    const weight = randomArray(s.outChannels * s.inChannels * 9, 2);
    const bias = randomArray(s.outChannels, 3);
    const outLength = s.batch * s.outChannels * s.outHeight * s.outWidth;
    const plain = new Float32Array(outLength);
    expect(wasmConv2dForward(plain, input, weight, bias, s)).toBe(true);
    const out = takeFloat32(outLength)!;
    const residentInput = resident(input);
    expect(wasmConv2dForward(out, residentInput, weight, bias, s)).toBe(true);
    expect(Array.from(out)).toEqual(Array.from(plain));
    const want = new Float32Array(outLength);
    conv2dReference(want, input, weight, bias, s);
    let worst = 0;
    for (let i = 0; i < outLength; i++) worst = Math.max(worst, Math.abs(out[i]! - want[i]!));
    expect(worst).toBeLessThan(1e-4);
    expect(Array.from(residentInput)).toEqual(Array.from(input)); // inputs are read only
  }));

  it('writes every element of resident outputs (NaN-filled) exactly as of plain ones: forward, input and weight gradients', () => {
    const shapes = [
      ...(['general', 'depthwise', 'pointwise'] as GeometryKind[]).flatMap((kind) => [1, 2, 3, 4, 5].map((seed) => randomConvGeometry(seed * 31, kind))),
      winograd3x3Shape(2, 5, 7, 9, 6, [1, 1, 1, 1]), // Winograd, partial tiles
      winograd3x3Shape(3, 8, 13, 6, 4, [0, 1, 2, 0]),
    ];
    for (const s of shapes) {
      const n = { x: s.batch * s.inChannels * s.inHeight * s.inWidth, y: s.batch * s.outChannels * s.outHeight * s.outWidth, w: s.outChannels * (s.inChannels / s.groups) * s.kernelHeight * s.kernelWidth };
      const [x, w, b, dy] = [randomArray(n.x, 11), randomArray(n.w, 12), randomArray(s.outChannels, 13), randomArray(n.y, 14)];
      const plain = { y: new Float32Array(n.y), dx: new Float32Array(n.x), dw: new Float32Array(n.w), db: new Float32Array(s.outChannels) };
      const res = { y: residentNaN(n.y), dx: residentNaN(n.x), dw: residentNaN(n.w), db: residentNaN(s.outChannels) };
      for (const o of [plain, res]) {
        expect(wasmConv2dForward(o.y, x, w, b, s)).toBe(true);
        expect(wasmConv2dBackwardInput(o.dx, dy, w, s)).toBe(true);
        expect(wasmConv2dBackwardWeight(o.dw, dy, x, s, o.db)).toBe(true);
      }
      for (const k of ['y', 'dx', 'dw', 'db'] as const) expect(Array.from(res[k]), `${k} of ${JSON.stringify(s)}`).toEqual(Array.from(plain[k]));
    }
  });

  it('writes an elementwise result over one of its resident inputs, as the TypeScript reference', () => inResidentRegion(() => {
    const a = randomArray(LENGTH, 4);
    const b = randomArray(LENGTH, 5);
    const want = new Float32Array(LENGTH);
    addClampedReference(want, a, b, 0, Infinity);
    const ra = resident(a);
    expect(wasmAddClamped(ra, ra, resident(b), 0, Infinity)).toBe(true);
    expect(Array.from(ra)).toEqual(Array.from(want));
  }));
});

/**
 * Cast and CastLike against onnxruntime, exact, from float32 (with fractions, negatives, NaN,
 * infinities, values that wrap) and from integers and bool to every dtype edgec carries.
 */
import { describe, expect, it } from 'vitest';
import { makeTensor, type DType } from '../../src/ir/tensor.js';
import { expectMatch, runBoth, runOurs } from './single-node.js';

const CODE: Record<DType, number> = {
  float32: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, bool: 9, float16: 10, float64: 11, uint32: 12, uint64: 13, bfloat16: 16,
};
// onnxruntime-node hands no bfloat16 tensors back: bfloat16 casts are checked through a cast back
// to float32 in test/onnx/bfloat16.test.ts.
const TARGETS = (Object.keys(CODE) as DType[]).filter((d) => d !== 'bfloat16');

// In range for every target, so that no case depends on undefined float -> int overflow.
const floats = makeTensor('float32', [10], [0, -0, 1.5, -1.5, 2.7, -2.7, 100.25, 0.1, 1e-3, 65.5]);
const signed = makeTensor('float32', [4], [-1, -7.9, -100, 126.9]);

describe('Cast from float32 matches onnxruntime', () => {
  for (const to of TARGETS) {
    it(`to ${to}`, async () => expectMatch(await runBoth({ op: 'Cast', attrs: { to: CODE[to] }, inputs: [{ tensor: floats }] })));
  }
  for (const to of ['int8', 'int16', 'int32', 'int64', 'float16', 'float64', 'bool'] as DType[]) {
    it(`negative values to ${to}`, async () => expectMatch(await runBoth({ op: 'Cast', attrs: { to: CODE[to] }, inputs: [{ tensor: signed }] })));
  }
  it('NaN and infinities to floats and bool', async () => {
    const special = makeTensor('float32', [3], [NaN, Infinity, -Infinity]);
    for (const to of ['float16', 'float64', 'bool'] as DType[]) {
      expectMatch(await runBoth({ op: 'Cast', attrs: { to: CODE[to] }, inputs: [{ tensor: special }] }));
    }
  });
  it('float16 rounding: ties to even, subnormals, overflow to infinity', async () => {
    const x = makeTensor('float32', [8], [1 + 2 ** -11, 1 + 3 * 2 ** -11, 65504, 65519, 65520, 1e-7, 3e-8, -2049]);
    expectMatch(await runBoth({ op: 'Cast', attrs: { to: CODE.float16 }, inputs: [{ tensor: x }] }));
  });
});

describe('Cast between integer types and bool', () => {
  const sources: [DType, number[]][] = [
    ['int64', [-(2 ** 40) - 3, -129, -1, 0, 255, 256, 70000, 2 ** 33 + 5]],
    ['int32', [-(2 ** 31), -129, -1, 0, 127, 128, 65535, 2 ** 31 - 1]],
    ['uint8', [0, 1, 127, 128, 200, 255, 3, 9]],
    ['bool', [0, 1, 1, 0, 1, 0, 0, 1]],
  ];
  for (const [from, values] of sources) {
    for (const to of TARGETS) {
      it(`${from} to ${to}`, async () => {
        const r = await runBoth({ op: 'Cast', attrs: { to: CODE[to] }, inputs: [{ tensor: makeTensor(from, [values.length], values) }] });
        expectMatch(r);
      });
    }
  }
});

describe('CastLike and failures', () => {
  it('CastLike takes the dtype of its second input', async () => {
    const like = makeTensor('int32', [1], [0]);
    expectMatch(await runBoth({ op: 'CastLike', inputs: [{ tensor: signed }, { tensor: like }] }));
  });
  it('rejects a target dtype edgec does not carry, and a missing "to"', () => {
    expect(() => runOurs({ op: 'Cast', attrs: { to: 8 }, inputs: [{ tensor: floats }] })).toThrow(
      /node "node" \(Cast\): cannot cast to ONNX data type 8/,
    );
    expect(() => runOurs({ op: 'Cast', inputs: [{ tensor: floats }] })).toThrow(/the "to" attribute is required/);
  });
});

/** Transpose against onnxruntime (exact), plus the strided-copy kernel against its slow reference. */
import { describe, expect, it } from 'vitest';
import { stridedCopy, stridedCopyReference } from '../../src/kernels/strided-copy.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { randomTensor } from '../helpers/random.js';
import { expectMatch, runBoth, runOurs } from './single-node.js';

describe('Transpose', () => {
  const cases: [number[], number[] | undefined][] = [
    [[2, 3], undefined],
    [[2, 3, 4], undefined],
    [[2, 3, 4], [1, 0, 2]],
    [[1, 3, 4, 5], [0, 2, 3, 1]],
    [[2, 3, 4, 5], [3, 1, 0, 2]],
    [[5], [0]],
    [[2, 0, 3], [2, 1, 0]],
  ];
  for (const [shape, perm] of cases) {
    it(`[${shape}] perm ${perm ? `[${perm}]` : 'default'}`, async () => {
      expectMatch(await runBoth({ op: 'Transpose', attrs: perm ? { perm } : {}, inputs: [{ tensor: randomTensor(shape, 3) }] }));
    });
  }
  it('int64 data', async () => {
    const x = makeTensor('int64', [2, 2], [1, 2 ** 40, -3, 4]);
    expectMatch(await runBoth({ op: 'Transpose', inputs: [{ tensor: x }] }));
  });
  it('rejects a perm that is not a permutation', () => {
    expect(() => runOurs({ op: 'Transpose', attrs: { perm: [0, 0, 1] }, inputs: [{ tensor: randomTensor([2, 3, 4], 1) }] })).toThrow(
      /node "node" \(Transpose\): perm \[0,0,1\] is not a permutation/,
    );
  });
});

describe('stridedCopy agrees with its reference', () => {
  const cases: [number, number[], number[]][] = [
    [0, [12, 4, 1], [2, 3, 4]],
    [5, [1, 8], [4, 2]],
    [23, [-12, -1, 4], [2, 3, 2]],
    [0, [0, 1], [3, 6]],
    [7, [], []],
  ];
  for (const [offset, strides, shape] of cases) {
    it(`offset ${offset} strides [${strides}] shape [${shape}]`, () => {
      const src = Float64Array.from({ length: 40 }, (_, i) => i * 1.5);
      const n = shape.reduce((a, b) => a * b, 1);
      const fast = new Float64Array(n);
      const slow = new Float64Array(n);
      stridedCopy(src, offset, strides, shape, fast);
      stridedCopyReference(src, offset, strides, shape, slow);
      expect(Array.from(fast)).toEqual(Array.from(slow));
    });
  }
});

/** Expand and Tile against onnxruntime (exact: pure data movement), and their failure cases. */
import { describe, expect, it } from 'vitest';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { randomTensor } from '../helpers/random.js';
import { expectMatch, runBoth, runOurs } from './single-node.js';

const int64 = (values: number[]): Tensor => makeTensor('int64', [values.length], values);

describe('Expand broadcasts in both directions', () => {
  const cases: [number[], number[]][] = [
    [[3, 1], [2, 3, 4]],
    [[1], [5]],
    [[2, 1, 4], [3, 1]],
    [[4], [1, 1]],
    [[], [2, 2]],
    [[3, 1], [3, 0]],
  ];
  for (const [input, shape] of cases) {
    it(`[${input}] to [${shape}]`, async () => {
      const r = await runBoth({ op: 'Expand', inputs: [{ tensor: randomTensor(input, 1) }, { tensor: int64(shape), constant: true }] });
      expectMatch(r);
    });
  }
  it('int64 data', async () => {
    const x = makeTensor('int64', [2, 1], [2 ** 40, -3]);
    expectMatch(await runBoth({ op: 'Expand', inputs: [{ tensor: x }, { tensor: int64([2, 3]), constant: true }] }));
  });
  it('needs its shape before running, and a shape that broadcasts', () => {
    const x = randomTensor([3, 1], 1);
    expect(() => runOurs({ op: 'Expand', inputs: [{ tensor: x }, { tensor: int64([2, 3]) }] })).toThrow(
      /node "node" \(Expand\): the shape input must be known before running/,
    );
    expect(() => runOurs({ op: 'Expand', inputs: [{ tensor: x }, { tensor: int64([2, 4]), constant: true }] })).toThrow(
      /cannot expand to \[2,4\]/,
    );
  });
});

describe('Tile repeats along every axis', () => {
  const cases: [number[], number[]][] = [
    [[2, 3], [1, 1]],
    [[2, 3], [3, 2]],
    [[1, 2, 3], [2, 1, 3]],
    [[4], [0]],
    [[], []],
  ];
  for (const [input, repeats] of cases) {
    it(`[${input}] x [${repeats}]`, async () => {
      const r = await runBoth({ op: 'Tile', inputs: [{ tensor: randomTensor(input, 2) }, { tensor: int64(repeats), constant: true }] });
      expectMatch(r);
    });
  }
  it('rejects repeats of the wrong length', () => {
    const x = randomTensor([2, 3], 1);
    expect(() => runOurs({ op: 'Tile', inputs: [{ tensor: x }, { tensor: int64([2]), constant: true }] })).toThrow(
      /\(Tile\): repeats has 1 entries, the input has rank 2/,
    );
  });
});

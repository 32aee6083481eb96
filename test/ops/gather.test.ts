/** Gather against onnxruntime (exact) on every axis, with negative and multi-dimensional indices. */
import { describe, expect, it } from 'vitest';
import { makeTensor } from '../../src/ir/tensor.js';
import { randomTensor } from '../helpers/random.js';
import { expectMatch, runBoth, runOurs } from './single-node.js';

const data = randomTensor([4, 5, 6], 15);

describe('Gather', () => {
  const cases: [number, number[], number[], 'int64' | 'int32'][] = [
    [0, [3], [1, 0, 3], 'int64'],
    [1, [2, 2], [4, -1, 0, -5], 'int64'],
    [2, [], [-2], 'int32'],
    [-1, [4], [5, 5, 0, 1], 'int32'],
    [0, [0], [], 'int64'],
  ];
  for (const [axis, shape, indices, dtype] of cases) {
    for (const constant of [true, false]) {
      it(`axis ${axis} indices [${indices}] (${dtype}, ${constant ? 'constant' : 'graph input'})`, async () => {
        const idx = { tensor: makeTensor(dtype, shape, indices), constant };
        expectMatch(await runBoth({ op: 'Gather', attrs: { axis }, inputs: [{ tensor: data }, idx] }));
      });
    }
  }
  it('gathers from a shape vector, as the view(x.size(0), -1) chain does', async () => {
    const shape = makeTensor('int64', [4], [1, 3, 32, 32]);
    const idx = { tensor: makeTensor('int64', [], [0]), constant: true };
    expectMatch(await runBoth({ op: 'Gather', inputs: [{ tensor: shape }, idx] }));
  });
  it('rejects an index out of range, before or while running', () => {
    const known = { tensor: makeTensor('int64', [1], [4]), constant: true };
    expect(() => runOurs({ op: 'Gather', inputs: [{ tensor: data }, known] })).toThrow(
      /node "node" \(Gather\): index 4 is out of range for a dimension of size 4/,
    );
    const runtime = { tensor: makeTensor('int64', [1], [-7]) };
    expect(() => runOurs({ op: 'Gather', attrs: { axis: 1 }, inputs: [{ tensor: data }, runtime] })).toThrow(/index -7 is out of range/);
  });
});

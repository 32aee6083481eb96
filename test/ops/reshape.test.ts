/** Reshape, Flatten, Squeeze and Unsqueeze against onnxruntime (exact), and their failure cases. */
import { describe, expect, it } from 'vitest';
import { makeTensor } from '../../src/ir/tensor.js';
import { randomTensor } from '../helpers/random.js';
import { expectMatch, runBoth, runOurs, type Operand } from './single-node.js';

const ints = (values: number[], constant = true): Operand => ({ tensor: makeTensor('int64', [values.length], values), constant });
const x = randomTensor([2, 3, 4], 9);

describe('Reshape', () => {
  const cases: [number[], number[], number][] = [
    [[2, 3, 4], [6, 4], 0],
    [[2, 3, 4], [-1], 0],
    [[2, 3, 4], [0, -1], 0],
    [[2, 3, 4], [0, 0, 2, 2], 0],
    [[2, 3, 4], [4, -1, 2], 0],
    [[2, 0, 4], [0, 5], 1],
    [[2, 0, 4], [0, -1], 0],
  ];
  for (const [input, shape, allowzero] of cases) {
    it(`[${input}] to [${shape}] allowzero ${allowzero}`, async () => {
      const r = await runBoth({ op: 'Reshape', attrs: { allowzero }, inputs: [{ tensor: randomTensor(input, 1) }, ints(shape)], opset: 14 });
      expectMatch(r);
    });
  }
  it('needs its shape before running, and a shape of the same size', () => {
    expect(() => runOurs({ op: 'Reshape', inputs: [{ tensor: x }, ints([6, 4], false)] })).toThrow(
      /node "node" \(Reshape\): the shape input must be known before running/,
    );
    expect(() => runOurs({ op: 'Reshape', inputs: [{ tensor: x }, ints([5, -1])] })).toThrow(/cannot reshape \[2,3,4\] to \[5,-1\]/);
    expect(() => runOurs({ op: 'Reshape', inputs: [{ tensor: x }, ints([-1, -1])] })).toThrow(/shape \[-1,-1\] is invalid/);
  });
});

describe('Flatten', () => {
  for (const axis of [0, 1, 2, 3, -1, -3]) {
    it(`axis ${axis}`, async () => expectMatch(await runBoth({ op: 'Flatten', attrs: { axis }, inputs: [{ tensor: x }] })));
  }
  it('rejects an axis past the rank', () => {
    expect(() => runOurs({ op: 'Flatten', attrs: { axis: 4 }, inputs: [{ tensor: x }] })).toThrow(/\(Flatten\): axis 4 is out of range/);
  });
});

describe('Squeeze and Unsqueeze', () => {
  const y = randomTensor([1, 3, 1, 2, 1], 4);
  for (const axes of [undefined, [0], [2, -1], [0, 2, 4]]) {
    it(`Squeeze axes ${axes ? `[${axes}]` : 'absent'}`, async () => {
      expectMatch(await runBoth({ op: 'Squeeze', inputs: [{ tensor: y }, axes ? ints(axes) : undefined] }));
    });
  }
  for (const axes of [[0], [-1], [1, 3], [0, 4, -1], [4, 0]]) {
    it(`Unsqueeze axes [${axes}]`, async () => expectMatch(await runBoth({ op: 'Unsqueeze', inputs: [{ tensor: x }, ints(axes)] })));
  }
  it('Unsqueeze of a scalar', async () => {
    expectMatch(await runBoth({ op: 'Unsqueeze', inputs: [{ tensor: makeTensor('int64', [], [7]) }, ints([0])] }));
  });
  it('rejects squeezing a dimension that is not 1, and repeated unsqueeze axes', () => {
    expect(() => runOurs({ op: 'Squeeze', inputs: [{ tensor: y }, ints([1])] })).toThrow(/\(Squeeze\): cannot squeeze axis 1 of size 3/);
    expect(() => runOurs({ op: 'Unsqueeze', inputs: [{ tensor: x }, ints([0, -5])] })).toThrow(/\(Unsqueeze\): axes \[0, -5\] repeat an axis/);
  });
});

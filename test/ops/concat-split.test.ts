/** Concat and Split against onnxruntime (exact), over axes, uneven sizes and empty parts. */
import { describe, expect, it } from 'vitest';
import { makeTensor } from '../../src/ir/tensor.js';
import { randomTensor } from '../helpers/random.js';
import { expectMatch, runBoth, runOurs, type Operand } from './single-node.js';

describe('Concat', () => {
  const cases: [number, number[][]][] = [
    [0, [[2, 3], [4, 3]]],
    [1, [[2, 3], [2, 1], [2, 5]]],
    [-1, [[2, 3, 4], [2, 3, 2]]],
    [1, [[2, 0, 4], [2, 3, 4]]],
    [0, [[3]]],
  ];
  for (const [axis, shapes] of cases) {
    it(`axis ${axis} of ${shapes.map((s) => `[${s}]`).join(' ')}`, async () => {
      const inputs = shapes.map((s, i) => ({ tensor: randomTensor(s, i + 1) }));
      expectMatch(await runBoth({ op: 'Concat', attrs: { axis }, inputs }));
    });
  }
  it('int64 shape pieces', async () => {
    const a = makeTensor('int64', [1], [2]);
    const b = makeTensor('int64', [2], [-1, 2 ** 40]);
    expectMatch(await runBoth({ op: 'Concat', attrs: { axis: 0 }, inputs: [{ tensor: a }, { tensor: b }] }));
  });
  it('rejects shapes that differ outside the axis, and a missing axis', () => {
    const inputs = [{ tensor: randomTensor([2, 3], 1) }, { tensor: randomTensor([3, 3], 1) }];
    expect(() => runOurs({ op: 'Concat', attrs: { axis: 1 }, inputs })).toThrow(/node "node" \(Concat\): input shapes \[2,3\], \[3,3\] differ outside axis 1/);
    expect(() => runOurs({ op: 'Concat', inputs })).toThrow(/the axis attribute is required/);
  });
});

describe('Split', () => {
  const x = randomTensor([6, 4, 5], 8);
  const sizes = (s: number[]): Operand => ({ tensor: makeTensor('int64', [s.length], s), constant: true });
  const cases: [string, Record<string, number>, (Operand | undefined)[], number][] = [
    ['equal parts on axis 0', {}, [], 3],
    ['equal parts on axis -1', { axis: -1 }, [], 5],
    ['split sizes on axis 1', { axis: 1 }, [sizes([1, 3])], 2],
    ['split sizes with an empty part', { axis: 0 }, [sizes([2, 0, 4])], 3],
    ['num_outputs, uneven', { axis: 2, num_outputs: 2 }, [], 2],
    ['num_outputs, even', { axis: 0, num_outputs: 3 }, [], 3],
  ];
  for (const [name, attrs, extra, outputs] of cases) {
    // Opset 18 wants split or num_outputs; equal parts with neither is the opset-13 form, kept as is.
    const opset = extra.length === 0 && attrs.num_outputs === undefined ? 13 : 18;
    it(name, async () => expectMatch(await runBoth({ op: 'Split', attrs, inputs: [{ tensor: x }, ...extra], outputs, opset })));
  }
  it('rejects sizes that do not add up and an uneven equal split', () => {
    expect(() => runOurs({ op: 'Split', inputs: [{ tensor: x }, sizes([2, 3])] }, ['in0', 'in1'], ['a', 'b'])).toThrow(
      /node "node" \(Split\): split sizes \[2,3\] do not add up to the dimension 6/,
    );
    expect(() => runOurs({ op: 'Split', inputs: [{ tensor: x }] }, ['in0'], ['a', 'b', 'c', 'd'])).toThrow(
      /dimension 6 does not split into 4 equal parts/,
    );
  });
});

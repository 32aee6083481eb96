/**
 * Slice against onnxruntime (exact): negative and out-of-range starts/ends, INT64 sentinels,
 * negative steps, optional axes/steps, empty results; and the failure cases.
 */
import { describe, expect, it } from 'vitest';
import { makeTensor } from '../../src/ir/tensor.js';
import { randomTensor } from '../helpers/random.js';
import { expectMatch, runBoth, runOurs, type Operand } from './single-node.js';

const INT64_MAX = 2 ** 63 - 1;
const ints = (v: number[]): Operand => ({ tensor: makeTensor('int64', [v.length], v), constant: true });
const x = randomTensor([5, 6, 7], 12);

const cases: [string, number[], number[], number[] | undefined, number[] | undefined][] = [
  ['plain', [1, 0, 2], [4, 6, 5], undefined, undefined],
  ['one axis', [2], [4], [1], undefined],
  ['negative starts and ends', [-3, -5], [-1, -2], [0, 2], undefined],
  ['out of range clamps', [-100, 3], [100, 1000], [1, 2], undefined],
  ['INT64_MAX end', [1], [INT64_MAX], [0], undefined],
  ['steps of 2 and 3', [0, 1], [5, 7], [0, 2], [2, 3]],
  ['negative step, whole axis', [-1], [-INT64_MAX], [1], [-1]],
  ['negative step, partial', [4, 5], [0, 1], [0, 2], [-2, -3]],
  ['negative step from out of range', [100], [-100], [2], [-2]],
  ['empty result', [3], [1], [0], [1]],
  ['negative axes', [1], [3], [-2], undefined],
];

describe('Slice', () => {
  for (const [name, starts, ends, axes, steps] of cases) {
    it(name, async () => {
      const inputs = [{ tensor: x }, ints(starts), ints(ends), axes ? ints(axes) : undefined, steps ? ints(steps) : undefined];
      if (!axes && steps) inputs[3] = ints(starts.map((_, i) => i));
      expectMatch(await runBoth({ op: 'Slice', inputs }));
    });
  }
  it('starts and ends known only at run time are refused', () => {
    const runtime = { tensor: makeTensor('int64', [1], [0]) };
    expect(() => runOurs({ op: 'Slice', inputs: [{ tensor: x }, runtime, ints([2])] })).toThrow(
      /node "node" \(Slice\): the starts input must be known before running/,
    );
  });
  it('rejects a zero step and mismatched lengths', () => {
    expect(() => runOurs({ op: 'Slice', inputs: [{ tensor: x }, ints([0]), ints([2]), ints([0]), ints([0])] })).toThrow(/step for axis 0 is 0/);
    expect(() => runOurs({ op: 'Slice', inputs: [{ tensor: x }, ints([0, 1]), ints([2])] })).toThrow(/different lengths/);
  });
});

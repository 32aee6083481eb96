/** Pad against onnxruntime (exact) in its four modes, with crops, axes and constant values. */
import { describe, expect, it } from 'vitest';
import { makeTensor } from '../../src/ir/tensor.js';
import { randomTensor } from '../helpers/random.js';
import { expectMatch, runBoth, runOurs, type Operand } from './single-node.js';

const ints = (v: number[]): Operand => ({ tensor: makeTensor('int64', [v.length], v), constant: true });
const x = randomTensor([2, 3, 4], 13);

const cases: [string, number[], number[] | undefined][] = [
  ['all axes', [0, 1, 2, 1, 0, 2], undefined],
  ['last two axes by axes input', [1, 2, 1, 3], [1, 2]],
  ['negative axes', [2, 1], [-1]],
  ['crop with negative pads', [0, -1, 1, 0, 0, -2], undefined],
];

describe('Pad', () => {
  for (const mode of ['constant', 'reflect', 'edge', 'wrap']) {
    for (const [name, pads, axes] of cases) {
      it(`${mode}: ${name}`, async () => {
        const inputs = [{ tensor: x }, ints(pads), undefined, axes ? ints(axes) : undefined];
        expectMatch(await runBoth({ op: 'Pad', attrs: { mode }, inputs }));
      });
    }
  }
  it('constant_value input, float and int64', async () => {
    const value = { tensor: makeTensor('float32', [], [-2.5]), constant: true };
    expectMatch(await runBoth({ op: 'Pad', inputs: [{ tensor: x }, ints([1, 0, 0, 0, 2, 1]), value] }));
    const xi = makeTensor('int64', [2, 2], [1, 2, 3, 4]);
    const vi = { tensor: makeTensor('int64', [], [9]), constant: true };
    expectMatch(await runBoth({ op: 'Pad', inputs: [{ tensor: xi }, ints([1, 1, 0, 1]), vi] }));
  });
  it('reflect of a 1x3x3 image, as exported by torch ReflectionPad2d', async () => {
    const img = randomTensor([1, 1, 3, 3], 14);
    expectMatch(await runBoth({ op: 'Pad', attrs: { mode: 'reflect' }, inputs: [{ tensor: img }, ints([0, 0, 2, 2, 0, 0, 2, 2])] }));
  });
  it('rejects an unknown mode and pads of the wrong length', () => {
    expect(() => runOurs({ op: 'Pad', attrs: { mode: 'mirror' }, inputs: [{ tensor: x }, ints([0, 0, 0, 0, 0, 0])] })).toThrow(
      /node "node" \(Pad\): mode "mirror" is not one of constant, reflect, edge, wrap/,
    );
    expect(() => runOurs({ op: 'Pad', inputs: [{ tensor: x }, ints([1, 1])] })).toThrow(/pads has 2 entries, expected 6/);
  });
});

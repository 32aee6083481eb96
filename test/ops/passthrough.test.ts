/** Identity and inference-mode Dropout against onnxruntime (exact), and training-mode refusal. */
import { describe, expect, it } from 'vitest';
import { makeTensor } from '../../src/ir/tensor.js';
import { randomTensor } from '../helpers/random.js';
import { expectMatch, runBoth, runOurs } from './single-node.js';

const x = randomTensor([2, 3, 4], 5);
const ratio = (v: number) => ({ tensor: makeTensor('float32', [], [v]), constant: true });
const training = (v: number, constant = true) => ({ tensor: makeTensor('bool', [], [v]), constant });

describe('Identity and Dropout at inference', () => {
  it('Identity, float and int64', async () => {
    expectMatch(await runBoth({ op: 'Identity', inputs: [{ tensor: x }] }));
    expectMatch(await runBoth({ op: 'Identity', inputs: [{ tensor: makeTensor('int64', [3], [1, 2 ** 40, -3]) }] }));
  });
  it('Dropout with defaults', async () => expectMatch(await runBoth({ op: 'Dropout', inputs: [{ tensor: x }] })));
  it('Dropout with its mask output', async () => {
    expectMatch(await runBoth({ op: 'Dropout', inputs: [{ tensor: x }, ratio(0.3)], outputs: 2 }));
  });
  it('Dropout with training_mode false, and true with ratio 0', async () => {
    expectMatch(await runBoth({ op: 'Dropout', inputs: [{ tensor: x }, ratio(0.5), training(0)], outputs: 2 }));
    expectMatch(await runBoth({ op: 'Dropout', inputs: [{ tensor: x }, ratio(0), training(1)], outputs: 2 }));
  });
  it('refuses training-mode Dropout with a non-zero ratio, before or while running', () => {
    expect(() => runOurs({ op: 'Dropout', inputs: [{ tensor: x }, ratio(0.5), training(1)] })).toThrow(
      /node "node" \(Dropout\): training-mode Dropout \(ratio 0.5\) is random/,
    );
    expect(() => runOurs({ op: 'Dropout', inputs: [{ tensor: x }, undefined, training(1, false)] })).toThrow(/training-mode/);
  });
});

/**
 * LayerNormalization (opset 17) against onnxruntime: the default last axis, an earlier axis (so
 * several dimensions are normalised), a negative axis, with and without B, and the optional Mean and
 * InvStdDev outputs. Tolerance rtol 1e-4 / atol 1e-5.
 */
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import { randomTensor } from '../helpers/random.js';
import { expectMatch, runBoth, runOurs, type TestAttr } from './single-node.js';

const cases: [name: string, x: number[], normalized: number[], attrs: Record<string, TestAttr>, bias: boolean][] = [
  ['last axis with B', [2, 5, 16], [16], {}, true],
  ['last axis without B, epsilon 1e-3', [3, 7], [7], { epsilon: { float: 1e-3 } }, false],
  ['axis 1 of a 4-D input', [2, 3, 4, 5], [3, 4, 5], { axis: 1 }, true],
  ['axis -2', [2, 6, 4, 3], [4, 3], { axis: -2 }, true],
];

describe('LayerNormalization matches onnxruntime (rtol 1e-4, atol 1e-5)', () => {
  cases.forEach(([name, x, normalized, attrs, bias], i) => {
    for (const outputs of [1, 3]) {
      it(`${name}, ${outputs} output${outputs > 1 ? 's (Mean, InvStdDev)' : ''}`, async () => {
        const inputs = [
          { tensor: randomTensor(x, 1500 + i, -2, 3) },
          { tensor: randomTensor(normalized, 1600 + i), constant: true },
          ...(bias ? [{ tensor: randomTensor(normalized, 1700 + i), constant: true }] : []),
        ];
        expectMatch(await runBoth({ op: 'LayerNormalization', inputs, attrs, outputs, opset: 17 }), 1e-4, 1e-5);
      });
    }
  });
});

describe('LayerNormalization rejects bad models, naming the node', () => {
  it('a Scale that does not match the normalised shape', () => {
    const run = () => runOurs({ op: 'LayerNormalization', inputs: [{ tensor: randomTensor([2, 5], 1) }, { tensor: randomTensor([4], 2), constant: true }] });
    expect(run).toThrow(ModelError);
    expect(run).toThrow(/node "node" \(LayerNormalization\): Scale of shape \[4\] does not broadcast to the normalised shape \[5\]/);
  });
  it('an axis out of range', () => {
    const run = () => runOurs({ op: 'LayerNormalization', attrs: { axis: 2 }, inputs: [{ tensor: randomTensor([2, 5], 1) }, { tensor: randomTensor([5], 2), constant: true }] });
    expect(run).toThrow(/node "node" \(LayerNormalization\): axis 2 is out of range for rank 2/);
  });
});

/**
 * BatchNormalization (inference form) against onnxruntime on 4-D, 3-D and 2-D inputs (BatchNorm2d,
 * BatchNorm1d over sequences and over features), with a non-default epsilon. training_mode=1 and
 * mismatched statistics are ModelErrors naming the node. Tolerance rtol 1e-4 / atol 1e-5.
 */
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import { randomTensor } from '../helpers/random.js';
import { expectMatch, runBoth, runOurs, type TestAttr } from './single-node.js';

function inputs(shape: number[], seed: number, channels = shape[1]!) {
  return [
    { tensor: randomTensor(shape, seed, -3, 3) },
    { tensor: randomTensor([channels], seed + 1, 0.5, 2), constant: true },
    { tensor: randomTensor([channels], seed + 2), constant: true },
    { tensor: randomTensor([channels], seed + 3), constant: true },
    { tensor: randomTensor([channels], seed + 4, 0.1, 3), constant: true },
  ];
}

describe('BatchNormalization matches onnxruntime (rtol 1e-4, atol 1e-5)', () => {
  const cases: [string, number[], Record<string, TestAttr>][] = [
    ['4-D (N, C, H, W)', [2, 3, 5, 7], {}],
    ['3-D (N, C, L)', [2, 4, 9], { epsilon: { float: 1e-3 } }],
    ['2-D (N, C), as BatchNorm1d in an autoencoder', [5, 8], {}],
  ];
  cases.forEach(([name, shape, attrs], i) => {
    it(name, async () => {
      expectMatch(await runBoth({ op: 'BatchNormalization', inputs: inputs(shape, 10 * i), attrs, opset: 15 }), 1e-4, 1e-5);
    });
  });
});

describe('BatchNormalization rejects training graphs and bad statistics, naming the node', () => {
  it('training_mode=1', () => {
    const run = () => runOurs({ op: 'BatchNormalization', inputs: inputs([1, 3, 4, 4], 1), attrs: { training_mode: 1 } });
    expect(run).toThrow(ModelError);
    expect(run).toThrow(/node "node" \(BatchNormalization\): training_mode=1 is a training graph/);
  });
  it('statistics whose length is not the channel count', () => {
    const run = () => runOurs({ op: 'BatchNormalization', inputs: inputs([1, 3, 4, 4], 1, 4) });
    expect(run).toThrow(/node "node" \(BatchNormalization\): scale must have shape \[3\], found \[4\]/);
  });
});

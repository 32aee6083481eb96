/**
 * GlobalAveragePool and GlobalMaxPool against onnxruntime over 1-D, 2-D and 3-D spatial inputs
 * (the global pools take any spatial rank). Max is exact; average within rtol 1e-5 / atol 1e-6.
 */
import { describe, expect, it } from 'vitest';
import { randomTensor } from '../helpers/random.js';
import { expectMatch, runBoth, runOurs } from './single-node.js';

const shapes = [
  [2, 3, 5, 7],
  [1, 4, 9],
  [1, 2, 3, 4, 5],
  [1, 64, 1, 1],
];

describe('global pools match onnxruntime', () => {
  for (const shape of shapes) {
    it(`GlobalAveragePool [${shape}]`, async () => {
      expectMatch(await runBoth({ op: 'GlobalAveragePool', inputs: [{ tensor: randomTensor(shape, 1) }] }), 1e-5, 1e-6);
    });
    it(`GlobalMaxPool [${shape}]`, async () => {
      expectMatch(await runBoth({ op: 'GlobalMaxPool', inputs: [{ tensor: randomTensor(shape, 2) }] }));
    });
  }
  it('rejects an input without spatial axes, naming the node', () => {
    expect(() => runOurs({ op: 'GlobalAveragePool', inputs: [{ tensor: randomTensor([2, 3], 1) }] })).toThrow(
      /node "node" \(GlobalAveragePool\): input X must be \(N, C, D1, \.\.\.\)/,
    );
  });
});

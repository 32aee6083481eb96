/**
 * DepthToSpace against onnxruntime in both modes (DCR, CRD), blocksizes 2 and 3, on odd spatial
 * sizes. Pure data movement: exact.
 */
import { describe, expect, it } from 'vitest';
import { randomTensor } from '../helpers/random.js';
import { expectMatch, runBoth, runOurs } from './single-node.js';

describe('DepthToSpace matches onnxruntime exactly', () => {
  for (const mode of ['DCR', 'CRD']) {
    it(`${mode} blocksize 2 on [2, 8, 3, 5]`, async () => {
      expectMatch(await runBoth({ op: 'DepthToSpace', attrs: { blocksize: 2, mode }, inputs: [{ tensor: randomTensor([2, 8, 3, 5], 1) }] }));
    });
    it(`${mode} blocksize 3 on [1, 18, 4, 3]`, async () => {
      expectMatch(await runBoth({ op: 'DepthToSpace', attrs: { blocksize: 3, mode }, inputs: [{ tensor: randomTensor([1, 18, 4, 3], 2) }] }));
    });
  }
  it('rejects channels not divisible by blocksize^2, and a missing blocksize, naming the node', () => {
    const run = (attrs: Record<string, number>) => () => runOurs({ op: 'DepthToSpace', attrs, inputs: [{ tensor: randomTensor([1, 6, 2, 2], 1) }] });
    expect(run({ blocksize: 2 })).toThrow(/node "node" \(DepthToSpace\): input channels 6 are not divisible by blocksize\^2 = 4/);
    expect(run({})).toThrow(/node "node" \(DepthToSpace\): attribute blocksize is required/);
  });
});

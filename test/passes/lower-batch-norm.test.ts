import { describe, expect, it } from 'vitest';
import { EDGEC_DOMAIN } from '../../src/ir/graph.js';
import { lowerBatchNorm } from '../../src/passes/lower-batch-norm.js';
import { randomTensor } from '../helpers/random.js';
import { applyPass, buildGraph, expectMatchesOrt, float, node, opsOf, randomFeeds } from './harness.js';

const params = (c: number, seed: number) => ({
  scale: randomTensor([c], seed, 0.5, 2),
  bias: randomTensor([c], seed + 1),
  mean: randomTensor([c], seed + 2),
  var: randomTensor([c], seed + 3, 0.1, 2),
});
const bnNode = (x: string, y: string) =>
  node('BatchNormalization', [x, 'scale', 'bias', 'mean', 'var'], [y], { epsilon: float(1e-5) }, 'bn');

describe('lower-batch-norm (and the ChannelAffine op it produces)', () => {
  it('turns a BN on a graph input into ChannelAffine(x, a, b) that matches onnxruntime BatchNormalization', async () => {
    const graph = buildGraph({
      inputs: { x: [2, 3, 4, 5] },
      outputs: ['y'],
      inits: params(3, 1),
      nodes: [bnNode('x', 'y')],
    });
    const { after, changed } = applyPass(lowerBatchNorm, graph);
    expect(changed).toBe(true);
    const affine = after.nodes[0]!;
    expect([affine.op, affine.domain, affine.name, affine.outputs]).toEqual(['ChannelAffine', EDGEC_DOMAIN, 'bn', ['y']]);
    expect(Array.from(affine.meta!.batchNorm!.variance)).toEqual(Array.from(graph.initializers.get('var')!.data));
    // a = scale / sqrt(var + eps), b = bias - mean * a, by hand for channel 2.
    const [s, b, m, v] = ['scale', 'bias', 'mean', 'var'].map((k) => graph.initializers.get(k)!.data[2]!) as [number, number, number, number];
    const a2 = s / Math.sqrt(v + 1e-5);
    expect(after.initializers.get(affine.inputs[1]!)!.data[2]).toBeCloseTo(a2, 6);
    expect(after.initializers.get(affine.inputs[2]!)!.data[2]).toBeCloseTo(b - m * a2, 6);
    await expectMatchesOrt(graph, after, randomFeeds(graph, 3, -4, 4));
  });

  it('lowers a BN after an Add (nothing to fold into) on a 2-D and a 3-D input', async () => {
    const graph = buildGraph({
      inputs: { x: [4, 3], z: [2, 3, 7] },
      outputs: ['y', 'w'],
      inits: params(3, 5),
      nodes: [node('Add', ['x', 'x'], ['t']), bnNode('t', 'y'), { ...bnNode('z', 'w'), name: 'bn3d' }],
    });
    const { after } = applyPass(lowerBatchNorm, graph);
    expect(opsOf(after)).toEqual(['Add', 'ChannelAffine', 'ChannelAffine']);
    await expectMatchesOrt(graph, after, randomFeeds(graph));
  });

  it('declines a BN whose statistics are not constant', () => {
    const graph = buildGraph({
      inputs: { x: [1, 3, 2, 2], runtimeMean: [3] },
      outputs: ['y'],
      inits: params(3, 9),
      nodes: [node('BatchNormalization', ['x', 'scale', 'bias', 'runtimeMean', 'var'], ['y'])],
    });
    const { changed } = applyPass(lowerBatchNorm, graph);
    expect(changed).toBe(false);
  });
});

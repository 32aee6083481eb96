import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/ir/tensor.js';
import { foldBatchNorm } from '../../src/passes/fold-batch-norm.js';
import { randomTensor } from '../helpers/random.js';
import { applyPass, buildGraph, expectMatchesOrt, f32, float, int, ints, node, opsOf, randomFeeds } from './harness.js';

/** BN parameters for C channels: scale, bias, mean, var (> 0), seeded. */
function bnParams(prefix: string, channels: number, seed: number): Record<string, Tensor> {
  return {
    [`${prefix}_scale`]: randomTensor([channels], seed, 0.5, 2),
    [`${prefix}_bias`]: randomTensor([channels], seed + 1),
    [`${prefix}_mean`]: randomTensor([channels], seed + 2),
    [`${prefix}_var`]: randomTensor([channels], seed + 3, 0.2, 3),
  };
}
const bn = (x: string, y: string, prefix = 'bn', epsilon = 1e-3) =>
  node('BatchNormalization', [x, `${prefix}_scale`, `${prefix}_bias`, `${prefix}_mean`, `${prefix}_var`], [y], { epsilon: float(epsilon) }, prefix);

describe('fold-batch-norm', () => {
  it('folds into a Conv with bias: W and B rescaled, BN statistics kept on the Conv', async () => {
    const graph = buildGraph({
      inputs: { x: [1, 2, 5, 5] },
      outputs: ['y'],
      inits: { W: randomTensor([3, 2, 3, 3], 1), B: randomTensor([3], 2), ...bnParams('bn', 3, 10) },
      nodes: [node('Conv', ['x', 'W', 'B'], ['t'], { pads: ints(1, 1, 1, 1) }, 'conv'), bn('t', 'y')],
    });
    const { after, changed } = applyPass(foldBatchNorm, graph);
    expect(changed).toBe(true);
    expect(opsOf(after)).toEqual(['Conv']);
    const conv = after.nodes[0]!;
    expect(conv.outputs).toEqual(['y']);
    expect(conv.attrs.pads).toEqual(ints(1, 1, 1, 1));
    expect(Array.from(conv.meta!.batchNorm!.mean)).toEqual(Array.from(graph.initializers.get('bn_mean')!.data));
    expect(conv.meta!.batchNorm!.epsilon).toBeCloseTo(1e-3, 9);
    // Hand check of one weight: W'[c] = W[c] * scale[c] / sqrt(var[c] + eps).
    const [w, wNew, s, v] = [graph.initializers.get('W')!, after.initializers.get(conv.inputs[1]!)!, graph.initializers.get('bn_scale')!, graph.initializers.get('bn_var')!];
    expect(wNew.data[18 + 4]).toBeCloseTo((w.data[18 + 4]! * s.data[1]!) / Math.sqrt(v.data[1]! + 1e-3), 6);
    await expectMatchesOrt(graph, after, randomFeeds(graph));
  });

  it('folds into a bias-less depthwise Conv and into a grouped ConvTranspose', async () => {
    const graph = buildGraph({
      inputs: { x: [1, 4, 4, 4] },
      outputs: ['y'],
      inits: {
        Wd: randomTensor([4, 1, 3, 3], 3),
        Wt: randomTensor([4, 3, 2, 2], 4),
        ...bnParams('bn1', 4, 20),
        ...bnParams('bn2', 6, 30),
      },
      nodes: [
        node('Conv', ['x', 'Wd'], ['t1'], { group: int(4), pads: ints(1, 1, 1, 1) }, 'dw'),
        bn('t1', 'u', 'bn1'),
        node('ConvTranspose', ['u', 'Wt'], ['t2'], { group: int(2), strides: ints(2, 2) }, 'up'),
        bn('t2', 'y', 'bn2'),
      ],
    });
    const { after } = applyPass(foldBatchNorm, graph);
    expect(opsOf(after)).toEqual(['Conv', 'ConvTranspose']);
    expect(after.nodes.map((n) => n.inputs.length)).toEqual([3, 3]);
    expect(after.nodes.every((n) => n.meta?.batchNorm !== undefined)).toBe(true);
    await expectMatchesOrt(graph, after, randomFeeds(graph));
  });

  it('folds into Gemm (transB, alpha, beta, per-row C) and turns MatMul + BN into a Gemm', async () => {
    const graph = buildGraph({
      inputs: { x: [4, 5] },
      outputs: ['y1', 'y2', 'y3'],
      inits: {
        Bt: randomTensor([3, 5], 5),
        C: randomTensor([3], 6),
        B: randomTensor([5, 3], 7),
        Crow: randomTensor([4, 1], 8),
        M: randomTensor([5, 3], 9),
        ...bnParams('bn1', 3, 40),
        ...bnParams('bn2', 3, 50),
        ...bnParams('bn3', 3, 60),
      },
      nodes: [
        node('Gemm', ['x', 'Bt', 'C'], ['t1'], { transB: int(1) }, 'fc1'),
        bn('t1', 'y1', 'bn1'),
        node('Gemm', ['x', 'B', 'Crow'], ['t2'], { alpha: float(0.5), beta: float(2) }, 'fc2'),
        bn('t2', 'y2', 'bn2'),
        node('MatMul', ['x', 'M'], ['t3'], {}, 'mm'),
        bn('t3', 'y3', 'bn3'),
      ],
    });
    const { after } = applyPass(foldBatchNorm, graph);
    expect(opsOf(after)).toEqual(['Gemm', 'Gemm', 'Gemm']);
    expect(after.nodes[1]!.attrs.beta).toEqual(float(1));
    expect(after.initializers.get(after.nodes[1]!.inputs[2]!)!.shape).toEqual([4, 3]);
    expect(after.initializers.get(after.nodes[2]!.inputs[2]!)!.shape).toEqual([3]);
    expect(after.nodes[2]!.name).toBe('mm');
    await expectMatchesOrt(graph, after, randomFeeds(graph));
  });

  it('declines: the Conv output has a second reader, non-constant BN parameters, a 3-D MatMul, a non-constant weight', () => {
    const graph = buildGraph({
      inputs: { x: [1, 2, 4, 4], s: [2], h: [2, 3, 2], w: [2, 2, 1, 1] },
      outputs: ['y1', 'y2', 'y3', 'y4'],
      inits: { W: randomTensor([2, 2, 1, 1], 1), M: randomTensor([2, 2], 2), ...bnParams('bn', 2, 70), ...bnParams('bn3', 3, 80) },
      nodes: [
        node('Conv', ['x', 'W'], ['t1'], {}, 'c1'),
        bn('t1', 'b1'),
        node('Add', ['b1', 't1'], ['y1']),
        node('Conv', ['x', 'W'], ['t2'], {}, 'c2'),
        node('BatchNormalization', ['t2', 's', 'bn_bias', 'bn_mean', 'bn_var'], ['y2'], {}, 'bn_runtime_scale'),
        node('MatMul', ['h', 'M'], ['t3'], {}, 'mm3d'),
        bn('t3', 'y3', 'bn3'),
        node('Conv', ['x', 'w'], ['t4'], {}, 'c4'),
        bn('t4', 'y4'),
      ],
    });
    const feeds = { ...randomFeeds(graph), s: f32([2], [0.5, 1.5]) };
    const { after, changed } = applyPass(foldBatchNorm, graph, feeds);
    expect(changed).toBe(false);
    expect(opsOf(after).filter((op) => op === 'BatchNormalization')).toHaveLength(4);
  });
});

import { describe, expect, it } from 'vitest';
import { fuseMatMulAdd } from '../../src/passes/fuse-matmul-add.js';
import { randomTensor } from '../helpers/random.js';
import { applyPass, buildGraph, expectMatchesOrt, node, opsOf, randomFeeds } from './harness.js';

describe('fuse-matmul-add', () => {
  it('MatMul(x, W) + b becomes Gemm(x, W, b), either Add operand order, b of shape [N] or [M, 1]', async () => {
    const graph = buildGraph({
      inputs: { x: [4, 5] },
      outputs: ['y1', 'y2'],
      inits: { W: randomTensor([5, 3], 1), b: randomTensor([3], 2), bcol: randomTensor([4, 1], 3) },
      nodes: [
        node('MatMul', ['x', 'W'], ['t1'], {}, 'dense1'),
        node('Add', ['t1', 'b'], ['y1']),
        node('MatMul', ['x', 'W'], ['t2'], {}, 'dense2'),
        node('Add', ['bcol', 't2'], ['y2']),
      ],
    });
    const { after, changed } = applyPass(fuseMatMulAdd, graph);
    expect(changed).toBe(true);
    expect(opsOf(after)).toEqual(['Gemm', 'Gemm']);
    expect(after.nodes.map((n) => [n.name, n.inputs, n.outputs])).toEqual([
      ['dense1', ['x', 'W', 'b'], ['y1']],
      ['dense2', ['x', 'W', 'bcol'], ['y2']],
    ]);
    expect(after.nodes[0]!.attrs).toEqual({});
    await expectMatchesOrt(graph, after, randomFeeds(graph));
  });

  it('declines: a 3-D input, a non-constant bias, a MatMul output read twice, a bias that enlarges the output', () => {
    const graph = buildGraph({
      inputs: { x3: [2, 4, 5], x: [4, 5], runtimeBias: [3] },
      outputs: ['y1', 'y2', 'y3', 'y4'],
      inits: { W: randomTensor([5, 3], 1), b: randomTensor([3], 2), wide: randomTensor([2, 4, 3], 3) },
      nodes: [
        node('MatMul', ['x3', 'W'], ['t1']),
        node('Add', ['t1', 'b'], ['y1']),
        node('MatMul', ['x', 'W'], ['t2']),
        node('Add', ['t2', 'runtimeBias'], ['y2']),
        node('MatMul', ['x', 'W'], ['t3']),
        node('Add', ['t3', 'b'], ['a3']),
        node('Mul', ['a3', 't3'], ['y3']),
        node('MatMul', ['x', 'W'], ['t4']),
        node('Add', ['t4', 'wide'], ['y4']),
      ],
    });
    const { changed } = applyPass(fuseMatMulAdd, graph);
    expect(changed).toBe(false);
  });
});

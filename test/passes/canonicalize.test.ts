import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalize, PASSES } from '../../src/passes/index.js';
import { randomTensor } from '../helpers/random.js';
import { buildGraph, expectMatchesOrt, expectSameOutputs, expectWellFormed, f32, float, i64, int, ints, node, opsOf, randomFeeds } from './harness.js';

/** A small CNN with everything canonicalisation removes, the way exporters write it. */
function exporterStyleCnn() {
  return buildGraph({
    inputs: { x: [1, 3, 8, 8] },
    outputs: ['logits'],
    inits: {
      W1: randomTensor([4, 3, 3, 3], 1),
      scale: randomTensor([4], 2, 0.5, 2),
      bias: randomTensor([4], 3),
      mean: randomTensor([4], 4),
      var: randomTensor([4], 5, 0.2, 2),
      p: i64([0, 0, 1, 1, 0, 0, 1, 1]),
      W2: randomTensor([100, 5], 6),
      b2: randomTensor([5], 7),
      zero: i64([0], []),
      axes0: i64([0]),
      minusOne: i64([-1]),
      lo: f32([], [0]),
      hi: f32([], [6]),
    },
    nodes: [
      node('Conv', ['x', 'W1'], ['c1'], { pads: ints(1, 1, 1, 1) }, 'conv1'),
      node('BatchNormalization', ['c1', 'scale', 'bias', 'mean', 'var'], ['b1'], { epsilon: float(1e-5) }, 'bn1'),
      node('Clip', ['b1', 'lo', 'hi'], ['r1'], {}, 'relu6'),
      node('Identity', ['r1'], ['i1']),
      node('Pad', ['i1', 'p'], ['p1']),
      node('MaxPool', ['p1'], ['m1'], { kernel_shape: ints(2, 2), strides: ints(2, 2) }, 'pool'),
      node('Shape', ['m1'], ['shape']),
      node('Gather', ['shape', 'zero'], ['batch'], { axis: int(0) }),
      node('Unsqueeze', ['batch', 'axes0'], ['batch1']),
      node('Concat', ['batch1', 'minusOne'], ['target'], { axis: int(0) }),
      node('Reshape', ['m1', 'target'], ['flat']),
      node('Dropout', ['flat'], ['dropped']),
      node('MatMul', ['dropped', 'W2'], ['mm'], {}, 'fc'),
      node('Add', ['mm', 'b2'], ['fcb']),
      node('Relu', ['fcb'], ['logits']),
    ],
  });
}

describe('canonicalize', () => {
  it('reduces an exporter-style CNN to Conv(+BN, ReLU6) -> MaxPool(pads) -> Reshape -> Gemm(+Relu), same outputs', async () => {
    const graph = exporterStyleCnn();
    const snapshot = JSON.stringify(opsOf(graph));
    const canonical = canonicalize(graph);
    expect(opsOf(canonical)).toEqual(['Conv', 'MaxPool', 'Reshape', 'Gemm']);
    expect(canonical.nodes.map((n) => n.activation)).toEqual([{ kind: 'clip', min: 0, max: 6 }, undefined, undefined, { kind: 'relu' }]);
    expect(canonical.nodes[0]!.meta?.batchNorm).toBeDefined();
    expect(canonical.nodes[1]!.attrs.pads).toEqual(ints(1, 1, 1, 1));
    expect(canonical.nodes.at(-1)!.outputs).toEqual(['logits']);
    // Only live initializers remain: conv W and B, the reshape target, the Gemm's W and bias.
    expect(canonical.initializers.size).toBe(5);
    expect(JSON.stringify(opsOf(graph))).toBe(snapshot); // the input graph is untouched
    expectWellFormed(canonical);
    expectSameOutputs(graph, canonical, randomFeeds(graph));
    await expectMatchesOrt(graph, canonical, randomFeeds(graph, 11));
  });

  it('is a fixed point: canonicalising again changes nothing, and every pass declines on the result', () => {
    const canonical = canonicalize(exporterStyleCnn());
    expect(opsOf(canonicalize(canonical))).toEqual(opsOf(canonical));
    for (const pass of PASSES) expect(`${pass.name}: ${pass.run(canonical)}`).toBe(`${pass.name}: false`);
  });

  it('lists every pass by the name of its file', () => {
    expect(PASSES.length).toBeGreaterThanOrEqual(9);
    for (const pass of PASSES) expect(existsSync(new URL(`../../src/passes/${pass.name}.ts`, import.meta.url))).toBe(true);
  });
});

/**
 * Small graphs for the synthesis tests, built in memory (canonical form: fused activations, BN
 * statistics in node.meta as fold-batch-norm leaves them):
 * - bnConvNet: Conv+ReLU6 and Conv+ReLU, each with kept BN statistics, GAP, Flatten, Gemm -> 3
 *   classes. The statistics are those of a hidden data set of smooth images (sinusoids, 0.3 +- 0.25),
 *   measured through the net, as a trained BN's running statistics are: so they are reachable;
 * - smallClassifier: Conv+ReLU, depthwise+ReLU, GAP, Flatten, Gemm -> 5 classes (penultimate 6);
 * - regressor: Gemm+ReLU, Gemm+ReLU, Gemm -> 1 value.
 */
import { channelStatistics } from '../../src/distill/synthesis/losses.js';
import { inferTypes } from '../../src/engine/infer-types.js';
import { runGraph } from '../../src/engine/run-graph.js';
import { makeGraph, type Graph, type Node } from '../../src/ir/graph.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { withBatch } from '../../src/train/batch.js';
import { rng } from '../../src/util/random.js';
import { randomTensor } from '../helpers/random.js';

const ints = (value: number[]) => ({ kind: 'ints' as const, value });
const conv = (name: string, input: string, output: string, attrs: Node['attrs'], activation?: Node['activation']): Node => ({
  name,
  op: 'Conv',
  domain: '',
  inputs: [input, `${name}_w`, `${name}_b`],
  outputs: [output],
  attrs,
  ...(activation ? { activation } : {}),
});
const gemm = (name: string, input: string, output: string, activation?: Node['activation']): Node => ({
  name,
  op: 'Gemm',
  domain: '',
  inputs: [input, `${name}_w`, `${name}_b`],
  outputs: [output],
  attrs: { transB: { kind: 'int', value: 1 } },
  ...(activation ? { activation } : {}),
});

function build(inputShape: number[], outputShape: number[], nodes: Node[], weights: [string, number[]][], seed: number): Graph {
  const initializers = new Map(weights.map(([name, shape], k) => [name, randomTensor(shape, seed * 100 + k, -0.6, 0.6)] as const));
  const graph = makeGraph({ inputs: [{ name: 'x', dtype: 'float32', shape: inputShape }], outputs: [{ name: 'y', dtype: 'float32', shape: outputShape }], initializers, nodes });
  inferTypes(graph);
  return graph;
}

/** Smooth images on [0, 1]: a sinusoid per sample and channel. */
function smoothImages(count: number, channels: number, size: number, seed: number): Float32Array {
  const random = rng(seed);
  const x = new Float32Array(count * channels * size * size);
  for (let p = 0; p < count * channels; p++) {
    const [a, b, phase] = [random() * 1.5, random() * 1.5, random() * 6.28];
    for (let h = 0; h < size; h++) for (let w = 0; w < size; w++) x[p * size * size + h * size + w] = 0.3 + 0.25 * Math.sin(a * h + b * w + phase);
  }
  return x;
}

export function bnConvNet(): Graph {
  const graph = build(
    [1, 2, 8, 8],
    [1, 3],
    [
      conv('c1', 'x', 'h1', { pads: ints([1, 1, 1, 1]) }, { kind: 'clip', min: 0, max: 6 }),
      conv('c2', 'h1', 'h2', { pads: ints([1, 1, 1, 1]), strides: ints([2, 2]) }, { kind: 'relu' }),
      { name: 'gap', op: 'GlobalAveragePool', domain: '', inputs: ['h2'], outputs: ['p'], attrs: {} },
      { name: 'flat', op: 'Flatten', domain: '', inputs: ['p'], outputs: ['f'], attrs: {} },
      gemm('fc', 'f', 'y'),
    ],
    [['c1_w', [6, 2, 3, 3]], ['c1_b', [6]], ['c2_w', [4, 6, 3, 3]], ['c2_b', [4]], ['fc_w', [3, 4]], ['fc_b', [3]]],
    1,
  );
  // The hidden data's statistics of each layer's output before its activation.
  const plain = { ...graph, nodes: graph.nodes.map((n) => ({ ...n, activation: undefined }) as Node) };
  const batched = withBatch(plain, 64);
  const data = makeTensor('float32', [64, 2, 8, 8], smoothImages(64, 2, 8, 11));
  // c2's input is c1's output after ReLU6, as in the real net: run c1 with its activation.
  const withC1 = withBatch({ ...graph, nodes: graph.nodes.map((n) => (n.name === 'c1' ? n : ({ ...n, activation: undefined } as Node))) }, 64);
  const statsOf = (g: Graph, value: string) => channelStatistics(runGraph(g, { x: data }, { keepAll: true }).get(value)!);
  for (const [node, stats] of [
    [graph.nodes[0]!, statsOf(batched, 'h1')],
    [graph.nodes[1]!, statsOf(withC1, 'h2')],
  ] as const) {
    const channels = stats.mean.length;
    node.meta = {
      batchNorm: { mean: new Float32Array(channels), variance: new Float32Array(channels).fill(1), scale: Float32Array.from(stats.std), bias: Float32Array.from(stats.mean), epsilon: 0 },
    };
  }
  return graph;
}

export function smallClassifier(seed = 5): Graph {
  const graph = build(
    [1, 2, 8, 8],
    [1, 5],
    [
      conv('c1', 'x', 'h1', { pads: ints([1, 1, 1, 1]), strides: ints([2, 2]) }, { kind: 'relu' }),
      conv('dw', 'h1', 'h2', { pads: ints([1, 1, 1, 1]), group: { kind: 'int', value: 6 } }, { kind: 'relu' }),
      { name: 'gap', op: 'GlobalAveragePool', domain: '', inputs: ['h2'], outputs: ['p'], attrs: {} },
      { name: 'flat', op: 'Flatten', domain: '', inputs: ['p'], outputs: ['f'], attrs: {} },
      gemm('fc', 'f', 'y'),
    ],
    [['c1_w', [6, 2, 3, 3]], ['c1_b', [6]], ['dw_w', [6, 1, 3, 3]], ['dw_b', [6]], ['fc_w', [5, 6]], ['fc_b', [5]]],
    seed,
  );
  // Class c reads feature c most (plus noise), so every class is reachable, as in a trained net.
  const fc = graph.initializers.get('fc_w')!;
  for (let i = 0; i < fc.data.length; i++) fc.data[i] = 0.2 * fc.data[i]! + (i % 6 === Math.floor(i / 6) ? 1.5 : 0);
  return graph;
}

export function regressor(): Graph {
  return build(
    [1, 16],
    [1, 1],
    [gemm('g1', 'x', 'h1', { kind: 'relu' }), gemm('g2', 'h1', 'h2', { kind: 'relu' }), gemm('g3', 'h2', 'y')],
    [['g1_w', [8, 16]], ['g1_b', [8]], ['g2_w', [4, 8]], ['g2_b', [4]], ['g3_w', [1, 4]], ['g3_b', [1]]],
    3,
  );
}

/**
 * Cross-layer equalisation (Nagel et al., "Data-Free Quantization Through Weight Equalization and
 * Bias Correction", arXiv:1906.04721 §4.1). For a layer A whose output channel i feeds layer B's
 * input channel i through ops that commute with a positive per-channel scale (ReLU, max/average
 * pooling, Flatten), A(x)/s then B with B's input channel i times s computes the same function.
 * Choosing s_i = sqrt(r1_i / r2_i), with r1_i = max|W_A[i, ...]| (A's output channel i, bias
 * included in the scaling) and r2_i = max|W_B[:, i, ...]| (B's input channel i), gives both
 * channels the range sqrt(r1_i r2_i): per-channel weight ranges even out, which is what per-channel
 * int4/int2 grids need. Sweeps over all pairs repeat until the scales settle (chains such as
 * conv -> depthwise -> pointwise couple their pairs).
 *
 * Pairs: A = Conv (any group) or Gemm with a constant weight and a fused Relu or none (Clip is not
 * scale-equivariant, so ReLU6 layers are left alone); B = Conv (any group, incl. depthwise) or
 * Gemm reading the chain as its data input; every value on the chain has one reader and is not a
 * graph output; the weights are read by A and B alone. A's kept BatchNorm statistics are scaled
 * with its output (gamma and beta by 1/s), so data-free synthesis still matches them.
 * Returns a new graph (the input graph is not changed) and the pairs equalised.
 */
import { addInitializer, cloneGraph, type Graph, type Node } from '../ir/graph.js';
import { makeTensor } from '../ir/tensor.js';
import { readersOf, soleReader } from '../passes/graph-edit.js';
import { channelMap, inputChannelMap, outputChannelSpan, weightParts, type WeightParts } from './equalization-layout.js';

const PASS_THROUGH = new Set(['MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'Flatten']);
const SWEEPS = 20;
const SETTLED = 1e-6;

export interface EqualizationPair {
  first: string;
  second: string;
}

export function equalizeCrossLayer(graph: Graph): { graph: Graph; pairs: EqualizationPair[] } {
  const out = cloneGraph(graph);
  const pairs = findPairs(out);
  if (pairs.length === 0) return { graph: out, pairs: [] };
  const parts = new Map<Node, WeightParts>();
  for (const { a, b } of pairs) for (const n of [a, b]) if (!parts.has(n)) parts.set(n, weightParts(out, n));
  const outputScale = new Map<Node, Float64Array>();
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    let largest = 0;
    for (const { a, b, channelOf } of pairs) {
      const pa = parts.get(a)!;
      const pb = parts.get(b)!;
      const channels = pa.channels;
      const r1 = new Float64Array(channels);
      const r2 = new Float64Array(channels);
      outputChannelSpan(pa, (c, i) => (r1[c] = Math.max(r1[c]!, Math.abs(pa.weight[i]!))));
      inputChannelMap(pb, channelOf, (c, i) => (r2[c] = Math.max(r2[c]!, Math.abs(pb.weight[i]!))));
      const s = Float64Array.from(r1, (v, c) => (v > 0 && r2[c]! > 0 ? Math.sqrt(v / r2[c]!) : 1));
      outputChannelSpan(pa, (c, i) => (pa.weight[i] = pa.weight[i]! / s[c]!));
      if (pa.bias) for (let c = 0; c < channels; c++) pa.bias[c] = pa.bias[c]! / s[c]!;
      inputChannelMap(pb, channelOf, (c, i) => (pb.weight[i] = pb.weight[i]! * s[c]!));
      const total = outputScale.get(a) ?? new Float64Array(channels).fill(1);
      for (let c = 0; c < channels; c++) {
        total[c] = total[c]! * s[c]!;
        largest = Math.max(largest, Math.abs(Math.log(s[c]!)));
      }
      outputScale.set(a, total);
    }
    if (largest < SETTLED) break;
  }
  for (const [node, p] of parts) writeBack(out, node, p, outputScale.get(node));
  return { graph: out, pairs: pairs.map(({ a, b }) => ({ first: a.name, second: b.name })) };
}

interface Pair {
  a: Node;
  b: Node;
  /** B's input channel index -> A's output channel (through Flatten: many inputs per channel). */
  channelOf: (bInput: number) => number;
}

function isWeightedLayer(graph: Graph, node: Node): boolean {
  if (node.domain !== '' || (node.op !== 'Conv' && node.op !== 'Gemm')) return false;
  const w = graph.initializers.get(node.inputs[1] ?? '');
  if (!w || w.dtype !== 'float32') return false;
  const bias = node.inputs[2];
  if (bias && !graph.initializers.has(bias)) return false;
  // Weights shared with other nodes cannot be rescaled for this pair alone.
  return [node.inputs[1]!, ...(bias ? [bias] : [])].every((name) => readersOf(graph, name).length === 1);
}

function findPairs(graph: Graph): Pair[] {
  const pairs: Pair[] = [];
  for (const a of graph.nodes) {
    if (!isWeightedLayer(graph, a) || (a.activation && a.activation.kind !== 'relu')) continue;
    let value = a.outputs[0]!;
    let reader = soleReader(graph, value);
    while (reader && PASS_THROUGH.has(reader.op) && reader.domain === '' && (!reader.activation || reader.activation.kind === 'relu')) {
      value = reader.outputs[0]!;
      reader = soleReader(graph, value);
    }
    if (!reader || reader.inputs[0] !== value || !isWeightedLayer(graph, reader)) continue;
    const channelOf = channelMap(graph, a, reader, value);
    if (channelOf) pairs.push({ a, b: reader, channelOf });
  }
  return pairs;
}

/** New initializers for the rescaled weight and bias; A's kept BN statistics follow its output. */
function writeBack(graph: Graph, node: Node, p: WeightParts, scale: Float64Array | undefined): void {
  const w = graph.initializers.get(node.inputs[1]!)!;
  node.inputs[1] = addInitializer(graph, `${node.name}_W_cle`, makeTensor('float32', w.shape, p.weight));
  if (p.bias && node.inputs[2]) {
    const b = graph.initializers.get(node.inputs[2])!;
    node.inputs[2] = addInitializer(graph, `${node.name}_B_cle`, makeTensor('float32', b.shape, p.bias));
  }
  const bn = node.meta?.batchNorm;
  if (bn && scale) {
    node.meta = {
      ...node.meta,
      batchNorm: { ...bn, scale: bn.scale.map((v, c) => v / scale[c]!), bias: bn.bias.map((v, c) => v / scale[c]!) },
    };
  }
}

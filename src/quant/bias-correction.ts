/**
 * Empirical bias correction (Nagel et al., arXiv:1906.04721 §4.2, the empirical variant): weight
 * quantization shifts each output channel's mean by E[(W_q - W) x]; subtracting that expectation
 * from the bias removes the shift. The expectation is measured on sample inputs (synthetic data in
 * the data-free pipeline) with the fp32 model's own activations: for every Conv and Gemm with a
 * constant weight, its input is recorded over the samples, the layer's op is run with the weight
 * error W_q - W alone (no bias, no activation), and the per-channel mean of that output is taken
 * off the bias (a Gemm's C by that mean / beta; a missing bias is added).
 *
 * W_q is exactly what the integer pipeline will use (quant/weights.ts quantizeWeights with the
 * layer's bits and group size, Gemm's alpha folded in as its integer facet does), and the weights
 * themselves are untouched, so quantizing the corrected graph gives the same integer weights.
 * Returns a new graph; the input graph is not changed.
 */
import { runGraph } from '../engine/run-graph.js';
import { addInitializer, cloneGraph, type Graph, type Node } from '../ir/graph.js';
import { makeTensor, sizeOf, type Tensor } from '../ir/tensor.js';
import { resolveAttrs } from '../ops/op-def.js';
import { opOf } from '../ops/registry.js';
import { withBatch } from '../train/batch.js';
import { transposeWeights } from './fully-connected-facet.js';
import type { WeightBits } from './pack.js';
import { quantizeWeights } from './weights.js';

export interface BiasCorrectionOptions {
  /** Weight bits per node name (nodes not named: 8). */
  weightBits: Record<string, WeightBits>;
  groupSize?: number;
}

export function correctBias(graph: Graph, samples: readonly Float32Array[], options: BiasCorrectionOptions): { graph: Graph; layers: string[] } {
  const out = cloneGraph(graph);
  if (samples.length === 0 || graph.inputs.length !== 1) return { graph: out, layers: [] };
  const batched = withBatch(graph, samples.length);
  const input = batched.inputs[0]!;
  const x = makeTensor('float32', input.shape);
  const per = sizeOf(graph.inputs[0]!.shape);
  samples.forEach((s, k) => x.data.set(s, k * per));
  const values = runGraph(batched, { [input.name]: x }, { keepAll: true });
  const corrected: string[] = [];
  out.nodes.forEach((node, index) => {
    if (node.domain !== '' || (node.op !== 'Conv' && node.op !== 'Gemm')) return;
    const w = out.initializers.get(node.inputs[1] ?? '');
    const bias = node.inputs[2] ? out.initializers.get(node.inputs[2]) : undefined;
    if (!w || w.dtype !== 'float32' || (node.inputs[2] && !bias)) return;
    const activation = values.get(batched.nodes[index]!.inputs[0]!);
    if (!activation) return;
    const bits = options.weightBits[node.name] ?? 8;
    const shift = node.op === 'Conv' ? convShift(batched.nodes[index]!, activation, w, bits, options.groupSize ?? 0) : gemmShift(node, activation, w, bits, options.groupSize ?? 0);
    if (!shift || (bias && bias.data.length !== shift.length)) return;
    const beta = node.op === 'Gemm' ? gemmAttrs(node).beta : 1;
    const next = Float32Array.from(shift, (d, c) => (bias?.data[c] ?? 0) - d / beta);
    const biasShape = bias ? bias.shape : [shift.length];
    node.inputs[2] = addInitializer(out, `${node.name}_B_corrected`, makeTensor('float32', biasShape, next));
    corrected.push(node.name);
  });
  return { graph: out, layers: corrected };
}

function gemmAttrs(node: Node): { alpha: number; beta: number; transA: boolean; transB: boolean } {
  const a = resolveAttrs(opOf(node)!.attrs, node) as Record<string, unknown>;
  return { alpha: Number(a.alpha ?? 1), beta: Number(a.beta ?? 1), transA: Boolean(a.transA), transB: Boolean(a.transB) };
}

/** Quantized minus float weights for `channels` filters laid out one after the other. */
function weightError(filters: ArrayLike<number>, shape: number[], channels: number, bits: WeightBits, groupSize: number): Float32Array {
  const q = quantizeWeights(filters, shape, channels, bits, groupSize).weights;
  const filter = filters.length / channels;
  const groups = q.groupSize > 0 ? Math.ceil(filter / q.groupSize) : 1;
  return Float32Array.from(q.values, (v, i) => {
    const c = Math.floor(i / filter);
    const g = q.groupSize > 0 ? Math.floor((i % filter) / q.groupSize) : 0;
    return v * q.scales[c * groups + g]! - filters[i]!;
  });
}

/** Per-channel mean over batch and positions of Conv(x, W_q - W). */
function convShift(node: Node, x: Tensor, w: Tensor, bits: WeightBits, groupSize: number): Float64Array | undefined {
  const channels = w.shape[0]!;
  const dw = makeTensor('float32', w.shape, weightError(w.data, [...w.shape], channels, bits, groupSize));
  const op = opOf(node)!;
  // Without the fused activation (some ops' forward applies it): the error is linear in W.
  const { activation: _activation, ...linear } = node;
  const [y] = op.forward([x, dw, undefined], resolveAttrs(op.attrs, linear), linear);
  const inner = y!.data.length / (y!.shape[0]! * channels);
  const mean = new Float64Array(channels);
  for (let i = 0; i < y!.data.length; i++) {
    const c = Math.floor(i / inner) % channels;
    mean[c] = mean[c]! + y!.data[i]!;
  }
  return mean.map((v) => v / (y!.data.length / channels));
}

/** alpha (W_q - W) applied to the mean input row, per output column (Gemm is linear in x). */
function gemmShift(node: Node, x: Tensor, w: Tensor, bits: WeightBits, groupSize: number): Float64Array | undefined {
  const attrs = gemmAttrs(node);
  if (attrs.transA || w.shape.length !== 2) return undefined;
  const [N, K] = attrs.transB ? [w.shape[0]!, w.shape[1]!] : [w.shape[1]!, w.shape[0]!];
  const filters = attrs.transB ? Float64Array.from(w.data, (v) => attrs.alpha * v) : transposeWeights(w.data, K, N, attrs.alpha);
  const dw = weightError(filters, [N, K], N, bits, groupSize);
  const rows = x.data.length / K;
  const meanRow = new Float64Array(K);
  for (let i = 0; i < x.data.length; i++) meanRow[i % K] = meanRow[i % K]! + x.data[i]! / rows;
  const shift = new Float64Array(N);
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) shift[n] = shift[n]! + dw[n * K + k]! * meanRow[k]!;
  return shift;
}

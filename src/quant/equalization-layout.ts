/**
 * Where the channels of cross-layer equalisation live in the weights of Conv and Gemm (ONNX
 * layouts), kept apart from the equalisation itself:
 * - Conv W [O, I/g, k...]: output channel o is the filter W[o]; input channel of element
 *   (o, i, ...) is floor(o / (O/g)) * (I/g) + i (depthwise: g = O = I, so channel o);
 * - Gemm W [N, K] (transB = 1) or [K, N] (transB = 0): output column n, input feature k.
 * The map from B's input channel to A's output channel is the identity, or floor(k / HW) when a
 * Flatten turned A's [C, H, W] output into B's C * HW features.
 */
import type { Graph, Node } from '../ir/graph.js';
import { sizeOf } from '../ir/tensor.js';

export interface WeightParts {
  /** Working copies, written back by the caller. */
  weight: Float32Array;
  bias?: Float32Array;
  /** Output channels. */
  channels: number;
  /** Input channels (Conv: I; Gemm: K). */
  inputs: number;
  /** Maps a weight element index to its output channel and its input channel. */
  outputOf: (i: number) => number;
  inputOf: (i: number) => number;
}

function intAttr(node: Node, name: string, fallback: number): number {
  const a = node.attrs[name];
  return a?.kind === 'int' ? a.value : fallback;
}

export function weightParts(graph: Graph, node: Node): WeightParts {
  const w = graph.initializers.get(node.inputs[1]!)!;
  const b = node.inputs[2] ? graph.initializers.get(node.inputs[2]) : undefined;
  const bias = b ? Float32Array.from(b.data) : undefined;
  if (node.op === 'Conv') {
    const [outs, perGroupIn] = [w.shape[0]!, w.shape[1]!];
    const groups = intAttr(node, 'group', 1);
    const kernel = sizeOf(w.shape.slice(2));
    const filter = perGroupIn * kernel;
    const perGroupOut = outs / groups;
    return {
      weight: Float32Array.from(w.data),
      ...(bias ? { bias } : {}),
      channels: outs,
      inputs: perGroupIn * groups,
      outputOf: (i) => Math.floor(i / filter),
      inputOf: (i) => Math.floor(Math.floor(i / filter) / perGroupOut) * perGroupIn + Math.floor((i % filter) / kernel),
    };
  }
  const transB = intAttr(node, 'transB', 0) === 1;
  const [N, K] = transB ? [w.shape[0]!, w.shape[1]!] : [w.shape[1]!, w.shape[0]!];
  return {
    weight: Float32Array.from(w.data),
    ...(bias ? { bias } : {}),
    channels: N,
    inputs: K,
    outputOf: transB ? (i) => Math.floor(i / K) : (i) => i % N,
    inputOf: transB ? (i) => i % K : (i) => Math.floor(i / N),
  };
}

/** Calls f(channel, index) for every weight element of every output channel. */
export function outputChannelSpan(p: WeightParts, f: (c: number, i: number) => void): void {
  for (let i = 0; i < p.weight.length; i++) f(p.outputOf(i), i);
}

/** Calls f(A's channel, index) for every weight element of B, through B's input-channel map. */
export function inputChannelMap(p: WeightParts, channelOf: (input: number) => number, f: (c: number, i: number) => void): void {
  for (let i = 0; i < p.weight.length; i++) f(channelOf(p.inputOf(i)), i);
}

/**
 * B's input channel -> A's output channel for the value `value` B reads, or undefined when the
 * layouts do not line up (A's bias not per channel, Gemm transA, a reshape other than Flatten).
 */
export function channelMap(graph: Graph, a: Node, b: Node, value: string): ((input: number) => number) | undefined {
  const pa = weightParts(graph, a);
  const pb = weightParts(graph, b);
  if (pa.bias && pa.bias.length !== pa.channels) return undefined;
  if ((a.op === 'Gemm' && intAttr(a, 'transA', 0) === 1) || (b.op === 'Gemm' && intAttr(b, 'transA', 0) === 1)) return undefined;
  const shape = graph.types.get(value)?.shape;
  if (!shape || shape[0] !== 1) return undefined;
  if (b.op === 'Conv') return shape[1] === pa.channels && pb.inputs === pa.channels ? (k) => k : undefined;
  const features = sizeOf(shape.slice(1));
  if (shape.length !== 2 || features !== pb.inputs || features % pa.channels !== 0) return undefined;
  const spatial = features / pa.channels;
  return (k) => Math.floor(k / spatial);
}

/**
 * Which weight width each layer gets. With --bits w4a8 or w2a8 the first and last weighted layers
 * stay at 8 bits by default: the first sees raw inputs with few channels (few weights, so little
 * flash to save, and its errors propagate through everything) and the last produces the logits
 * directly; this is the convention of the quantized networks Bit Fusion and HAQ build on
 * (../shared/docs/quantization.md §3). `--uniform-bits` turns it off. The choice is reported in
 * report.json (`bit_policy`), never silent.
 */
import type { Graph, Node } from '../ir/graph.js';
import { isFloatType } from '../ir/tensor.js';
import type { ActivationType } from '../quant/qmodel.js';

export interface BitPolicy {
  /** 'auto': chosen per layer by the bit-width search (src/bits/search.ts). */
  rule: 'first-last-8bit' | 'uniform' | 'auto';
  weightBits: 8 | 4 | 2;
  /** Node name -> weight bits, for every weighted node. */
  perLayer: Map<string, 8 | 4 | 2>;
  /** The weighted layers kept at 8 bits by the rule (empty for 'uniform' or 8-bit runs). */
  eightBitLayers: string[];
  /** The model's activation type when the policy sets it (the search); else --bits says. */
  activation?: ActivationType;
  /** Layers whose weight width --layer-bits fixed. */
  overridden?: string[];
}

/** A node with a constant float weight of rank >= 2 (Conv, ConvTranspose, Gemm, MatMul...). */
export function isWeighted(graph: Graph, node: Node): boolean {
  return node.inputs.some((name) => {
    const t = graph.initializers.get(name);
    return t !== undefined && isFloatType(t.dtype) && t.shape.length >= 2;
  });
}

export function chooseBits(graph: Graph, weightBits: 8 | 4 | 2, uniform: boolean): BitPolicy {
  const weighted = graph.nodes.filter((n) => isWeighted(graph, n)).map((n) => n.name);
  const rule = uniform || weightBits === 8 ? 'uniform' : 'first-last-8bit';
  const ends = rule === 'first-last-8bit' ? new Set([weighted[0], weighted[weighted.length - 1]].filter((n): n is string => n !== undefined)) : new Set<string>();
  const perLayer = new Map<string, 8 | 4 | 2>(weighted.map((name) => [name, ends.has(name) ? 8 : weightBits]));
  return { rule: uniform ? 'uniform' : rule, weightBits, perLayer, eightBitLayers: weighted.filter((n) => ends.has(n)) };
}

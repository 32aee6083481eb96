/**
 * The two facts about a graph that both the bit search (candidates.ts) and the CLI's
 * `--layer-bits` parsing (layer-bits.ts) need: which layers carry weights, and an activation
 * type's width. Kept apart from candidates.ts so parsing flags does not load the quantizer and
 * the cost model (edgec --help starts in ~0.1 s; bench/startup.ts).
 */
import type { Graph } from '../ir/graph.js';
import type { ActivationType } from '../quant/qmodel.js';
import { isWeighted } from '../pipeline/bit-policy.js';

export function activationBits(type: ActivationType): 8 | 16 {
  return type === 'int16' ? 16 : 8;
}

/** The weighted layers the search chooses widths for, in graph order. */
export function weightedLayers(graph: Graph): string[] {
  return graph.nodes.filter((n) => isWeighted(graph, n)).map((n) => n.name);
}

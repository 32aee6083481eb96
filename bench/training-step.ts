/**
 * One forward+backward pass of a graph for the benchmark, through the training engine of
 * src/train/ once it provides one; undefined until then, and the bench reports "n/a".
 */
import type { Graph } from '../src/ir/graph.js';
import type { Tensor } from '../src/ir/tensor.js';

export function trainingStep(_graph: Graph, _inputName: string, _input: Tensor): (() => void) | undefined {
  return undefined;
}

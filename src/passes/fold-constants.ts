/**
 * Pass: fold-constants.
 *
 * Before: a node whose inputs are all constant (initializers, values folded earlier in the same
 * walk), or whose outputs its op knows from input types alone: Constant, and Shape/Size of any
 * value (every shape in the IR is known).
 * After:  no node; its outputs are initializers with the same names, computed by the engine.
 *
 * This is what resolves the `view(x.size(0), -1)` chains PyTorch exports
 * (Shape -> Gather -> Unsqueeze -> Concat -> Reshape): Shape folds to [N, C, H, W], the Gather,
 * Unsqueeze and Concat then fold in turn, and the Reshape is left with a constant shape input.
 *
 * Preconditions (otherwise the node is left as it is):
 * - the op is registered and deterministic (no RandomNormal & co.);
 * - no output is a graph output (ONNX graph outputs must be produced by a node);
 * - no output is much larger than the inputs together (>= 65,536 elements and more than the
 *   inputs' total; a Constant node, which has no inputs, always folds): folding a ConstantOfShape or Expand to 10M elements would bloat the model,
 *   the opposite of compression.
 *
 * Values computed from initializers that are also graph inputs are not constant (the caller may
 * feed them), see graph-edit.ts `constantOf`.
 */
import type { Graph, Node } from '../ir/graph.js';
import { sizeOf, type KnownValue, type Tensor } from '../ir/tensor.js';
import { inferNode } from '../engine/infer-types.js';
import { runNode } from '../engine/run-graph.js';
import { opOf } from '../ops/registry.js';
import { constantOf, dropStaleTypes } from './graph-edit.js';

/** Outputs at least this large are folded only when they are no larger than their inputs. */
const LARGE_OUTPUT = 65_536;

const NONDETERMINISTIC = new Set(['RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli']);

export function foldConstants(graph: Graph): boolean {
  const folded = new Set<Node>();
  for (const node of graph.nodes) {
    if (node.domain === '' && NONDETERMINISTIC.has(node.op)) continue;
    if (node.outputs.some((o) => graph.outputs.some((g) => g.name === o))) continue;
    const values = foldedValues(graph, node);
    if (!values) continue;
    node.outputs.forEach((name, i) => {
      const t = values[i];
      if (name === '' || !t) return;
      graph.initializers.set(name, t);
      graph.types.set(name, { dtype: t.dtype, shape: [...t.shape] });
    });
    folded.add(node);
  }
  if (folded.size === 0) return false;
  graph.nodes = graph.nodes.filter((n) => !folded.has(n));
  dropStaleTypes(graph);
  return true;
}

/**
 * Outputs an op knows from its input types alone (Shape, Size, Constant: `inferTypes` hands them
 * back as values), or, when every input is a constant, what the engine computes from them.
 */
function foldedValues(graph: Graph, node: Node): Tensor[] | undefined {
  if (!opOf(node)) return undefined;
  const inputs: (KnownValue | undefined)[] = [];
  for (const name of node.inputs) {
    if (name === '') {
      inputs.push(undefined);
      continue;
    }
    const type = graph.types.get(name);
    if (!type) return undefined;
    const value = constantOf(graph, name);
    inputs.push(value ? { ...type, value } : type);
  }
  const values = inputs.map((v) => v?.value);
  if (wouldBloat(graph, node, values)) return undefined;
  const known = inferNode(node, inputs).map((t) => t.value);
  if (node.outputs.every((o, i) => o === '' || known[i] !== undefined)) return known as Tensor[];
  if (inputs.some((v, i) => v !== undefined && values[i] === undefined)) return undefined;
  return runNode(node, values);
}

function wouldBloat(graph: Graph, node: Node, inputs: (Tensor | undefined)[]): boolean {
  // A Constant node's tensor is already in the model: moving it to an initializer costs nothing.
  if (node.inputs.length === 0) return false;
  const inputSize = inputs.reduce((s, t) => s + (t ? sizeOf(t.shape) : 0), 0);
  return node.outputs.some((o) => {
    if (o === '') return false;
    const type = graph.types.get(o);
    const size = type ? sizeOf(type.shape) : Infinity;
    return size >= LARGE_OUTPUT && size > inputSize;
  });
}

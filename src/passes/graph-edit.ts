/**
 * The small vocabulary every pass is written in: "is this value a constant", "who is the only
 * reader", "this node now writes that value", "drop this node and route its input through".
 * Passes stay declarative (match, check preconditions, rewrite) and these helpers keep the graph's
 * invariants: graph output names never change, nodes stay in topological order, and `graph.types`
 * describes exactly the values that exist.
 */
import type { Graph, Node } from '../ir/graph.js';
import { isFloatType, type Tensor } from '../ir/tensor.js';

/** A pass: rewrites `graph` in place and says whether it changed anything. */
export type Pass = (graph: Graph) => boolean;

/**
 * The value's contents when they are fixed: an initializer that is not also a graph input (an
 * initializer listed as an input is only a default the caller may override).
 */
export function constantOf(graph: Graph, name: string): Tensor | undefined {
  if (name === '' || graph.inputs.some((i) => i.name === name)) return undefined;
  return graph.initializers.get(name);
}

/** A constant that holds exactly one number (shape [] or [1], [1, 1], ...), or undefined. */
export function constantScalar(graph: Graph, name: string): number | undefined {
  const t = constantOf(graph, name);
  return t !== undefined && t.data.length === 1 ? t.data[0] : undefined;
}

/** Whether `name` is a float32 value (the dtype every fusion here is written for). */
export function isFloat32(graph: Graph, name: string): boolean {
  return graph.types.get(name)?.dtype === 'float32';
}

export function isFloatValue(graph: Graph, name: string): boolean {
  const t = graph.types.get(name);
  return t !== undefined && isFloatType(t.dtype);
}

/** The nodes reading `value` (a node reading it twice is listed once). */
export function readersOf(graph: Graph, value: string): Node[] {
  return graph.nodes.filter((n) => n.inputs.includes(value));
}

/**
 * The one node reading `value`, when that node is its only use (not a graph output either): the
 * condition for fusing the value's producer into its reader, since nobody else sees the value.
 */
export function soleReader(graph: Graph, value: string): Node | undefined {
  if (graph.outputs.some((o) => o.name === value)) return undefined;
  const readers = readersOf(graph, value);
  return readers.length === 1 ? readers[0] : undefined;
}

/** The node writing `value`, if any. */
export function producerOf(graph: Graph, value: string): Node | undefined {
  return graph.nodes.find((n) => n.outputs.includes(value));
}

/** Whether `value` is read only by `reader` (and is not a graph output). */
export function onlyReadBy(graph: Graph, value: string, reader: Node): boolean {
  return soleReader(graph, value) === reader;
}

/** Whether any node reads `value` or it is a graph output. */
export function isUsed(graph: Graph, value: string): boolean {
  return graph.outputs.some((o) => o.name === value) || graph.nodes.some((n) => n.inputs.includes(value));
}

/** Removes nodes (by identity) from the graph; order of the rest is kept. */
export function removeNodes(graph: Graph, ...nodes: Node[]): void {
  const gone = new Set(nodes);
  graph.nodes = graph.nodes.filter((n) => !gone.has(n));
}

/** Replaces `old` by `replacement` at the same position in the node list. */
export function replaceNode(graph: Graph, old: Node, replacement: Node): void {
  graph.nodes = graph.nodes.map((n) => (n === old ? replacement : n));
}

/**
 * `writer` now writes `target` instead of its output `from` (whose readers were all fused away):
 * the fused node takes over the name of the last value in the chain, so graph outputs and later
 * readers are untouched. The caller removes the nodes in between.
 */
export function redirectOutput(graph: Graph, writer: Node, from: string, target: string): void {
  writer.outputs = writer.outputs.map((o) => (o === from ? target : o));
  graph.types.delete(from);
}

/**
 * Removes a node that passes `input` through unchanged to `output` (Identity, inference Dropout, a
 * zero Pad). Readers of `output` read `input` instead; when `output` is a graph output, `input` is
 * renamed to it instead, so the graph's interface keeps its names. Declines (returns false) when
 * neither works: `output` is a graph output and `input` is a graph input, an initializer or
 * another graph output.
 */
export function bypassNode(graph: Graph, node: Node, input: string, output: string): boolean {
  const outputIsGraphOutput = graph.outputs.some((o) => o.name === output);
  if (!outputIsGraphOutput) {
    for (const n of graph.nodes) n.inputs = n.inputs.map((i) => (i === output ? input : i));
    removeNodes(graph, node);
    graph.types.delete(output);
    return true;
  }
  const writer = producerOf(graph, input);
  const inputIsInterface =
    !writer || graph.inputs.some((i) => i.name === input) || graph.outputs.some((o) => o.name === input);
  if (inputIsInterface) return false;
  removeNodes(graph, node);
  renameValue(graph, input, output);
  return true;
}

/** Renames a node-produced value everywhere: its writer, its readers and `graph.types`. */
function renameValue(graph: Graph, from: string, to: string): void {
  for (const n of graph.nodes) {
    n.outputs = n.outputs.map((o) => (o === from ? to : o));
    n.inputs = n.inputs.map((i) => (i === from ? to : i));
  }
  const type = graph.types.get(from);
  graph.types.delete(from);
  if (type) graph.types.set(to, type);
}

/** Drops `graph.types` entries of values that no longer exist (after nodes were removed). */
export function dropStaleTypes(graph: Graph): void {
  const live = new Set<string>([...graph.inputs.map((i) => i.name), ...graph.initializers.keys()]);
  for (const n of graph.nodes) for (const o of n.outputs) live.add(o);
  for (const name of [...graph.types.keys()]) if (!live.has(name)) graph.types.delete(name);
}

/**
 * The graph IR every stage works on. It is ONNX's data model made concrete: every value has a
 * known dtype and a fully known shape (symbolic dimensions are bound when the model is loaded),
 * nodes are kept in topological order, and ops follow one canonical form per op (the opset-18
 * forms; the loader rewrites older forms on the way in, see onnx/upgrade-legacy-forms.ts).
 *
 * Two things the IR has that ONNX does not:
 * - `Node.activation`: a Relu or Clip fused into the node that produces its input. The engine
 *   applies it after the op; the ONNX writer expands it back into a node of its own.
 * - `Node.meta.batchNorm`: the statistics of a BatchNormalization that was folded into this node,
 *   kept for data-free calibration (ZeroQ / DeepInversion match them).
 */
import type { DType, Tensor, ValueType } from './tensor.js';

export type AttrValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: number[] }
  | { kind: 'floats'; value: number[] }
  | { kind: 'strings'; value: string[] }
  | { kind: 'tensor'; value: Tensor }
  /** Subgraph attributes (If, Loop, Scan) are kept only to be reported as unsupported. */
  | { kind: 'graph'; value: null };
export type AttrKind = AttrValue['kind'];
export type Attrs = Record<string, AttrValue>;

/** A Relu, or a Clip to [min, max] (ReLU6 is min 0, max 6), applied to a node's output. */
export type FusedActivation = { kind: 'relu' } | { kind: 'clip'; min: number; max: number };

/** Per-channel statistics of a BatchNormalization, in the order of the output channels. */
export interface BatchNormStats {
  mean: Float32Array;
  variance: Float32Array;
  scale: Float32Array;
  bias: Float32Array;
  epsilon: number;
}

export interface NodeMeta {
  /** The BN that was folded into this node: its output is distributed as BN's was. */
  batchNorm?: BatchNormStats;
}

export interface Node {
  name: string;
  op: string;
  /** '' for the default ONNX domain; 'com.edgec' for edgec's own ops. */
  domain: string;
  /** Value names; '' marks an optional input that is absent. */
  inputs: string[];
  outputs: string[];
  attrs: Attrs;
  activation?: FusedActivation;
  meta?: NodeMeta;
}

export interface ValueInfo extends ValueType {
  name: string;
}

export interface Graph {
  name: string;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  /** Topologically sorted. */
  nodes: Node[];
  /** Constant tensors (weights, folded constants), by value name. */
  initializers: Map<string, Tensor>;
  /** dtype and shape of every value: graph inputs, initializers and every node output. */
  types: Map<string, ValueType>;
  /** The default-domain opset the model was written for (its semantics are upgraded on load). */
  opset: number;
  irVersion: number;
  producer: { name: string; version: string };
  docString?: string;
}

export const EDGEC_DOMAIN = 'com.edgec';

export function makeGraph(partial: Partial<Graph> & Pick<Graph, 'nodes' | 'inputs' | 'outputs'>): Graph {
  return {
    name: 'graph',
    initializers: new Map(),
    types: new Map(),
    opset: 18,
    irVersion: 8,
    producer: { name: 'edgec', version: '' },
    ...partial,
  };
}

/** The node that writes `value`, or undefined for graph inputs and initializers. */
export function producerOf(graph: Graph, value: string): Node | undefined {
  return graph.nodes.find((n) => n.outputs.includes(value));
}

/** The nodes that read `value`. */
export function consumersOf(graph: Graph, value: string): Node[] {
  return graph.nodes.filter((n) => n.inputs.includes(value));
}

export function isGraphOutput(graph: Graph, value: string): boolean {
  return graph.outputs.some((o) => o.name === value);
}

/** A name not yet used by any value or node in the graph, derived from `base`. */
export function freshName(graph: Graph, base: string): string {
  const taken = new Set<string>([...graph.types.keys(), ...graph.initializers.keys()]);
  for (const n of graph.nodes) {
    taken.add(n.name);
    for (const o of n.outputs) taken.add(o);
  }
  if (!taken.has(base)) return base;
  for (let i = 1; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

/** Adds a constant under a fresh name and returns that name. */
export function addInitializer(graph: Graph, base: string, tensor: Tensor): string {
  const name = freshName(graph, base);
  graph.initializers.set(name, tensor);
  graph.types.set(name, { dtype: tensor.dtype, shape: [...tensor.shape] });
  return name;
}

/** Renames every read of `from` to `to` (nodes and graph outputs keep their order). */
export function replaceUses(graph: Graph, from: string, to: string): void {
  for (const n of graph.nodes) n.inputs = n.inputs.map((i) => (i === from ? to : i));
}

export function typeOf(graph: Graph, value: string): ValueType | undefined {
  return graph.types.get(value);
}

export function dtypeOf(graph: Graph, value: string): DType | undefined {
  return graph.types.get(value)?.dtype;
}

/** A deep-enough copy for passes to mutate: nodes and maps are new, tensors are shared (immutable). */
export function cloneGraph(graph: Graph): Graph {
  return {
    ...graph,
    inputs: graph.inputs.map((v) => ({ ...v, shape: [...v.shape] })),
    outputs: graph.outputs.map((v) => ({ ...v, shape: [...v.shape] })),
    nodes: graph.nodes.map((n) => ({
      ...n,
      inputs: [...n.inputs],
      outputs: [...n.outputs],
      attrs: { ...n.attrs },
      ...(n.activation ? { activation: { ...n.activation } } : {}),
      ...(n.meta ? { meta: { ...n.meta } } : {}),
    })),
    initializers: new Map(graph.initializers),
    types: new Map(graph.types),
    producer: { ...graph.producer },
  };
}

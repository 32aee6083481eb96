/**
 * What `edgec inspect` reports: per layer of the canonical graph its op, output shape, parameters,
 * multiply-accumulates and activation bytes, plus totals and where the model came from. Also the
 * list of unsupported ops, each with its node, gathered before shape inference so a user sees all
 * of them at once instead of one per run.
 */
import { ModelError } from '../errors.js';
import type { Graph, Node } from '../ir/graph.js';
import { sizeOf } from '../ir/tensor.js';
import { inferTypes } from '../engine/infer-types.js';
import { resolveAttrs } from '../ops/op-def.js';
import { opOf } from '../ops/registry.js';

export interface LayerSummary {
  name: string;
  op: string;
  /** The fused activation, if any ('Relu', 'Clip[0,6]'). */
  activation?: string;
  output_shape: number[];
  params: number;
  macs: number;
  /** Bytes of this layer's outputs as int8 activations (one byte an element). */
  activation_bytes: number;
}

export interface UnsupportedOp {
  node: string;
  op: string;
  domain: string;
}

export interface ModelSummary {
  producer: string;
  opset: number;
  ir_version: number;
  inputs: { name: string; dtype: string; shape: number[] }[];
  outputs: { name: string; dtype: string; shape: number[] }[];
  layers: LayerSummary[];
  totals: { layers: number; params: number; param_bytes: number; macs: number; activation_bytes: number };
}

/** Every node whose op edgec does not implement, in graph order. */
export function findUnsupported(graph: Graph): UnsupportedOp[] {
  return graph.nodes
    .filter((n) => opOf(n) === undefined)
    .map((n) => ({ node: n.name, op: n.op, domain: n.domain }));
}

/** Throws a ModelError listing every unsupported op (with its node) if there is any. */
export function assertSupported(graph: Graph, source: string): void {
  const missing = findUnsupported(graph);
  if (missing.length === 0) return;
  const list = missing.map((m) => `${m.op} (node "${m.node}")`).join(', ');
  throw new ModelError(`${source}: unsupported op${missing.length > 1 ? 's' : ''}: ${list}`);
}

/** Summarises a graph whose types are inferred (see engine/infer-types.ts). */
export function summarizeModel(graph: Graph): ModelSummary {
  if (graph.types.size === 0) inferTypes(graph);
  const counted = new Set<string>();
  const layers = graph.nodes.map((node) => summarizeLayer(graph, node, counted));
  let paramBytes = 0;
  for (const name of counted) {
    const t = graph.initializers.get(name)!;
    paramBytes += sizeOf(t.shape) * 4;
  }
  const describe = (v: { name: string; dtype: string; shape: readonly number[] }) => ({
    name: v.name,
    dtype: v.dtype,
    shape: [...(graph.types.get(v.name)?.shape ?? v.shape)],
  });
  return {
    producer: [graph.producer.name, graph.producer.version].filter((s) => s !== '').join(' ') || 'unknown',
    opset: graph.opset,
    ir_version: graph.irVersion,
    inputs: graph.inputs.map(describe),
    outputs: graph.outputs.map(describe),
    layers,
    totals: {
      layers: layers.length,
      params: layers.reduce((s, l) => s + l.params, 0),
      param_bytes: paramBytes,
      macs: layers.reduce((s, l) => s + l.macs, 0),
      activation_bytes: layers.reduce((s, l) => s + l.activation_bytes, 0),
    },
  };
}

function summarizeLayer(graph: Graph, node: Node, counted: Set<string>): LayerSummary {
  const op = opOf(node)!;
  const typeOf = (name: string) => graph.types.get(name) ?? { dtype: 'float32' as const, shape: [] };
  const inputs = node.inputs.filter((n) => n !== '').map(typeOf);
  const outputs = node.outputs.filter((n) => n !== '').map(typeOf);
  let params = 0;
  for (const name of new Set(node.inputs)) {
    const t = graph.initializers.get(name);
    // Shape-like constants (axes, target shapes) are not parameters; weights and biases are float.
    if (!t || t.dtype !== 'float32' || counted.has(name)) continue;
    counted.add(name);
    params += sizeOf(t.shape);
  }
  const macs = op.macs ? op.macs(inputs, outputs, resolveAttrs(op.attrs, node)) : 0;
  const summary: LayerSummary = {
    name: node.name,
    op: node.op,
    output_shape: [...(outputs[0]?.shape ?? [])],
    params,
    macs,
    activation_bytes: outputs.reduce((s, t) => s + sizeOf(t.shape), 0),
  };
  if (node.activation) {
    summary.activation = node.activation.kind === 'relu' ? 'Relu' : `Clip[${node.activation.min},${node.activation.max}]`;
  }
  return summary;
}

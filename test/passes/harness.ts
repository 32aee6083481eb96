/**
 * What every pass test checks, in one place: build a graph in TypeScript, run a pass on a copy,
 * and verify the copy (a) is still topologically sorted, (b) has `graph.types` equal to a fresh
 * inference (no stale or missing entries), and (c) computes the same outputs as the original in
 * the engine on seeded random inputs (max abs diff <= 1e-5 relative to the output's magnitude).
 * `expectMatchesOrt` adds the independent reference: the graph before the pass in onnxruntime.
 */
import { expect } from 'vitest';
import { inferTypes } from '../../src/engine/infer-types.js';
import { runGraph } from '../../src/engine/run-graph.js';
import { cloneGraph, makeGraph, type AttrValue, type Graph, type Node } from '../../src/ir/graph.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { toposort } from '../../src/ir/toposort.js';
import type { Pass } from '../../src/passes/index.js';
import { buildModel, type BuilderAttr, type BuilderDType } from '../helpers/onnx-builder.js';
import { maxAbsDiff, runOrt } from '../helpers/ort.js';
import { randomTensor } from '../helpers/random.js';

export const int = (value: number): AttrValue => ({ kind: 'int', value });
export const ints = (...value: number[]): AttrValue => ({ kind: 'ints', value });
export const float = (value: number): AttrValue => ({ kind: 'float', value });
export const str = (value: string): AttrValue => ({ kind: 'string', value });

export function node(op: string, inputs: string[], outputs: string[], attrs: Node['attrs'] = {}, name?: string): Node {
  return { name: name ?? `${op.toLowerCase()}_${outputs[0]}`, op, domain: '', inputs, outputs, attrs };
}

export const f32 = (shape: number[], data: number[]): Tensor => makeTensor('float32', shape, data);
export const i64 = (data: number[], shape = [data.length]): Tensor => makeTensor('int64', shape, data);

export interface GraphSpec {
  /** Graph inputs: float32 of the given shape. */
  inputs: Record<string, number[]>;
  outputs: string[];
  inits?: Record<string, Tensor>;
  nodes: Node[];
}

/** A float32 graph with its types inferred. */
export function buildGraph(spec: GraphSpec): Graph {
  const graph = makeGraph({
    inputs: Object.entries(spec.inputs).map(([name, shape]) => ({ name, dtype: 'float32' as const, shape })),
    outputs: spec.outputs.map((name) => ({ name, dtype: 'float32' as const, shape: [] })),
    nodes: spec.nodes,
    initializers: new Map(Object.entries(spec.inits ?? {})),
  });
  inferTypes(graph);
  graph.outputs = graph.outputs.map((o) => ({ ...o, ...graph.types.get(o.name)! }));
  return graph;
}

/** Seeded inputs for every graph input; `lo` lets a test make inputs positive or negative. */
export function randomFeeds(graph: Graph, seed = 7, lo = -1, hi = 1): Record<string, Tensor> {
  return Object.fromEntries(graph.inputs.map((v, i) => [v.name, randomTensor([...v.shape], seed + i, lo, hi)]));
}

export interface PassResult {
  before: Graph;
  after: Graph;
  changed: boolean;
}

/** Runs `pass` on a copy of `graph` and checks the invariants above. */
export function applyPass(pass: Pass, graph: Graph, feeds: Record<string, Tensor> = randomFeeds(graph)): PassResult {
  const after = cloneGraph(graph);
  const changed = pass(after);
  expectWellFormed(after);
  expectSameOutputs(graph, after, feeds);
  return { before: graph, after, changed };
}

export function expectWellFormed(graph: Graph): void {
  expect(toposort(graph).map((n) => n.name)).toEqual(graph.nodes.map((n) => n.name));
  const fresh = cloneGraph(graph);
  fresh.types = new Map();
  inferTypes(fresh);
  const asObject = (g: Graph) => Object.fromEntries([...g.types].map(([k, v]) => [k, { dtype: v.dtype, shape: [...v.shape] }]));
  expect(asObject(graph)).toEqual(asObject(fresh));
}

export function expectSameOutputs(a: Graph, b: Graph, feeds: Record<string, Tensor>, tolerance = 1e-5): void {
  const outA = runGraph(a, feeds);
  const outB = runGraph(b, feeds);
  expect(b.outputs.map((o) => o.name)).toEqual(a.outputs.map((o) => o.name));
  for (const [name, ta] of outA) {
    const tb = outB.get(name)!;
    expect(tb.shape).toEqual(ta.shape);
    let scale = 1;
    for (const v of ta.data) scale = Math.max(scale, Math.abs(v));
    expect(maxAbsDiff(ta.data, tb.data) / scale).toBeLessThanOrEqual(tolerance);
  }
}

export const opsOf = (graph: Graph): string[] => graph.nodes.map((n) => n.op);

/** The graph as ONNX bytes for onnxruntime (pure-ONNX graphs only: no fused activations). */
export function toOnnxBytes(graph: Graph, opset = 18): Uint8Array {
  const builderDType = (dtype: string) => dtype as BuilderDType;
  return buildModel({
    opset,
    inputs: graph.inputs.map((v) => ({ name: v.name, dtype: builderDType(v.dtype), shape: [...v.shape] })),
    outputs: graph.outputs.map((v) => ({ name: v.name, dtype: builderDType(v.dtype) })),
    initializers: [...graph.initializers].map(([name, t]) => ({ name, dtype: builderDType(t.dtype), shape: [...t.shape], data: t.data })),
    nodes: graph.nodes.map((n) => {
      if (n.activation || n.domain !== '') throw new Error(`toOnnxBytes: ${n.name} is not plain ONNX`);
      const attrs: Record<string, BuilderAttr> = {};
      for (const [k, a] of Object.entries(n.attrs)) {
        if (a.kind === 'float') attrs[k] = { float: a.value };
        else if (a.kind === 'floats') attrs[k] = { floats: a.value };
        else if (a.kind === 'int' || a.kind === 'ints' || a.kind === 'string') attrs[k] = a.value;
        else throw new Error(`toOnnxBytes: attribute ${k} of ${n.name} is a ${a.kind}`);
      }
      return { op: n.op, name: n.name, inputs: n.inputs, outputs: n.outputs, attrs };
    }),
  });
}

/**
 * The independent check: `reference` (the graph before the pass, plain ONNX) in onnxruntime
 * against `graph` (after the pass) in edgec's engine, max abs diff <= `tolerance` relative.
 */
export async function expectMatchesOrt(reference: Graph, graph: Graph, feeds: Record<string, Tensor>, tolerance = 1e-5): Promise<void> {
  const ref = await runOrt(toOnnxBytes(reference), feeds);
  const ours = runGraph(graph, feeds);
  for (const [name, expected] of ref) {
    const got = ours.get(name)!;
    expect(got.shape).toEqual(expected.shape);
    let scale = 1;
    for (const v of expected.data) scale = Math.max(scale, Math.abs(v));
    expect(maxAbsDiff(got.data, expected.data) / scale).toBeLessThanOrEqual(tolerance);
  }
}

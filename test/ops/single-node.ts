/**
 * Differential harness for op tests: one node, built twice from the same description: as ONNX
 * bytes (test/helpers/onnx-builder.ts, patched here for tensor attributes and untyped outputs)
 * for onnxruntime, and as an edgec Graph for inferTypes + runGraph. Operands marked `constant`
 * become initializers in both, so ops whose output shape depends on them can be inferred.
 */
import { expect } from 'vitest';
import onnxProto from 'onnx-proto';
import { inferTypes } from '../../src/engine/infer-types.js';
import { runGraph } from '../../src/engine/run-graph.js';
import { makeGraph, type AttrValue, type Node } from '../../src/ir/graph.js';
import type { Tensor, ValueType } from '../../src/ir/tensor.js';
import { buildModel, type BuilderAttr, type BuilderDType } from '../helpers/onnx-builder.js';
import { runOrt } from '../helpers/ort.js';

const { onnx } = onnxProto;

export interface Operand {
  tensor: Tensor;
  /** An initializer (known before running) rather than a graph input. */
  constant?: boolean;
}

export type TestAttr = number | string | number[] | { float: number } | { floats: number[] } | { tensor: Tensor };

export interface SingleNodeCase {
  op: string;
  attrs?: Record<string, TestAttr>;
  /** undefined marks an absent optional input. */
  inputs: (Operand | undefined)[];
  outputs?: number;
  opset?: number;
}

export interface BothResults {
  ours: Tensor[];
  ref: Tensor[];
  inferred: ValueType[];
}

const ONNX_ELEM: Record<Tensor['dtype'], number> = {
  float32: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, bool: 9, float16: 10, float64: 11, uint32: 12, uint64: 13, bfloat16: 16,
};

function irAttr(v: TestAttr): AttrValue {
  if (typeof v === 'number') return { kind: 'int', value: v };
  if (typeof v === 'string') return { kind: 'string', value: v };
  if (Array.isArray(v)) return { kind: 'ints', value: v };
  if ('float' in v) return { kind: 'float', value: Math.fround(v.float) };
  if ('floats' in v) return { kind: 'floats', value: v.floats.map(Math.fround) };
  return { kind: 'tensor', value: v.tensor };
}

function tensorProto(t: Tensor, name: string) {
  const base = { name, dims: [...t.shape], dataType: ONNX_ELEM[t.dtype] };
  const values = Array.from(t.data);
  if (t.dtype === 'float32') return onnx.TensorProto.create({ ...base, floatData: values });
  if (t.dtype === 'float64') return onnx.TensorProto.create({ ...base, doubleData: values });
  // +-2^63 (INT64_MAX/MIN as doubles) would wrap in protobufjs's number -> int64 conversion.
  const int64 = (v: number) => (v >= 2 ** 63 ? '9223372036854775807' : v <= -(2 ** 63) ? '-9223372036854775808' : v);
  if (t.dtype === 'int64') return onnx.TensorProto.create({ ...base, int64Data: values.map(int64) as number[] });
  if (t.dtype === 'uint32' || t.dtype === 'uint64') return onnx.TensorProto.create({ ...base, uint64Data: values });
  return onnx.TensorProto.create({ ...base, int32Data: values });
}

/** The ONNX bytes: the shared builder, then tensor attributes added, output types left to ORT. */
function onnxBytes(c: SingleNodeCase, names: string[], outputs: string[]): Uint8Array {
  const plainAttrs: Record<string, BuilderAttr> = {};
  for (const [k, v] of Object.entries(c.attrs ?? {})) if (typeof v !== 'object' || !('tensor' in v)) plainAttrs[k] = v;
  const bytes = buildModel({
    nodes: [{ op: c.op, name: 'node', inputs: names, outputs, attrs: plainAttrs }],
    inputs: c.inputs.flatMap((o, i) =>
      o && !o.constant ? [{ name: names[i]!, dtype: o.tensor.dtype as BuilderDType, shape: [...o.tensor.shape] }] : [],
    ),
    outputs: outputs.map((name) => ({ name })),
    opset: c.opset ?? 18,
  });
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph!;
  c.inputs.forEach((o, i) => o?.constant && graph.initializer!.push(tensorProto(o.tensor, names[i]!)));
  // Typed here so that dtypes the builder lacks (int16, float16, ...) work too.
  graph.input!.forEach((vi) => {
    const t = c.inputs[names.indexOf(vi.name ?? '')]!.tensor;
    vi.type!.tensorType!.elemType = ONNX_ELEM[t.dtype];
  });
  for (const out of graph.output!) out.type = null;
  for (const [k, v] of Object.entries(c.attrs ?? {})) {
    if (typeof v === 'object' && 'tensor' in v) {
      graph.node![0]!.attribute!.push(
        onnx.AttributeProto.create({ name: k, type: onnx.AttributeProto.AttributeType.TENSOR, t: tensorProto(v.tensor, k) }),
      );
    }
  }
  return onnx.ModelProto.encode(model).finish();
}

/** Runs the case in edgec (types and values) and in onnxruntime. */
export async function runBoth(c: SingleNodeCase): Promise<BothResults> {
  // Absent trailing optional inputs are left out, not named '' (onnxruntime's Squeeze wants that).
  while (c.inputs.length > 0 && c.inputs[c.inputs.length - 1] === undefined) c = { ...c, inputs: c.inputs.slice(0, -1) };
  const names = c.inputs.map((o, i) => (o ? `in${i}` : ''));
  const outputs = Array.from({ length: c.outputs ?? 1 }, (_, i) => `out${i}`);
  const ours = runOurs(c, names, outputs);
  const feeds: Record<string, Tensor> = {};
  c.inputs.forEach((o, i) => o && !o.constant && (feeds[names[i]!] = o.tensor));
  const refMap = await runOrt(onnxBytes(c, names, outputs), feeds);
  return { ...ours, ref: outputs.map((n) => refMap.get(n)!) };
}

/** edgec only: the node's inferred output types and its outputs (throws what edgec throws). */
export function runOurs(c: SingleNodeCase, names = c.inputs.map((o, i) => (o ? `in${i}` : '')), outputs = ['out0']) {
  const node: Node = {
    name: 'node',
    op: c.op,
    domain: '',
    inputs: names,
    outputs,
    attrs: Object.fromEntries(Object.entries(c.attrs ?? {}).map(([k, v]) => [k, irAttr(v)])),
  };
  const graph = makeGraph({
    inputs: c.inputs.flatMap((o, i) => (o && !o.constant ? [{ name: names[i]!, dtype: o.tensor.dtype, shape: [...o.tensor.shape] }] : [])),
    outputs: outputs.map((name) => ({ name, dtype: 'float32' as const, shape: [] })),
    nodes: [node],
    initializers: new Map(c.inputs.flatMap((o, i) => (o?.constant ? [[names[i]!, o.tensor] as const] : []))),
  });
  inferTypes(graph);
  const feeds: Record<string, Tensor> = {};
  c.inputs.forEach((o, i) => o && !o.constant && (feeds[names[i]!] = o.tensor));
  const result = runGraph(graph, feeds);
  return { ours: outputs.map((n) => result.get(n)!), inferred: outputs.map((n) => graph.types.get(n)!) };
}

/**
 * Asserts equal dtype and shape (inferred and computed) and values within |a - b| <= atol + rtol*|b|
 * (0, 0: exact; NaN must match NaN).
 */
export function expectMatch(r: BothResults, rtol = 0, atol = 0): void {
  r.ref.forEach((ref, k) => {
    const ours = r.ours[k]!;
    expect(ours.dtype, `output ${k} dtype`).toBe(ref.dtype);
    expect([...ours.shape], `output ${k} shape`).toEqual([...ref.shape]);
    expect({ dtype: r.inferred[k]!.dtype, shape: [...r.inferred[k]!.shape] }, `output ${k} inferred type`).toEqual({
      dtype: ref.dtype,
      shape: [...ref.shape],
    });
    for (let i = 0; i < ref.data.length; i++) {
      const [a, b] = [ours.data[i]!, ref.data[i]!];
      const ok = Number.isNaN(b) ? Number.isNaN(a) : a === b || Math.abs(a - b) <= atol + rtol * Math.abs(b);
      if (!ok) expect(a, `output ${k} element ${i} (reference ${b}, rtol ${rtol}, atol ${atol})`).toBe(b);
    }
  });
}

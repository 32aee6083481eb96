/**
 * Builds ONNX model bytes straight from onnx-proto, independently of edgec's own writer, so tests
 * can make single-op models for onnxruntime and for edgec's loader without trusting edgec's code.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type BuilderDType = 'float32' | 'int64' | 'int32' | 'bool' | 'uint8' | 'int8' | 'float64';
const ELEM: Record<BuilderDType, number> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float64: 11 };

export interface BuilderValue {
  name: string;
  dtype?: BuilderDType;
  /** Numbers are fixed dims, strings symbolic ones; leave out for an unknown shape. */
  shape?: (number | string)[];
}

export interface BuilderInit {
  name: string;
  dtype?: BuilderDType;
  shape: number[];
  data: ArrayLike<number>;
}

export type BuilderAttr = number | string | number[] | string[] | { float: number } | { floats: number[] };

export interface BuilderNode {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  domain?: string;
  attrs?: Record<string, BuilderAttr>;
}

export interface BuilderModel {
  nodes: BuilderNode[];
  inputs: BuilderValue[];
  outputs: BuilderValue[];
  initializers?: BuilderInit[];
  opset?: number;
  irVersion?: number;
}

function valueInfo(v: BuilderValue) {
  return onnx.ValueInfoProto.create({
    name: v.name,
    type: {
      tensorType: {
        elemType: ELEM[v.dtype ?? 'float32'],
        ...(v.shape ? { shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } : {}),
      },
    },
  });
}

function tensorProto(t: BuilderInit) {
  const dtype = t.dtype ?? 'float32';
  const base = { name: t.name, dims: t.shape, dataType: ELEM[dtype] };
  if (dtype === 'float32') return onnx.TensorProto.create({ ...base, floatData: Array.from(t.data) });
  if (dtype === 'float64') return onnx.TensorProto.create({ ...base, doubleData: Array.from(t.data) });
  if (dtype === 'int64') return onnx.TensorProto.create({ ...base, int64Data: Array.from(t.data) });
  return onnx.TensorProto.create({ ...base, int32Data: Array.from(t.data) });
}

function attribute(name: string, v: BuilderAttr) {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return { name, type: A.INT, i: v };
  if (typeof v === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) {
    if (v.length > 0 && typeof v[0] === 'string') {
      return { name, type: A.STRINGS, strings: (v as string[]).map((s) => new TextEncoder().encode(s)) };
    }
    return { name, type: A.INTS, ints: v as number[] };
  }
  if ('float' in v) return { name, type: A.FLOAT, f: v.float };
  return { name, type: A.FLOATS, floats: v.floats };
}

export function buildModel(m: BuilderModel): Uint8Array {
  const graph = onnx.GraphProto.create({
    name: 'test',
    node: m.nodes.map((n, i) =>
      onnx.NodeProto.create({
        name: n.name ?? `${n.op.toLowerCase()}_${i}`,
        opType: n.op,
        domain: n.domain ?? '',
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
      }),
    ),
    input: m.inputs.map(valueInfo),
    output: m.outputs.map(valueInfo),
    initializer: (m.initializers ?? []).map(tensorProto),
  });
  const model = onnx.ModelProto.create({
    irVersion: m.irVersion ?? 8,
    producerName: 'edgec-test',
    opsetImport: [{ domain: '', version: m.opset ?? 18 }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

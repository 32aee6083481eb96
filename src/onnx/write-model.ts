/**
 * Graph -> ONNX. The file is standard ONNX that onnxruntime runs: the default-domain opset is
 * max(18, graph.opset) (the IR is in opset-18 form whatever the source opset was) with the
 * matching IR version, `com.edgec` version 1 is imported when an edgec op is present, initializers
 * are little-endian raw_data, every typed value gets a value_info, and a fused activation is
 * expanded back into a Relu or Clip node of its own (writing to the original value name, so
 * graph outputs and readers are unchanged). Deterministic: the same graph gives the same bytes.
 *
 * Not written: Node.meta (folded BatchNorm statistics), which has no ONNX form.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FileError, ModelError, describeNode } from '../errors.js';
import { type AttrValue, type Graph, type Node } from '../ir/graph.js';
import { makeTensor, type ValueType } from '../ir/tensor.js';
import { onnxFromDtype } from './dtypes.js';
import { onnx, type AttributeProto, type NodeProto } from './proto.js';
import { int64Field, writeTensor } from './write-tensor.js';

/** The IR version that goes with a default-domain opset (onnx/helper.py's VERSION_TABLE). */
export function irVersionForOpset(opset: number): number {
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

export function encodeModel(graph: Graph): Uint8Array {
  const opset = Math.max(18, graph.opset);
  const { nodes, types } = expandActivations(graph);
  const domains = [...new Set(nodes.map((n) => n.domain).filter((d) => d !== ''))].sort();
  const boundary = new Set([...graph.inputs.map((v) => v.name), ...graph.outputs.map((v) => v.name), ...graph.initializers.keys()]);
  const valueInfo = nodes.flatMap((n) => n.outputs).filter((name) => name !== '' && !boundary.has(name) && types.has(name));

  const model = onnx.ModelProto.create({
    irVersion: irVersionForOpset(opset),
    // No version: the same graph must give the same bytes whichever edgec release wrote it
    // (fixtures/ are checked byte for byte against what the fixture script writes).
    producerName: 'edgec',
    // com.edgec is at version 1; other domains' versions are not kept in the IR, and their ops are
    // unsupported anyway, so they are declared at 1 to keep the file well-formed.
    opsetImport: [{ domain: '', version: opset }, ...domains.map((domain) => ({ domain, version: 1 }))],
    ...(graph.docString ? { docString: graph.docString } : {}),
    graph: onnx.GraphProto.create({
      name: graph.name,
      node: nodes.map(writeNode),
      initializer: [...graph.initializers].map(([name, t]) => writeTensor(name, t)),
      input: graph.inputs.map((v) => writeValueInfo(v.name, v)),
      output: graph.outputs.map((v) => writeValueInfo(v.name, types.get(v.name) ?? v)),
      valueInfo: valueInfo.map((name) => writeValueInfo(name, types.get(name)!)),
    }),
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * Writes atomically: to a temporary file in the same folder, then renamed over `path`, so an
 * interrupted run leaves either the old file or the new one, never half of one.
 */
export function saveModel(graph: Graph, path: string): void {
  const bytes = encodeModel(graph);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new FileError(`cannot write ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/**
 * The graph's nodes with each fused activation turned back into a node that follows its producer,
 * and the value types including the new pre-activation values. The graph itself is not changed.
 */
function expandActivations(graph: Graph): { nodes: Node[]; types: Map<string, ValueType> } {
  const taken = new Set<string>([...graph.types.keys(), ...graph.initializers.keys(), ...graph.inputs.map((v) => v.name)]);
  for (const n of graph.nodes) [n.name, ...n.outputs].forEach((v) => taken.add(v));
  const fresh = (base: string) => {
    let name = base;
    for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };

  const out: Node[] = [];
  const types = new Map(graph.types);
  for (const node of graph.nodes) {
    const act = node.activation;
    if (!act) {
      out.push(node);
      continue;
    }
    const result = node.outputs[0]!;
    const before = fresh(`${result}_before_${act.kind}`);
    const type = graph.types.get(result);
    if (type) types.set(before, type);
    const { activation: _, ...plain } = node;
    out.push({ ...plain, outputs: [before, ...node.outputs.slice(1)] });
    if (act.kind === 'relu') {
      out.push({ name: fresh(`${node.name}_relu`), op: 'Relu', domain: '', inputs: [before], outputs: [result], attrs: {} });
    } else {
      // Clip's bounds must have the input's element type.
      const dtype = type?.dtype ?? 'float32';
      const lo = fresh(`${node.name}_clip_min`);
      const hi = fresh(`${node.name}_clip_max`);
      const attrs = { value: (v: number): AttrValue => ({ kind: 'tensor', value: makeTensor(dtype, [], [v]) }) };
      out.push({ name: fresh(`${node.name}_clip_min_const`), op: 'Constant', domain: '', inputs: [], outputs: [lo], attrs: { value: attrs.value(act.min) } });
      out.push({ name: fresh(`${node.name}_clip_max_const`), op: 'Constant', domain: '', inputs: [], outputs: [hi], attrs: { value: attrs.value(act.max) } });
      out.push({ name: fresh(`${node.name}_clip`), op: 'Clip', domain: '', inputs: [before, lo, hi], outputs: [result], attrs: {} });
    }
  }
  return { nodes: out, types };
}

function writeNode(node: Node): NodeProto {
  return onnx.NodeProto.create({
    name: node.name,
    opType: node.op,
    domain: node.domain,
    input: node.inputs,
    output: node.outputs,
    attribute: Object.keys(node.attrs)
      .sort()
      .map((name) => writeAttribute(name, node.attrs[name]!, node)),
  });
}

function writeAttribute(name: string, a: AttrValue, node: Node): AttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.kind) {
    case 'int':
      return { name, type: T.INT, i: int64Field(a.value) };
    case 'float':
      return { name, type: T.FLOAT, f: a.value };
    case 'string':
      return { name, type: T.STRING, s: new TextEncoder().encode(a.value) };
    case 'ints':
      return { name, type: T.INTS, ints: a.value.map(int64Field) };
    case 'floats':
      return { name, type: T.FLOATS, floats: a.value };
    case 'strings':
      return { name, type: T.STRINGS, strings: a.value.map((s) => new TextEncoder().encode(s)) };
    case 'tensor':
      return { name, type: T.TENSOR, t: writeTensor('', a.value) };
    case 'graph':
      throw new ModelError(`${describeNode(node)}: its subgraph attribute "${name}" cannot be written (edgec does not keep subgraphs)`);
  }
}

function writeValueInfo(name: string, type: ValueType) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: onnxFromDtype(type.dtype),
        shape: { dim: type.shape.map((d) => (d >= 0 ? { dimValue: d } : {})) },
      },
    },
  });
}

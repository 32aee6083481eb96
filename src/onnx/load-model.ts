/**
 * ONNX file -> Graph. Decodes the protobuf, checks versions (IR 3 and later, default-domain opset
 * 1 to 21), reads initializers and Constant nodes as constants, binds input shapes, names unnamed
 * nodes, upgrades legacy op forms to the canonical opset-18 ones and sorts the nodes.
 *
 * It does not run shape inference: the caller runs inferTypes, so `inspect` can first list every
 * unsupported op at once. Every failure is a typed error naming the file: FileError when the file
 * cannot be read, ModelError when its contents are not a model edgec can use.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EdgecError, FileError, ModelError, describeNode } from '../errors.js';
import { makeGraph, type Graph, type Node, type ValueInfo } from '../ir/graph.js';
import type { Tensor } from '../ir/tensor.js';
import { toposort } from '../ir/toposort.js';
import { dtypeFromOnnx } from './dtypes.js';
import { bindGraphInputs, declaredShape } from './input-shapes.js';
import { onnx, toInt, type GraphProto, type ModelProto, type NodeProto, type ValueInfoProto } from './proto.js';
import { constantNodeValue } from './constant-node.js';
import { readAttributes } from './read-attributes.js';
import { readTensor, type TensorContext } from './read-tensor.js';
import { upgradeLegacyForms } from './upgrade-legacy-forms.js';

export { parseInputShapes } from './input-shapes.js';

export const MIN_OPSET = 1;
export const MAX_OPSET = 21;
const MIN_IR_VERSION = 3;

export interface LoadOptions {
  /** Input name -> full shape, overriding the model's symbolic or missing dimensions. */
  inputShapes?: Record<string, number[]>;
}

export interface DecodeOptions extends LoadOptions {
  /** The file the bytes came from, for messages. */
  source: string;
  /** The model's folder, where external data may live (absent: external data is refused). */
  baseDir?: string;
}

export function loadModel(path: string, options: LoadOptions = {}): Graph {
  return decodeModel(readModelFile(path), { ...options, source: path, baseDir: dirname(resolve(path)) });
}

/** A protobuf message cannot exceed 2 GiB; larger models keep their weights in external data. */
const MAX_MODEL_BYTES = 2 ** 31;

function readModelFile(path: string): Uint8Array {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new FileError(`${path} is a directory, not an ONNX model file`);
    // Devices and pipes could stream forever (/dev/zero); a model is a regular file.
    if (!stat.isFile()) throw new FileError(`${path} is not a regular file`);
    if (stat.size > MAX_MODEL_BYTES) throw new ModelError(`${path} is not a valid ONNX model: it is larger than 2 GiB, the protobuf limit`);
    return readFileSync(path);
  } catch (e) {
    if (e instanceof EdgecError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new FileError(`${path}: no such file`);
    throw new FileError(`cannot read ${path} (${code ?? String(e)})`);
  }
}

export function decodeModel(bytes: Uint8Array, options: DecodeOptions): Graph {
  try {
    return decodeGraph(bytes, options);
  } catch (e) {
    // Errors from shared code (toposort, graph helpers) name the node; add the file they are in.
    if (e instanceof ModelError && !e.message.includes(options.source)) throw new ModelError(`${options.source}: ${e.message}`);
    throw e;
  }
}

function decodeGraph(bytes: Uint8Array, options: DecodeOptions): Graph {
  const { source } = options;
  const ctx: TensorContext = { source, ...(options.baseDir !== undefined ? { baseDir: options.baseDir } : {}) };
  const model = parseModelProto(bytes, source);
  const { irVersion, opset } = checkVersions(model, source);
  const graphProto = model.graph!;
  checkNames(graphProto, source);

  const initializers = readInitializers(graphProto, ctx);
  const nodes = readNodes(graphProto.node ?? [], initializers, ctx);
  const inputs = bindGraphInputs(graphProto.input ?? [], new Set(initializers.keys()), options.inputShapes ?? {}, source);
  const graph = makeGraph({
    name: graphProto.name || 'graph',
    inputs,
    outputs: (graphProto.output ?? []).map((o) => readOutput(o, source)),
    nodes,
    initializers,
    opset,
    irVersion,
    producer: { name: model.producerName ?? '', version: model.producerVersion ?? '' },
    ...(model.docString ? { docString: model.docString } : {}),
  });
  for (const input of graph.inputs) graph.types.set(input.name, { dtype: input.dtype, shape: [...input.shape] });
  for (const [name, t] of initializers) graph.types.set(name, { dtype: t.dtype, shape: [...t.shape] });
  checkValueNames(graph, source);

  upgradeLegacyForms(graph);
  graph.nodes = toposort(graph);
  return graph;
}

function parseModelProto(bytes: Uint8Array, source: string): ModelProto {
  const invalid = (why: string) => new ModelError(`${source} is not a valid ONNX model: ${why}`);
  if (bytes.length === 0) throw invalid('the file is empty');
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    // protobufjs reports truncation and garbage as plain Errors (or a RangeError for deep nesting).
    const detail = `${e instanceof Error ? e.message : String(e)}`.split('\n')[0]!;
    throw invalid(`the protobuf data is truncated or corrupt (${detail})`);
  }
  if (!model.graph) throw invalid('it has no graph');
  if (!toInt(model.irVersion)) throw invalid('it has no IR version');
  return model;
}

function checkVersions(model: ModelProto, source: string): { irVersion: number; opset: number } {
  const irVersion = toInt(model.irVersion)!;
  if (irVersion < MIN_IR_VERSION) {
    throw new ModelError(`${source} has IR version ${irVersion}; edgec reads IR version ${MIN_IR_VERSION} and later`);
  }
  const imports = (model.opsetImport ?? []).filter((o) => !o.domain || o.domain === 'ai.onnx');
  if (imports.length === 0) throw new ModelError(`${source} imports no opset of the default ONNX domain`);
  const opset = toInt(imports[0]!.version);
  if (opset === undefined || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new ModelError(`${source} uses opset ${String(imports[0]!.version)} of the default ONNX domain; edgec supports opsets ${MIN_OPSET} to ${MAX_OPSET}`);
  }
  return { irVersion, opset };
}

function readInitializers(graph: GraphProto, ctx: TensorContext): Map<string, Tensor> {
  if ((graph.sparseInitializer ?? []).length > 0) {
    throw new ModelError(`${ctx.source} has sparse initializers, which edgec does not support`);
  }
  const initializers = new Map<string, Tensor>();
  for (const proto of graph.initializer ?? []) {
    const name = proto.name ?? '';
    if (name === '') throw new ModelError(`${ctx.source} has an initializer without a name`);
    if (initializers.has(name)) throw new ModelError(`${ctx.source} defines initializer "${name}" twice`);
    initializers.set(name, readTensor(proto, ctx));
  }
  return initializers;
}

/** Reads the nodes; Constant nodes become initializers. Unnamed or clashing nodes get `<op>_<index>`. */
function readNodes(protos: NodeProto[], initializers: Map<string, Tensor>, ctx: TensorContext): Node[] {
  const taken = new Set(protos.map((p) => p.name ?? '').filter((n) => n !== ''));
  const seen = new Set<string>();
  const nodes: Node[] = [];
  protos.forEach((proto, index) => {
    const op = proto.opType ?? '';
    if (op === '') throw new ModelError(`${ctx.source}: node ${index} has no op type`);
    let name = proto.name ?? '';
    if (name === '' || seen.has(name)) name = uniqueName(`${op}_${index}`, taken);
    seen.add(name);
    const domain = proto.domain === 'ai.onnx' ? '' : (proto.domain ?? '');
    const node: Node = { name, op, domain, inputs: [...(proto.input ?? [])], outputs: [...(proto.output ?? [])], attrs: {} };
    node.attrs = readAttributes(proto.attribute ?? [], node, ctx);
    if (domain === '' && op === 'Constant') {
      const output = node.outputs[0];
      if (node.outputs.length !== 1 || !output) throw new ModelError(`${describeNode(node)} in ${ctx.source} must have one output`);
      if (initializers.has(output)) throw new ModelError(`${ctx.source} defines "${output}" twice (initializer and ${describeNode(node)})`);
      initializers.set(output, constantNodeValue(node, ctx.source));
      return;
    }
    nodes.push(node);
  });
  return nodes;
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

/** Graph outputs as declared; a dimension the model leaves unknown is -1 until inferTypes runs. */
function readOutput(info: ValueInfoProto, source: string): ValueInfo {
  const name = info.name ?? '';
  const label = `output "${name}" of ${source}`;
  const elemType = info.type?.tensorType?.elemType;
  const dtype = elemType ? dtypeFromOnnx(elemType, label) : 'float32';
  const shape = (declaredShape(info, label) ?? []).map((d, i) => d ?? (i === 0 ? 1 : -1));
  return { name, dtype, shape };
}

/**
 * Names end up in messages, reports and generated code; a name with a control character (a line
 * break, say) would break the one-line error contract and the files edgec writes. No exporter
 * writes such names, so a file that has them is refused.
 */
function checkNames(graph: GraphProto, source: string): void {
  const bad = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
  const check = (name: string | null | undefined, what: string) => {
    if (name && bad.test(name)) throw new ModelError(`${source}: ${what} ${JSON.stringify(name)} contains a control character`);
  };
  for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.initializer ?? [])]) check(v.name, 'value name');
  for (const n of graph.node ?? []) {
    check(n.name, 'node name');
    check(n.opType, 'op type');
    check(n.domain, 'domain');
    for (const v of [...(n.input ?? []), ...(n.output ?? [])]) check(v, 'value name');
    for (const a of n.attribute ?? []) check(a.name, 'attribute name');
  }
}

/** Every value is written once (SSA), and every graph output is computed by something. */
function checkValueNames(graph: Graph, source: string): void {
  const inputNames = graph.inputs.map((i) => i.name);
  const twice = inputNames.find((name, i) => inputNames.indexOf(name) !== i);
  if (twice !== undefined) throw new ModelError(`${source}: graph input "${twice}" is declared twice`);
  const defined = new Set<string>(graph.types.keys());
  for (const node of graph.nodes) {
    for (const out of node.outputs) {
      if (out === '') continue;
      if (defined.has(out)) throw new ModelError(`${describeNode(node)} in ${source} writes "${out}", which is already defined`);
      defined.add(out);
    }
  }
  for (const out of graph.outputs) {
    if (!defined.has(out.name)) throw new ModelError(`${source}: graph output "${out.name}" is not computed by any node`);
  }
}

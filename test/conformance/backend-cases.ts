/**
 * The ONNX backend test data as Debian's libonnx-testdata installs it: one folder per test with
 * `model.onnx` and `test_data_set_N/{input,output}_K.pb` (TensorProto files). This module finds the
 * tests, reads their tensors, runs one test through edgec (loadModel -> inferTypes -> runGraph)
 * and compares with the stored outputs, the way onnx's own backend test runner does.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inferTypes } from '../../src/engine/infer-types.js';
import { runGraph } from '../../src/engine/run-graph.js';
import type { Graph } from '../../src/ir/graph.js';
import { bfloat16ToFloat } from '../../src/ir/bfloat16.js';
import { isFloatType, makeTensor, type DType, type Tensor } from '../../src/ir/tensor.js';
import { ModelError } from '../../src/errors.js';
import { loadModel, MAX_OPSET, MIN_OPSET } from '../../src/onnx/load-model.js';
import { onnx } from '../../src/onnx/proto.js';
import { readTensor } from '../../src/onnx/read-tensor.js';
import { findOp } from '../../src/ops/registry.js';

export const DATA_ROOT = '/usr/share/libonnx-testdata/data';
export const SUITES = ['node', 'pytorch-converted'] as const;
export const HAVE_TESTDATA = SUITES.every((s) => existsSync(join(DATA_ROOT, s)));

/**
 * Tolerances. The brief's rtol 1e-4 / atol 1e-5, or onnx's runner's own (rtol 1e-3, atol 1e-7,
 * onnx/backend/test/loader) where that is looser: an element passes if either bound holds.
 */
export const TOLERANCES = [
  { rtol: 1e-4, atol: 1e-5 },
  { rtol: 1e-3, atol: 1e-7 },
];

export interface BackendCase {
  suite: string;
  name: string;
  dir: string;
}

interface DataSet {
  inputs: Tensor[];
  inputNames: string[];
  outputs: Tensor[];
}

export function listCases(): BackendCase[] {
  return SUITES.flatMap((suite) =>
    readdirSync(join(DATA_ROOT, suite), { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(DATA_ROOT, suite, e.name, 'model.onnx')))
      .map((e) => ({ suite, name: e.name, dir: join(DATA_ROOT, suite, e.name) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  );
}

function readTensorFile(path: string): { name: string; tensor: Tensor } {
  const proto = onnx.TensorProto.decode(readFileSync(path));
  return { name: proto.name ?? '', tensor: readTensor(proto, { source: path }) };
}

function readFiles(dir: string, prefix: string): { name: string; tensor: Tensor }[] {
  const count = readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.pb')).length;
  return Array.from({ length: count }, (_, i) => readTensorFile(join(dir, `${prefix}${i}.pb`)));
}

function readDataSets(c: BackendCase): DataSet[] {
  return readdirSync(c.dir)
    .filter((d) => d.startsWith('test_data_set_'))
    .sort()
    .map((d) => {
      const inputs = readFiles(join(c.dir, d), 'input_');
      return { inputs: inputs.map((i) => i.tensor), inputNames: inputs.map((i) => i.name), outputs: readFiles(join(c.dir, d), 'output_').map((o) => o.tensor) };
    });
}

/**
 * Why edgec cannot even try this test, or undefined if it can: an op it does not define, or an
 * opset outside the range the loader reads. Read from the protobuf directly, so that a model using
 * an unsupported op is reported as such even when it also uses types edgec does not carry.
 */
export function notRunReason(c: BackendCase): string | undefined {
  const model = onnx.ModelProto.decode(readFileSync(join(c.dir, 'model.onnx')));
  const missing = new Set<string>();
  for (const node of model.graph?.node ?? []) {
    const domain = node.domain ?? '';
    if (!findOp(domain, node.opType ?? '') && !(node.opType === 'Constant' && domain === '')) {
      missing.add(domain && domain !== 'ai.onnx' ? `${domain}::${node.opType}` : (node.opType ?? ''));
    }
  }
  if (missing.size > 0) return `unsupported op ${[...missing].join(', ')}`;
  const opset = model.opsetImport?.find((o) => !o.domain || o.domain === 'ai.onnx')?.version;
  const version = opset === undefined || opset === null ? undefined : Number(opset);
  if (version === undefined || version < MIN_OPSET || version > MAX_OPSET) {
    return `opset ${version ?? 'none'} of the default domain (edgec reads ${MIN_OPSET} to ${MAX_OPSET})`;
  }
  return undefined;
}

/**
 * ONNX 1.12 wrote the data of bfloat16 values as uint16 tensors of their bit patterns (numpy had
 * no bfloat16); read against a value the model declares bfloat16, they are those patterns.
 */
function asDeclared(t: Tensor, declared: DType | undefined): Tensor {
  if (declared !== 'bfloat16' || t.dtype !== 'uint16') return t;
  return makeTensor('bfloat16', t.shape, Array.from(t.data, bfloat16ToFloat));
}

/** Graph input name for each input file: by the name the file carries, else by position. */
function bindInputs(graph: Graph, set: DataSet): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  set.inputs.forEach((t, i) => {
    const byName = graph.inputs.find((g) => g.name === set.inputNames[i]);
    const input = byName ?? graph.inputs[i];
    if (input) feeds[input.name] = asDeclared(t, input.dtype);
  });
  return feeds;
}

/** edgec plans static shapes, so an operand that decides a shape must be known before running. */
const NEEDS_CONSTANT = /must be known before running|must be a constant/;

/**
 * Loads the model with its inputs bound to the data's shapes and infers types. Backend tests often
 * feed shape operands (Reshape's shape, Slice's starts, Resize's scales) as graph inputs; edgec
 * refuses such dynamic shapes, so then, and only then, every input is bound as a constant (the
 * test's own value), which is what exporting that operand as a constant would give.
 */
function prepare(c: BackendCase, set: DataSet): { graph: Graph; feeds: Record<string, Tensor>; frozen: boolean } {
  const path = join(c.dir, 'model.onnx');
  const feeds = bindInputs(loadModel(path), set);
  const inputShapes = Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, [...t.shape]]));
  const graph = loadModel(path, { inputShapes });
  try {
    inferTypes(graph);
    return { graph, feeds, frozen: false };
  } catch (e) {
    if (!(e instanceof ModelError) || !NEEDS_CONSTANT.test(e.message)) throw e;
  }
  const frozen = loadModel(path, { inputShapes });
  for (const [name, t] of Object.entries(feeds)) frozen.initializers.set(name, t);
  frozen.inputs = [];
  inferTypes(frozen);
  return { graph: frozen, feeds: {}, frozen: true };
}

export interface CaseResult {
  /** What differs, or undefined when every output of every data set matches. */
  problem?: string;
  /** Whether the inputs had to be bound as constants (see prepare). */
  frozen: boolean;
}

/** Runs every data set of a test through loadModel -> inferTypes -> runGraph and compares. */
export function runCase(c: BackendCase): CaseResult {
  let frozen = false;
  const sets = readDataSets(c);
  // A test with nothing to compare must not count as passed.
  if (sets.length === 0 || sets.some((s) => s.outputs.length === 0)) return { problem: 'no data set with expected outputs', frozen };
  for (const [k, set] of sets.entries()) {
    const prepared = prepare(c, set);
    frozen ||= prepared.frozen;
    const { graph } = prepared;
    const results = runGraph(graph, prepared.feeds);
    for (const [i, expected] of set.outputs.entries()) {
      const out = graph.outputs[i];
      const actual = out && results.get(out.name);
      if (!out || !actual) return { problem: `data set ${k}: output ${i} is missing`, frozen };
      const problem = compare(actual, asDeclared(expected, out.dtype));
      if (problem) return { problem: `data set ${k}, output ${i} ("${out.name}"): ${problem}`, frozen };
      const inferred = graph.types.get(out.name)!;
      if (inferred.shape.join() !== expected.shape.join()) {
        return { problem: `data set ${k}, output ${i}: inferred shape [${inferred.shape}], computed [${expected.shape}]`, frozen };
      }
    }
  }
  return { frozen };
}

/** undefined when `actual` matches `expected` (dtype, shape, values within TOLERANCES). */
export function compare(actual: Tensor, expected: Tensor): string | undefined {
  if (actual.dtype !== expected.dtype) return `dtype ${actual.dtype}, expected ${expected.dtype}`;
  if (actual.shape.join() !== expected.shape.join()) return `shape [${actual.shape}], expected [${expected.shape}]`;
  const float = isFloatType(expected.dtype);
  for (let i = 0; i < expected.data.length; i++) {
    const [a, b] = [actual.data[i]!, expected.data[i]!];
    if (Number.isNaN(b) ? Number.isNaN(a) : a === b) continue;
    const bound = Math.max(...TOLERANCES.map((t) => t.atol + t.rtol * Math.abs(b)));
    if (!float || !(Math.abs(a - b) <= bound)) return `element ${i} is ${a}, expected ${b}`;
  }
  return undefined;
}

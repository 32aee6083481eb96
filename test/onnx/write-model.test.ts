/**
 * The writer: standard ONNX that onnxruntime runs with the same results as edgec's engine on the
 * IR (fused activations expanded back into Relu/Clip nodes), raw_data initializers in their own
 * dtype, value_info for every typed value, the right opset and IR version, deterministic bytes,
 * and atomic saves that leave no half-written file.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import { FileError } from '../../src/errors.js';
import { inferTypes } from '../../src/engine/infer-types.js';
import { runGraph } from '../../src/engine/run-graph.js';
import { EDGEC_DOMAIN, makeGraph, type Graph, type Node } from '../../src/ir/graph.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { decodeModel, loadModel } from '../../src/onnx/load-model.js';
import { encodeModel, saveModel } from '../../src/onnx/write-model.js';
import { maxAbsDiff, runOrt } from '../helpers/ort.js';
import { randomTensor } from '../helpers/random.js';

const { onnx } = onnxProto;
const root = mkdtempSync(join(tmpdir(), 'edgec-write-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const node = (name: string, op: string, inputs: string[], outputs: string[], extra: Partial<Node> = {}): Node => ({
  name,
  op,
  domain: '',
  inputs,
  outputs,
  attrs: {},
  ...extra,
});

/** x [2, 4] -> Gemm(+relu) -> Add(+clip [-0.5, 0.75]) -> y: the activations exist only as fused fields. */
function fusedGraph(): Graph {
  const graph = makeGraph({
    name: 'fused',
    inputs: [{ name: 'x', dtype: 'float32', shape: [2, 4] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [2, 3] }],
    nodes: [
      node('fc', 'Gemm', ['x', 'w', 'b'], ['h'], { attrs: { transB: { kind: 'int', value: 1 } }, activation: { kind: 'relu' } }),
      node('shift', 'Add', ['h', 'c'], ['y'], { activation: { kind: 'clip', min: -0.5, max: 0.75 } }),
    ],
    opset: 13,
  });
  graph.initializers.set('w', randomTensor([3, 4], 1));
  graph.initializers.set('b', randomTensor([3], 2));
  graph.initializers.set('c', randomTensor([3], 3, -1, 0));
  inferTypes(graph);
  return graph;
}

describe('written models run in onnxruntime as in edgec', () => {
  it('expands fused Relu and Clip into nodes of their own', async () => {
    const graph = fusedGraph();
    const bytes = encodeModel(graph);
    const model = onnx.ModelProto.decode(bytes);
    expect(model.graph!.node!.map((n) => n.opType)).toEqual(['Gemm', 'Relu', 'Add', 'Constant', 'Constant', 'Clip']);
    const x = randomTensor([2, 4], 4, -3, 3);
    const ours = runGraph(graph, { x }).get('y')!;
    const ref = (await runOrt(bytes, { x })).get('y')!;
    expect(ref.shape).toEqual([2, 3]);
    expect(maxAbsDiff(ours.data, ref.data)).toBeLessThanOrEqual(1e-6);
    // The graph itself is left as it was.
    expect(graph.nodes.map((n) => n.activation?.kind)).toEqual(['relu', 'clip']);
  });

  it('writes value_info for every typed intermediate value, with its shape', () => {
    const graph = fusedGraph();
    const model = onnx.ModelProto.decode(encodeModel(graph));
    const info = new Map(model.graph!.valueInfo!.map((v) => [v.name!, v.type!.tensorType!.shape!.dim!.map((d) => Number(d.dimValue))]));
    // h and the two pre-activation values (h before relu, y before clip).
    expect(info.size).toBe(3);
    for (const shape of info.values()) expect(shape.length).toBe(2);
    expect(info.get('h')).toEqual([2, 3]);
  });

  it('keeps the int64 sentinels of Slice (2^63-1 must not wrap negative)', async () => {
    const graph = makeGraph({
      inputs: [{ name: 'x', dtype: 'float32', shape: [3, 4] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: [2, 4] }],
      nodes: [node('s', 'Slice', ['x', 'starts', 'ends'], ['y'])],
    });
    graph.initializers.set('starts', makeTensor('int64', [1], [1]));
    graph.initializers.set('ends', makeTensor('int64', [1], [2 ** 63]));
    const x = randomTensor([3, 4], 5);
    const ref = (await runOrt(encodeModel(graph), { x })).get('y')!;
    expect(ref.shape).toEqual([2, 4]);
    expect(Array.from(ref.data)).toEqual(Array.from(x.data.subarray(4)));
    const attrNode = makeGraph({ inputs: [], outputs: [], nodes: [node('n', 'Foo', [], [], { attrs: { big: { kind: 'int', value: 2 ** 63 }, small: { kind: 'ints', value: [-(2 ** 63)] } } })] });
    const attrs = onnx.ModelProto.decode(encodeModel(attrNode)).graph!.node![0]!.attribute!;
    expect(String(attrs.find((a) => a.name === 'big')!.i)).toBe('9223372036854775807');
    expect(String(attrs.find((a) => a.name === 'small')!.ints![0])).toBe('-9223372036854775808');
  });
});

describe('file format', () => {
  it('stores initializers as raw_data in their dtype, float16 and int64 exactly', () => {
    const half = makeTensor('float16', [4], [1, -2.5, 65504, 2 ** -24]);
    const graph = makeGraph({ inputs: [], outputs: [{ name: 'h', dtype: 'float16', shape: [4] }], nodes: [] });
    const tensors: Record<string, Tensor> = {
      h: half,
      i: makeTensor('int64', [3], [-(2 ** 53), 7, 2 ** 53]),
      u: makeTensor('uint8', [2], [0, 255]),
      f: randomTensor([5], 6),
    };
    for (const [k, t] of Object.entries(tensors)) graph.initializers.set(k, t);
    const bytes = encodeModel(graph);
    const model = onnx.ModelProto.decode(bytes);
    const sizes = Object.fromEntries(model.graph!.initializer!.map((t) => [t.name!, [t.dataType, t.rawData!.length, t.floatData!.length]]));
    expect(sizes).toEqual({ h: [10, 8, 0], i: [7, 24, 0], u: [2, 2, 0], f: [1, 20, 0] });
    const back = decodeModel(bytes, { source: 'mem' });
    for (const [k, t] of Object.entries(tensors)) {
      expect(back.initializers.get(k)!.dtype).toBe(t.dtype);
      expect(Array.from(back.initializers.get(k)!.data)).toEqual(Array.from(t.data));
    }
  });

  it('imports opset max(18, graph opset) with its IR version, and com.edgec when used', () => {
    const imports = (g: Graph) => {
      const m = onnx.ModelProto.decode(encodeModel(g));
      return [Number(m.irVersion), m.opsetImport!.map((o) => `${o.domain}:${Number(o.version)}`)];
    };
    const base = () => fusedGraph();
    expect(imports({ ...base(), opset: 12 })).toEqual([8, [':18']]);
    expect(imports({ ...base(), opset: 19 })).toEqual([9, [':19']]);
    expect(imports({ ...base(), opset: 21 })).toEqual([10, [':21']]);
    const withAffine = base();
    withAffine.nodes.push(node('affine', 'ChannelAffine', ['y', 'b', 'b'], ['z'], { domain: EDGEC_DOMAIN }));
    expect(imports(withAffine)).toEqual([8, [':18', 'com.edgec:1']]);
  });

  it('is deterministic, and stable across a load/save round trip', () => {
    const first = encodeModel(fusedGraph());
    expect(Buffer.from(encodeModel(fusedGraph())).equals(Buffer.from(first))).toBe(true);
    const reloaded = decodeModel(first, { source: 'mem' });
    inferTypes(reloaded);
    const second = encodeModel(reloaded);
    const again = decodeModel(second, { source: 'mem' });
    inferTypes(again);
    expect(Buffer.from(encodeModel(again)).equals(Buffer.from(second))).toBe(true);
  });
});

describe('saveModel', () => {
  it('writes a file that loads, replacing an old one, leaving no temporary file', () => {
    const folder = join(root, 'save');
    mkdirSync(folder);
    const path = join(folder, 'model.onnx');
    writeFileSync(path, 'old contents');
    saveModel(fusedGraph(), path);
    expect(readdirSync(folder)).toEqual(['model.onnx']);
    expect(Buffer.from(readFileSync(path)).equals(Buffer.from(encodeModel(fusedGraph())))).toBe(true);
    expect(loadModel(path).nodes.map((n) => n.op)).toEqual(['Gemm', 'Relu', 'Add', 'Clip']);
  });

  it('is a FileError naming the path when it cannot write, and leaves nothing behind', () => {
    const missing = join(root, 'no-such-folder', 'model.onnx');
    expect(() => saveModel(fusedGraph(), missing)).toThrow(FileError);
    expect(() => saveModel(fusedGraph(), missing)).toThrow(/cannot write .*no-such-folder\/model\.onnx \(ENOENT\)/);
    const dir = join(root, 'is-a-dir');
    mkdirSync(dir);
    expect(() => saveModel(fusedGraph(), dir)).toThrow(FileError);
    expect(readdirSync(root).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(dir)).toBe(true);
  });
});

/**
 * Each opset 1-6 rewrite (src/onnx/upgrade-opsets-1-to-6.ts) on a model at the old opset, run in
 * edgec, against onnxruntime. onnxruntime has no kernels for most ops before opset 7 ("Could not
 * find an implementation for Add(6)"), so unless it runs the old file itself, it runs `modern`:
 * the same computation written at opset 13 by hand from the ONNX Changelog's description of the
 * old op (e.g. Add-6 with axis=1 and B [3, 4] on A [2, 3, 4, 5] is Add-13 with B [3, 4, 1]).
 * The upgraded graph, written back with edgec's writer, must also run in onnxruntime and agree:
 * no legacy attribute may survive into the canonical form. Tolerance 0 unless a case says.
 */
import { describe, expect, it } from 'vitest';
import { inferTypes } from '../../src/engine/infer-types.js';
import { runGraph } from '../../src/engine/run-graph.js';
import type { Graph } from '../../src/ir/graph.js';
import { decodeModel } from '../../src/onnx/load-model.js';
import { encodeModel } from '../../src/onnx/write-model.js';
import { buildModel, type BuilderDType, type BuilderInit, type BuilderNode } from '../helpers/onnx-builder.js';
import { maxAbsDiff, runOrt } from '../helpers/ort.js';
import { randomTensor } from '../helpers/random.js';

interface OldOpsetCase {
  name: string;
  opset: number;
  nodes: BuilderNode[];
  /** Float graph inputs and their shapes. */
  inputs: Record<string, number[]>;
  initializers?: BuilderInit[];
  /** The same computation at opset 13, for onnxruntime; absent when it runs the old model. */
  modern?: { nodes: BuilderNode[]; initializers?: BuilderInit[] };
  outputDtype?: BuilderDType;
  range?: [number, number];
  tolerance?: number;
  /** The ops of the upgraded graph, in order. */
  ops: string[];
  check?: (graph: Graph) => void;
}

const LEGACY_ATTRS = ['consumed_inputs', 'broadcast', 'is_test', 'height_scale', 'width_scale'];
const node = (op: string, inputs: string[], attrs: BuilderNode['attrs'] = {}, outputs = ['y']): BuilderNode => ({ op, inputs, outputs, attrs });
const init = (name: string, shape: number[], data: number[], dtype: BuilderDType = 'float32'): BuilderInit => ({ name, shape, data, dtype });
const shapeOfInput = (input: number) => (g: Graph) => g.initializers.get(g.nodes.at(-1)!.inputs[input]!)?.shape;

const B34 = [0.5, -1, 1.5, 2, -0.25, 0.75, 1, -2, 0.1, 0.2, -0.3, 3];
const CASES: OldOpsetCase[] = [
  {
    name: 'Add-6 broadcast, axis=1, constant B [3,4] on A [2,3,4,5]: B becomes [3,4,1]',
    opset: 6,
    nodes: [node('Add', ['x', 'b'], { broadcast: 1, axis: 1 })],
    inputs: { x: [2, 3, 4, 5] },
    initializers: [init('b', [3, 4], B34)],
    modern: { nodes: [node('Add', ['x', 'b'])], initializers: [init('b', [3, 4, 1], B34)] },
    ops: ['Add'],
    check: (g) => expect(shapeOfInput(1)(g)).toEqual([3, 4, 1]),
  },
  {
    name: 'Mul-6 broadcast, axis=1, B a graph input [3] on A [2,3,4]: an Unsqueeze',
    opset: 6,
    nodes: [node('Mul', ['x', 'b'], { broadcast: 1, axis: 1 })],
    inputs: { x: [2, 3, 4], b: [3] },
    modern: { nodes: [node('Unsqueeze', ['b', 'axes'], {}, ['b1']), node('Mul', ['x', 'b1'])], initializers: [init('axes', [1], [1], 'int64')] },
    ops: ['Unsqueeze', 'Mul'],
  },
  {
    name: 'Div-1 broadcast, axis=1, on the output of a Reshape-1 (rank inferred after its upgrade)',
    opset: 4,
    nodes: [node('Reshape', ['x'], { shape: [2, 3, 4] }, ['r']), node('Div', ['r', 'b'], { broadcast: 1, axis: 1, consumed_inputs: [0, 0] })],
    inputs: { x: [24] },
    initializers: [init('b', [3], [1.5, -2, 0.5])],
    modern: {
      nodes: [node('Reshape', ['x', 'shape'], {}, ['r']), node('Div', ['r', 'b'])],
      initializers: [init('shape', [3], [2, 3, 4], 'int64'), init('b', [3, 1], [1.5, -2, 0.5])],
    },
    ops: ['Reshape', 'Div'],
  },
  {
    name: 'Sub-1 broadcast without axis (suffix matching, as numpy), consumed_inputs',
    opset: 1,
    nodes: [node('Sub', ['x', 'b'], { broadcast: 1, consumed_inputs: [0, 0] })],
    inputs: { x: [2, 3] },
    initializers: [init('b', [3], [0.5, -1, 2])],
    modern: { nodes: [node('Sub', ['x', 'b'])], initializers: [init('b', [3], [0.5, -1, 2])] },
    ops: ['Sub'],
  },
  {
    name: 'Pow-1 broadcast, axis=0: exponent [3] on base [3,4]',
    opset: 1,
    nodes: [node('Pow', ['x', 'b'], { broadcast: 1, axis: 0 })],
    inputs: { x: [3, 4] },
    range: [0.5, 2],
    initializers: [init('b', [3], [2, 0.5, -1])],
    modern: { nodes: [node('Pow', ['x', 'b'])], initializers: [init('b', [3, 1], [2, 0.5, -1])] },
    tolerance: 1e-6,
    ops: ['Pow'],
  },
  {
    name: 'Greater-1 broadcast, axis=1 (bool output)',
    opset: 1,
    nodes: [node('Greater', ['x', 'b'], { broadcast: 1, axis: 1 })],
    inputs: { x: [2, 3, 4] },
    initializers: [init('b', [3], [-0.5, 0, 0.5])],
    modern: { nodes: [node('Greater', ['x', 'b'])], initializers: [init('b', [3, 1], [-0.5, 0, 0.5])] },
    outputDtype: 'bool',
    ops: ['Greater'],
  },
  {
    name: 'Gemm-6 broadcast=1, C [4]',
    opset: 6,
    nodes: [node('Gemm', ['x', 'w', 'c'], { broadcast: 1, alpha: { float: 0.5 } })],
    inputs: { x: [2, 3] },
    initializers: [init('w', [3, 4], B34), init('c', [4], [1, 2, 3, 4])],
    modern: { nodes: [node('Gemm', ['x', 'w', 'c'], { alpha: { float: 0.5 } })], initializers: [init('w', [3, 4], B34), init('c', [4], [1, 2, 3, 4])] },
    tolerance: 1e-6,
    ops: ['Gemm'],
  },
  {
    name: 'PRelu-6 constant slope [3] on a 4-D input: per channel, [3,1,1]',
    opset: 6,
    nodes: [node('PRelu', ['x', 's'])],
    inputs: { x: [2, 3, 4, 5] },
    initializers: [init('s', [3], [0.1, -0.5, 2])],
    modern: { nodes: [node('PRelu', ['x', 's'])], initializers: [init('s', [3, 1, 1], [0.1, -0.5, 2])] },
    ops: ['PRelu'],
    check: (g) => expect(shapeOfInput(1)(g)).toEqual([3, 1, 1]),
  },
  {
    name: 'PRelu-6 slope [3] a graph input, 3-D input: an Unsqueeze',
    opset: 6,
    nodes: [node('PRelu', ['x', 's'])],
    inputs: { x: [2, 3, 4], s: [3] },
    modern: { nodes: [node('Unsqueeze', ['s', 'axes'], {}, ['s1']), node('PRelu', ['x', 's1'])], initializers: [init('axes', [1], [1], 'int64')] },
    ops: ['Unsqueeze', 'PRelu'],
  },
  {
    name: 'PRelu-1 slope [3] on a 2-D input [N, C]: left as it is',
    opset: 1,
    nodes: [node('PRelu', ['x', 's'], { consumed_inputs: [0, 0] })],
    inputs: { x: [4, 3] },
    initializers: [init('s', [3], [0.1, -0.5, 2])],
    modern: { nodes: [node('PRelu', ['x', 's'])], initializers: [init('s', [3], [0.1, -0.5, 2])] },
    ops: ['PRelu'],
    check: (g) => expect(g.nodes[0]!.inputs).toEqual(['x', 's']),
  },
  {
    name: 'BatchNormalization-1 is_test=1, consumed_inputs',
    opset: 5,
    nodes: [node('BatchNormalization', ['x', 's', 'b', 'm', 'v'], { is_test: 1, consumed_inputs: [0, 0, 0, 1, 1], epsilon: { float: 1e-3 } })],
    inputs: { x: [1, 2, 3, 3] },
    initializers: [init('s', [2], [1.5, 0.5]), init('b', [2], [0.1, -0.2]), init('m', [2], [0.3, -0.1]), init('v', [2], [0.8, 1.7])],
    modern: {
      nodes: [node('BatchNormalization', ['x', 's', 'b', 'm', 'v'], { epsilon: { float: 1e-3 } })],
      initializers: [init('s', [2], [1.5, 0.5]), init('b', [2], [0.1, -0.2]), init('m', [2], [0.3, -0.1]), init('v', [2], [0.8, 1.7])],
    },
    tolerance: 1e-6,
    ops: ['BatchNormalization'],
  },
  {
    name: 'Dropout-6 is_test=1, ratio',
    opset: 6,
    nodes: [node('Dropout', ['x'], { is_test: 1, ratio: { float: 0.3 } })],
    inputs: { x: [2, 3] },
    modern: { nodes: [node('Identity', ['x'])] },
    ops: ['Dropout'],
  },
  {
    name: 'Upsample-1 height_scale/width_scale, nearest',
    opset: 1,
    nodes: [node('Upsample', ['x'], { height_scale: { float: 2 }, width_scale: { float: 3 }, mode: 'nearest' })],
    inputs: { x: [1, 2, 3, 3] },
    modern: { nodes: [node('Resize', ['x', '', 'scales'], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' })], initializers: [init('scales', [4], [1, 1, 2, 3])] },
    ops: ['Resize'],
  },
  {
    name: 'Tile-1 (tiles=2, axis=1)',
    opset: 1,
    nodes: [node('Tile', ['x', 'tiles', 'axis'])],
    inputs: { x: [2, 3] },
    initializers: [init('tiles', [], [2], 'int64'), init('axis', [], [1], 'int64')],
    modern: { nodes: [node('Tile', ['x', 'repeats'])], initializers: [init('repeats', [2], [1, 2], 'int64')] },
    ops: ['Tile'],
  },
  {
    name: 'Cast-1 to "INT32"',
    opset: 5,
    nodes: [node('Cast', ['x'], { to: 'INT32' })],
    inputs: { x: [2, 5] },
    range: [-5, 5],
    modern: { nodes: [node('Cast', ['x'], { to: 6 })] },
    outputDtype: 'int32',
    ops: ['Cast'],
  },
  { name: 'Reshape-4 shape attribute with 0 and -1 (onnxruntime runs the old file)', opset: 4, nodes: [node('Reshape', ['x'], { shape: [0, -1] })], inputs: { x: [2, 3, 4] }, ops: ['Reshape'] },
  {
    name: 'Concat-3 without axis (then 1)',
    opset: 3,
    nodes: [node('Concat', ['x', 'z'])],
    inputs: { x: [2, 3], z: [2, 2] },
    modern: { nodes: [node('Concat', ['x', 'z'], { axis: 1 })] },
    ops: ['Concat'],
  },
  {
    name: 'Relu-1, Sigmoid-1, Abs-1: consumed_inputs only',
    opset: 1,
    nodes: [node('Relu', ['x'], { consumed_inputs: [0] }, ['r']), node('Sigmoid', ['r'], { consumed_inputs: [0] }, ['s']), node('Abs', ['s'], { consumed_inputs: [0] })],
    inputs: { x: [3, 4] },
    modern: { nodes: [node('Relu', ['x'], {}, ['r']), node('Sigmoid', ['r'], {}, ['s']), node('Abs', ['s'])] },
    tolerance: 1e-7,
    ops: ['Relu', 'Sigmoid', 'Abs'],
  },
];

describe('opset 1-6 models give onnxruntime\'s outputs after the upgrade', () => {
  for (const c of CASES) {
    it(`${c.name} (opset ${c.opset})`, async () => {
      const names = Object.keys(c.inputs);
      const build = (opset: number, nodes: BuilderNode[], initializers: BuilderInit[]) =>
        buildModel({
          opset,
          irVersion: opset < 7 ? 3 : 7,
          nodes,
          inputs: names.map((name) => ({ name, shape: c.inputs[name]! })),
          outputs: [{ name: 'y', ...(c.outputDtype ? { dtype: c.outputDtype } : {}) }],
          initializers,
        });
      const old = build(c.opset, c.nodes, c.initializers ?? []);
      const [lo, hi] = c.range ?? [-2, 2];
      const feeds = Object.fromEntries(names.map((name, i) => [name, randomTensor(c.inputs[name]!, 20 + i, lo, hi)]));
      const reference = (await runOrt(c.modern ? build(13, c.modern.nodes, c.modern.initializers ?? []) : old, feeds)).get('y')!;

      const graph = decodeModel(old, { source: `${c.name}.onnx` });
      expect(graph.nodes.map((n) => n.op)).toEqual(c.ops);
      for (const n of graph.nodes) for (const a of LEGACY_ATTRS) expect(n.attrs[a], `${n.op}.${a}`).toBeUndefined();
      c.check?.(graph);
      inferTypes(graph);
      const ours = runGraph(graph, feeds).get('y')!;
      expect(ours.dtype).toBe(reference.dtype);
      expect(ours.shape).toEqual(reference.shape);
      expect(maxAbsDiff(ours.data, reference.data)).toBeLessThanOrEqual(c.tolerance ?? 0);

      // The canonical form is plain ONNX: onnxruntime runs what edgec writes and agrees.
      const rewritten = (await runOrt(encodeModel(graph), feeds)).get('y')!;
      expect(rewritten.shape).toEqual(ours.shape);
      expect(maxAbsDiff(rewritten.data, ours.data)).toBeLessThanOrEqual(c.tolerance ?? 0);
    });
  }
});

/**
 * Each legacy-form rewrite (src/onnx/upgrade-legacy-forms.ts) on a model at the old opset: the
 * loaded, upgraded graph run in edgec's engine gives what onnxruntime gives on the original file,
 * and the node is in its canonical form (no legacy attribute left). Tolerances: 0 for ops that
 * only move or select values, 1e-6 for Softmax/LogSoftmax and linear Resize (float rounding of
 * a different but equivalent evaluation order).
 */
import { describe, expect, it } from 'vitest';
import { inferTypes } from '../../src/engine/infer-types.js';
import { runGraph } from '../../src/engine/run-graph.js';
import type { Graph } from '../../src/ir/graph.js';
import { decodeModel } from '../../src/onnx/load-model.js';
import { buildModel, type BuilderInit, type BuilderNode } from '../helpers/onnx-builder.js';
import { maxAbsDiff, runOrt } from '../helpers/ort.js';
import { randomTensor } from '../helpers/random.js';

interface LegacyCase {
  name: string;
  opset: number;
  nodes: BuilderNode[];
  /** Float inputs with their shapes (x, then others). */
  inputs: Record<string, number[]>;
  initializers?: BuilderInit[];
  outputs?: string[];
  tolerance?: number;
  /** Structural checks on the upgraded graph. */
  check?: (graph: Graph) => void;
}

const noAttr = (op: string, ...names: string[]) => (g: Graph) => {
  for (const n of g.nodes.filter((n) => n.op === op)) for (const a of names) expect(n.attrs[a], `${op}.${a}`).toBeUndefined();
};

const one = (op: string, attrs: BuilderNode['attrs'], extraInputs: string[] = [], outputs = ['y']): BuilderNode[] => [
  { op, inputs: ['x', ...extraInputs], outputs, attrs: attrs ?? {} },
];

const CASES: LegacyCase[] = [
  { name: 'Clip-6 min/max attributes', opset: 7, nodes: one('Clip', { min: { float: -0.5 }, max: { float: 0.25 } }), inputs: { x: [2, 5] }, check: noAttr('Clip', 'min', 'max') },
  { name: 'Clip-6 max only', opset: 10, nodes: one('Clip', { max: { float: 0.1 } }), inputs: { x: [7] }, check: (g) => expect(g.nodes[0]!.inputs[1]).toBe('') },
  { name: 'Slice-1 with axes', opset: 7, nodes: one('Slice', { starts: [1, 0], ends: [3, 1000000], axes: [0, 2] }), inputs: { x: [4, 3, 5] }, check: noAttr('Slice', 'starts', 'ends', 'axes') },
  { name: 'Slice-1 without axes, negative starts', opset: 9, nodes: one('Slice', { starts: [-2, 1], ends: [1000, -1] }), inputs: { x: [4, 6] } },
  { name: 'Pad-2 constant with value', opset: 7, nodes: one('Pad', { pads: [0, 0, 1, 2, 0, 0, 2, 1], value: { float: 1.5 } }), inputs: { x: [1, 2, 3, 3] }, check: noAttr('Pad', 'pads', 'value') },
  { name: 'Pad-2 reflect', opset: 10, nodes: one('Pad', { pads: [0, 1, 0, 2], mode: 'reflect' }), inputs: { x: [2, 4] } },
  { name: 'Pad-2 edge', opset: 8, nodes: one('Pad', { pads: [1, 0, 0, 1], mode: 'edge' }), inputs: { x: [3, 3] } },
  { name: 'Squeeze-1 axes', opset: 7, nodes: one('Squeeze', { axes: [1, 3] }), inputs: { x: [2, 1, 3, 1] }, check: noAttr('Squeeze', 'axes') },
  { name: 'Squeeze-11 without axes', opset: 11, nodes: one('Squeeze', {}), inputs: { x: [1, 3, 1] } },
  { name: 'Unsqueeze-11 negative axes', opset: 11, nodes: one('Unsqueeze', { axes: [0, -1] }), inputs: { x: [2, 3] }, check: noAttr('Unsqueeze', 'axes') },
  {
    name: 'Split-2 split attribute',
    opset: 7,
    nodes: one('Split', { axis: 1, split: [2, 3] }, [], ['y0', 'y1']),
    inputs: { x: [2, 5] },
    outputs: ['y0', 'y1'],
    check: noAttr('Split', 'split'),
  },
  {
    name: 'Split-11 equal parts',
    opset: 11,
    nodes: one('Split', { axis: -1 }, [], ['y0', 'y1', 'y2']),
    inputs: { x: [2, 6] },
    outputs: ['y0', 'y1', 'y2'],
    check: (g) => expect(g.nodes[0]!.attrs['num_outputs']).toEqual({ kind: 'int', value: 3 }),
  },
  {
    name: 'Split-13 equal parts gains num_outputs',
    opset: 13,
    nodes: one('Split', { axis: 0 }, [], ['y0', 'y1']),
    inputs: { x: [4, 3] },
    outputs: ['y0', 'y1'],
    check: (g) => expect(g.nodes[0]!.attrs['num_outputs']).toEqual({ kind: 'int', value: 2 }),
  },
  { name: 'ReduceMean-1 axes, keepdims 0', opset: 7, nodes: one('ReduceMean', { axes: [1], keepdims: 0 }), inputs: { x: [2, 3, 4] }, tolerance: 1e-7, check: noAttr('ReduceMean', 'axes') },
  { name: 'ReduceMax-11 negative axis', opset: 11, nodes: one('ReduceMax', { axes: [-1] }), inputs: { x: [2, 3, 4] } },
  { name: 'ReduceMin-12 all axes', opset: 12, nodes: one('ReduceMin', {}), inputs: { x: [2, 3, 4] } },
  { name: 'ReduceSum-11 axes', opset: 11, nodes: one('ReduceSum', { axes: [0, 2] }), inputs: { x: [2, 3, 4] }, tolerance: 1e-6, check: noAttr('ReduceSum', 'axes') },
  { name: 'ReduceProd-1 axes', opset: 7, nodes: one('ReduceProd', { axes: [2] }), inputs: { x: [2, 3, 4] }, tolerance: 1e-6 },
  { name: 'ReduceL2-11 axes (opset 13-17 too)', opset: 13, nodes: one('ReduceL2', { axes: [1] }), inputs: { x: [3, 4] }, tolerance: 1e-6 },
  {
    name: 'Softmax-11 axis 1 of a 3-D input (2-D coercion spelled out)',
    opset: 11,
    nodes: [
      { op: 'Relu', inputs: ['x'], outputs: ['r'] },
      { op: 'Softmax', inputs: ['r'], outputs: ['y'], attrs: { axis: 1 } },
    ],
    inputs: { x: [2, 3, 4] },
    tolerance: 1e-6,
    check: (g) => expect(g.nodes.map((n) => n.op)).toEqual(['Relu', 'Flatten', 'Softmax', 'Shape', 'Reshape']),
  },
  {
    name: 'Softmax-7 default axis on a Gemm output (provably the same)',
    opset: 7,
    nodes: [
      { op: 'Gemm', inputs: ['x', 'w', 'c'], outputs: ['g'] },
      { op: 'Softmax', inputs: ['g'], outputs: ['y'] },
    ],
    inputs: { x: [2, 3], w: [3, 5], c: [5] },
    tolerance: 1e-6,
    check: (g) => {
      expect(g.nodes.map((n) => n.op)).toEqual(['Gemm', 'Softmax']);
      expect(g.nodes[1]!.attrs['axis']).toEqual({ kind: 'int', value: 1 });
    },
  },
  { name: 'LogSoftmax-11 last axis of a graph input', opset: 11, nodes: one('LogSoftmax', { axis: 2 }), inputs: { x: [2, 3, 4] }, tolerance: 1e-6, check: (g) => expect(g.nodes).toHaveLength(1) },
  { name: 'LogSoftmax-9 axis 0 of a 2-D input', opset: 9, nodes: one('LogSoftmax', { axis: 0 }), inputs: { x: [3, 4] }, tolerance: 1e-6 },
  { name: 'Softmax-12 axis -1', opset: 12, nodes: one('Softmax', { axis: -1 }), inputs: { x: [2, 2, 5] }, tolerance: 1e-6 },
  {
    name: 'Resize-10 nearest upsampling',
    opset: 10,
    nodes: one('Resize', { mode: 'nearest' }, ['scales']),
    inputs: { x: [1, 2, 3, 4] },
    initializers: [{ name: 'scales', shape: [4], data: [1, 1, 2, 3] }],
    check: (g) => expect(g.nodes[0]!.attrs['coordinate_transformation_mode']).toEqual({ kind: 'string', value: 'asymmetric' }),
  },
  {
    name: 'Resize-10 linear upsampling',
    opset: 10,
    nodes: one('Resize', { mode: 'linear' }, ['scales']),
    inputs: { x: [1, 2, 3, 4] },
    initializers: [{ name: 'scales', shape: [4], data: [1, 1, 2, 2.5] }],
    tolerance: 1e-6,
  },
  {
    name: 'Resize-10 nearest downsampling',
    opset: 10,
    nodes: one('Resize', { mode: 'nearest' }, ['scales']),
    inputs: { x: [1, 1, 6, 7] },
    initializers: [{ name: 'scales', shape: [4], data: [1, 1, 0.5, 0.6] }],
  },
  {
    name: 'Resize-10 nearest, one axis up and one down (two Resizes)',
    opset: 10,
    nodes: one('Resize', { mode: 'nearest' }, ['scales']),
    inputs: { x: [1, 2, 5, 7] },
    initializers: [{ name: 'scales', shape: [4], data: [1, 1, 1.7, 0.4] }],
    check: (g) => expect(g.nodes.map((n) => n.attrs['nearest_mode'])).toEqual([{ kind: 'string', value: 'floor' }, { kind: 'string', value: 'ceil' }]),
  },
  {
    name: 'Resize-10 linear downsampling',
    opset: 10,
    nodes: one('Resize', { mode: 'linear' }, ['scales']),
    inputs: { x: [1, 1, 4, 6] },
    initializers: [{ name: 'scales', shape: [4], data: [1, 1, 0.6, 0.5] }],
    tolerance: 1e-6,
  },
  {
    name: 'Upsample-7 scales attribute, nearest',
    opset: 7,
    nodes: one('Upsample', { scales: { floats: [1, 1, 2, 2] }, mode: 'nearest' }),
    inputs: { x: [1, 2, 3, 3] },
    check: (g) => expect(g.nodes.map((n) => n.op)).toEqual(['Resize']),
  },
  {
    name: 'Upsample-9 scales input, linear',
    opset: 9,
    nodes: one('Upsample', { mode: 'linear' }, ['scales']),
    inputs: { x: [1, 1, 3, 4] },
    initializers: [{ name: 'scales', shape: [4], data: [1, 1, 3, 2] }],
    tolerance: 1e-6,
  },
  { name: 'Dropout-7 ratio attribute', opset: 7, nodes: one('Dropout', { ratio: { float: 0.3 } }), inputs: { x: [2, 3] }, check: noAttr('Dropout', 'ratio') },
  {
    name: 'BatchNormalization-7 spatial=1',
    opset: 7,
    nodes: one('BatchNormalization', { spatial: 1, epsilon: { float: 1e-5 } }, ['s', 'b', 'm', 'v']),
    inputs: { x: [1, 2, 3, 3] },
    initializers: [
      { name: 's', shape: [2], data: [1.5, 0.5] },
      { name: 'b', shape: [2], data: [0.1, -0.2] },
      { name: 'm', shape: [2], data: [0.3, -0.1] },
      { name: 'v', shape: [2], data: [0.8, 1.7] },
    ],
    tolerance: 1e-6,
    check: noAttr('BatchNormalization', 'spatial'),
  },
];

describe('legacy op forms give onnxruntime\'s outputs after the upgrade', () => {
  for (const c of CASES) {
    it(`${c.name} (opset ${c.opset})`, async () => {
      const names = Object.keys(c.inputs);
      const outputs = c.outputs ?? ['y'];
      const bytes = buildModel({
        opset: c.opset,
        irVersion: c.opset <= 8 ? 3 : c.opset <= 10 ? 5 : 7,
        nodes: c.nodes,
        inputs: names.map((name) => ({ name, shape: c.inputs[name]! })),
        outputs: outputs.map((name) => ({ name })),
        initializers: c.initializers ?? [],
      });
      const feeds = Object.fromEntries(names.map((name, i) => [name, randomTensor(c.inputs[name]!, 10 + i, -2, 2)]));
      const ref = await runOrt(bytes, feeds);

      const graph = decodeModel(bytes, { source: `${c.name}.onnx` });
      c.check?.(graph);
      inferTypes(graph);
      const ours = runGraph(graph, feeds);
      for (const name of outputs) {
        const theirs = ref.get(name)!;
        const got = ours.get(name)!;
        expect(got.shape, name).toEqual(theirs.shape);
        expect(graph.types.get(name)!.shape, name).toEqual(theirs.shape);
        expect(maxAbsDiff(got.data, theirs.data), name).toBeLessThanOrEqual(c.tolerance ?? 0);
      }
    });
  }

  it('refuses BatchNormalization-7 with spatial=0, naming the node', () => {
    const bytes = buildModel({
      opset: 7,
      nodes: [{ op: 'BatchNormalization', name: 'bn1', inputs: ['x', 's', 'b', 'm', 'v'], outputs: ['y'], attrs: { spatial: 0 } }],
      inputs: [{ name: 'x', shape: [1, 2, 2] }],
      outputs: [{ name: 'y' }],
      initializers: ['s', 'b', 'm', 'v'].map((name) => ({ name, shape: [2, 2], data: [1, 1, 1, 1] })),
    });
    expect(() => decodeModel(bytes, { source: 'bn.onnx' })).toThrow(/bn\.onnx: node "bn1" \(BatchNormalization\): spatial=0/);
  });

  it('maps Upsample-7 mode "bilinear" to Resize linear with asymmetric coordinates', () => {
    const bytes = buildModel({
      opset: 7,
      nodes: one('Upsample', { scales: { floats: [1, 1, 2, 2] }, mode: 'bilinear' }),
      inputs: [{ name: 'x', shape: [1, 1, 2, 2] }],
      outputs: [{ name: 'y' }],
    });
    const node = decodeModel(bytes, { source: 'up.onnx' }).nodes[0]!;
    expect(node.op).toBe('Resize');
    expect(node.attrs['mode']).toEqual({ kind: 'string', value: 'linear' });
    expect(node.attrs['coordinate_transformation_mode']).toEqual({ kind: 'string', value: 'asymmetric' });
    expect(node.inputs).toHaveLength(3);
    expect(node.inputs[1]).toBe('');
  });
});

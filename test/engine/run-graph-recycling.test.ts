/**
 * runGraph hands dead intermediates' buffers to the float32 pool (src/ir/buffer-pool.ts) for the
 * next outputs. Checked against onnxruntime over repeated runs on a graph whose buffers alias:
 * a Constant (its attribute tensor, returned itself on every run), a Reshape (a view of its input,
 * so the input's buffer outlives the input's name) and a feed. Any of those recycled while still
 * in use would change a later run's output or the constant's own values. Tolerance: exact
 * (single float32 roundings in the same order as onnxruntime).
 */
import { describe, expect, it } from 'vitest';
import { runGraph } from '../../src/engine/run-graph.js';
import { inferTypes } from '../../src/engine/infer-types.js';
import { makeGraph } from '../../src/ir/graph.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { buildModel } from '../helpers/onnx-builder.js';
import { maxAbsDiff, runOrt } from '../helpers/ort.js';
import { randomTensor } from '../helpers/random.js';

// Above the pool's smallest pooled length (2^14 floats), so every buffer here is recyclable.
const SHAPE = [4, 8192];
const FLAT = [32768];

describe('runGraph buffer recycling', () => {
  it('gives onnxruntime\'s outputs on every run, and leaves Constant attributes and feeds intact', async () => {
    const constant = randomTensor(SHAPE, 7);
    const constantCopy = Float32Array.from(constant.data as Float32Array);
    const flatShape = makeTensor('int64', [1], FLAT);
    const graph = makeGraph({
      inputs: [{ name: 'x', dtype: 'float32', shape: SHAPE }],
      outputs: [{ name: 'y', dtype: 'float32', shape: [] }],
      initializers: new Map([['flat', flatShape]]),
      nodes: [
        { name: 'flatx', op: 'Reshape', domain: '', inputs: ['x', 'flat'], outputs: ['x2'], attrs: {} },
        { name: 'relu', op: 'Relu', domain: '', inputs: ['x'], outputs: ['r'], attrs: {} },
        { name: 'const', op: 'Constant', domain: '', inputs: [], outputs: ['c'], attrs: { value: { kind: 'tensor', value: constant } } },
        { name: 'add', op: 'Add', domain: '', inputs: ['r', 'c'], outputs: ['s'], attrs: {} },
        { name: 'reshape', op: 'Reshape', domain: '', inputs: ['s', 'flat'], outputs: ['f'], attrs: {} },
        { name: 'sub', op: 'Sub', domain: '', inputs: ['f', 'x2'], outputs: ['d'], attrs: {} },
        { name: 'mul', op: 'Mul', domain: '', inputs: ['d', 'f'], outputs: ['y'], attrs: {} },
      ],
    });
    inferTypes(graph);
    const bytes = buildModel({
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['r'] },
        { op: 'Add', inputs: ['r', 'c'], outputs: ['s'] },
        { op: 'Reshape', inputs: ['s', 'flat'], outputs: ['f'] },
        { op: 'Reshape', inputs: ['x', 'flat'], outputs: ['x2'] },
        { op: 'Sub', inputs: ['f', 'x2'], outputs: ['d'] },
        { op: 'Mul', inputs: ['d', 'f'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', shape: SHAPE }],
      outputs: [{ name: 'y' }],
      initializers: [
        { name: 'c', shape: SHAPE, data: constantCopy },
        { name: 'flat', shape: [1], data: FLAT, dtype: 'int64' },
      ],
      opset: 13,
    });
    for (const seed of [1, 2, 1, 3]) {
      const x = randomTensor(SHAPE, seed);
      const xCopy = Float32Array.from(x.data as Float32Array);
      const ours = runGraph(graph, { x }).get('y')!;
      const ref = (await runOrt(bytes, { x: makeTensor('float32', SHAPE, xCopy) })).get('y')!;
      expect(maxAbsDiff(ours.data, ref.data)).toBe(0);
      expect(maxAbsDiff(x.data, xCopy)).toBe(0);
      expect(maxAbsDiff(constant.data, constantCopy)).toBe(0);
    }
  });
});

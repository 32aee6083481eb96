/**
 * QDQ export, checked in onnxruntime: the exported file's DequantizeLinear nodes must give exactly
 * the weights the QModel contract defines (w = scale[c, group] * q), per channel and group-wise,
 * with the channel axis first (Gemm) and last (MatMul, transposed back); and activation QDQ pairs
 * must round to the QModel's grid.
 */
import { describe, expect, it } from 'vitest';
import { inferTypes } from '../../src/engine/infer-types.js';
import { makeGraph, type Graph } from '../../src/ir/graph.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { encodeModel } from '../../src/onnx/write-model.js';
import { exportQdq } from '../../src/quant/export-qdq.js';
import type { QModel, QuantizedWeights } from '../../src/quant/qmodel.js';
import { rng } from '../helpers/random.js';
import ort from 'onnxruntime-node';
import { maxAbsDiff } from '../helpers/ort.js';

const K = 10;
const N = 3;
const M = 4;

function floatGraph(w1: ArrayLike<number>, b1: ArrayLike<number>, w2: ArrayLike<number>): Graph {
  const g = makeGraph({
    inputs: [{ name: 'x', dtype: 'float32', shape: [1, K] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [1, M] }],
    nodes: [
      { name: 'fc', op: 'Gemm', domain: '', inputs: ['x', 'w1', 'b1'], outputs: ['h'], attrs: { transB: { kind: 'int', value: 1 } }, activation: { kind: 'relu' } },
      { name: 'mm', op: 'MatMul', domain: '', inputs: ['h', 'w2'], outputs: ['y'], attrs: {} },
    ],
  });
  g.initializers.set('w1', makeTensor('float32', [N, K], w1));
  g.initializers.set('b1', makeTensor('float32', [N], b1));
  g.initializers.set('w2', makeTensor('float32', [N, M], w2));
  inferTypes(g);
  return g;
}

function randomInts(n: number, qmax: number, seed: number): Int8Array {
  const r = rng(seed);
  return Int8Array.from({ length: n }, () => Math.floor(r() * (2 * qmax + 1)) - qmax);
}

/** The contract's dequantization, written out index by index. */
function dequantized(w: QuantizedWeights): Float32Array {
  const shape = w.shape;
  const out = new Float32Array(w.values.length);
  const channels = shape[w.channelAxis]!;
  const inputs = w.values.length / channels;
  const groups = w.groupSize > 0 ? Math.ceil(inputs / w.groupSize) : 1;
  const counter = new Array<number>(channels).fill(0);
  // Walk in layout order; a channel's inputs are met in the order of the remaining axes.
  for (let i = 0; i < out.length; i++) {
    const c = w.channelAxis === 0 ? Math.floor(i / inputs) : i % channels;
    const k = counter[c]!++;
    const g = w.groupSize > 0 ? Math.floor(k / w.groupSize) : 0;
    out[i] = Math.fround(w.scales[c * groups + g]! * w.values[i]!);
  }
  return out;
}

function model(groupSize1: number, groupSize2: number, tensors: QModel['tensors'] = new Map()): QModel {
  const r = rng(9);
  const groups1 = groupSize1 > 0 ? Math.ceil(K / groupSize1) : 1;
  const groups2 = groupSize2 > 0 ? Math.ceil(N / groupSize2) : 1;
  const scales = (n: number) => Float32Array.from({ length: n }, () => 0.01 + r() * 0.1);
  return {
    name: 'qdq_test',
    inputs: ['x'],
    outputs: ['y'],
    tensors,
    calibration: 'none',
    layers: [
      { name: 'fc', op: 'Gemm', inputs: ['x'], outputs: ['h'], attrs: {}, weights: { bits: 4, shape: [N, K], channelAxis: 0, values: randomInts(N * K, 7, 1), scales: scales(N * groups1), groupSize: groupSize1 } },
      { name: 'mm', op: 'MatMul', inputs: ['h'], outputs: ['y'], attrs: {}, weights: { bits: 8, shape: [N, M], channelAxis: 1, values: randomInts(N * M, 127, 2), scales: scales(M * groups2), groupSize: groupSize2 } },
    ],
  };
}

/**
 * onnxruntime with graph optimisations off: with them on it fuses DequantizeLinear -> MatMul into
 * its own quantized kernels (quantizing the activation on the fly), which is not what the file says.
 */
async function runPlain(bytes: Uint8Array, input: Float32Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1, logSeverityLevel: 3 });
  const result = await session.run({ x: new ort.Tensor('float32', input, [1, K]) });
  await session.release();
  return result['y']!.data as Float32Array;
}

const x = makeTensor('float32', [1, K], Array.from({ length: K }, (_, i) => (i % 3) - 0.7 + i / 10));
const b1 = [0.5, -0.25, 0.125];

describe('QDQ export in onnxruntime', () => {
  for (const [what, g1, g2] of [
    ['per channel', 0, 0],
    ['group-wise (channel axis first and last, ragged last group)', 4, 2],
  ] as const) {
    it(`dequantizes weights ${what} exactly as the QModel defines them`, async () => {
      const q = model(g1, g2);
      const reference = floatGraph(dequantized(q.layers[0]!.weights!), b1, dequantized(q.layers[1]!.weights!));
      const qdq = exportQdq(floatGraph(new Float32Array(N * K), b1, new Float32Array(N * M)), q);
      const want = await runPlain(encodeModel(reference), x.data as Float32Array);
      const got = await runPlain(encodeModel(qdq), x.data as Float32Array);
      expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(1e-6 * Math.max(1, ...Array.from(want, Math.abs)));
      expect(qdq.nodes.filter((n) => n.op === 'DequantizeLinear')).toHaveLength(2);
      // The float weights are gone (the float bias stays: with no input qparams it is not quantized).
      expect([...qdq.initializers.keys()].filter((k) => k === 'w1' || k === 'w2' || k === 'b1')).toEqual(['b1']);
    });
  }

  it('quantizes activations onto the QModel grid (output is a multiple of its scale)', async () => {
    const scale = 0.0625;
    const q = model(0, 0, new Map([['y', { name: 'y', shape: [1, M], type: 'int8', scale, zeroPoint: 3 }]]));
    const qdq = exportQdq(floatGraph(new Float32Array(N * K), b1, new Float32Array(N * M)), q);
    const y = await runPlain(encodeModel(qdq), x.data as Float32Array);
    for (const v of y) {
      const steps = v / scale + 3;
      expect(Math.abs(steps - Math.round(steps))).toBeLessThan(1e-4);
      expect(steps).toBeGreaterThanOrEqual(-128);
      expect(steps).toBeLessThanOrEqual(127);
    }
    expect(qdq.outputs.map((o) => o.name)).toEqual(['y']);
  });
});

/**
 * Whole models through quantizeModel + runQModel (w8a8) against the fp32 engine:
 * - fixtures/*.onnx (data-free: calibrated and evaluated on seeded uniform [0, 1] inputs):
 *   SQNR >= 25 dB on the outputs;
 * - shared PyTorch models digits_lenet and dscnn, calibrated on 64 held-out test inputs (100..163,
 *   tests may read the data; the data-free CLI path never does) and evaluated on the first 100:
 *   SQNR >= 25 dB on the classifier logits and top-1 agreement >= 97 / 100 with fp32;
 * - determinism: the same graph, options and seed give an identical QModel.
 */
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../src/data/npy.js';
import { inferTypes } from '../../src/engine/infer-types.js';
import { runGraph } from '../../src/engine/run-graph.js';
import type { Graph } from '../../src/ir/graph.js';
import { makeTensor, sizeOf } from '../../src/ir/tensor.js';
import { loadModel } from '../../src/onnx/load-model.js';
import { canonicalize } from '../../src/passes/index.js';
import { quantizeModel, type QuantizeOptions } from '../../src/quant/quantize-model.js';
import { dequantizeOutput, quantizeInput, runQModel } from '../../src/quant/run-qmodel.js';
import { rng } from '../../src/util/random.js';
import { HAVE_SHARED, SHARED_MODELS, SKIP_NO_SHARED } from '../helpers/shared.js';

function canonical(path: string): Graph {
  const g = loadModel(path);
  inferTypes(g);
  return canonicalize(g);
}

const argmax = (a: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
};

/** SQNR (dB) of the integer reference vs fp32 over `samples`, and top-1 agreement. */
function compare(g: Graph, options: QuantizeOptions, samples: Float32Array[]) {
  const q = quantizeModel(g, options);
  const input = g.inputs[0]!;
  let signal = 0;
  let noise = 0;
  let agree = 0;
  for (const x of samples) {
    const ref = runGraph(g, { [input.name]: makeTensor('float32', input.shape, x) }).get(g.outputs[0]!.name)!.data;
    const got = dequantizeOutput(q, runQModel(q, [quantizeInput(q, x)])[0]!);
    for (let i = 0; i < ref.length; i++) {
      signal += ref[i]! ** 2;
      noise += (ref[i]! - got[i]!) ** 2;
    }
    if (argmax(ref) === argmax(got)) agree++;
  }
  return { sqnr: 10 * Math.log10(signal / noise), agree };
}

describe('fixtures, data-free w8a8', () => {
  for (const name of ['cnn-tiny', 'kws-tiny']) {
    it(`${name}: SQNR >= 25 dB on uniform [0, 1] inputs`, () => {
      const g = canonical(`fixtures/${name}.onnx`);
      const random = rng(99);
      const n = sizeOf(g.inputs[0]!.shape);
      const samples = Array.from({ length: 20 }, () => Float32Array.from({ length: n }, random));
      const { sqnr } = compare(g, { seed: 1 }, samples);
      expect(sqnr).toBeGreaterThanOrEqual(25);
    });
  }
});

describe.skipIf(!HAVE_SHARED)(`shared models, w8a8, calibrated on held-out inputs${SKIP_NO_SHARED}`, () => {
  for (const name of ['digits_lenet', 'dscnn']) {
    it(`${name}: SQNR >= 25 dB on the logits, top-1 agreement >= 97 of the first 100`, () => {
      const g = canonical(`${SHARED_MODELS}/${name}.onnx`);
      const x = readNpy(`${SHARED_MODELS}/${name}.test_x.npy`);
      const n = sizeOf(g.inputs[0]!.shape);
      const sample = (i: number) => Float32Array.from(x.data.subarray(i * n, (i + 1) * n));
      const calibration = makeTensor('float32', [64, ...g.inputs[0]!.shape.slice(1)], x.data.subarray(100 * n, 164 * n));
      const { sqnr, agree } = compare(g, { calibrationData: calibration }, Array.from({ length: 100 }, (_, i) => sample(i)));
      expect(sqnr).toBeGreaterThanOrEqual(25);
      expect(agree).toBeGreaterThanOrEqual(97);
    }, 180_000);
  }
});

describe('determinism', () => {
  it('the same graph, options and seed give an identical QModel; another seed changes calibration', () => {
    const g = canonical('fixtures/cnn-tiny.onnx');
    const snapshot = (seed: number) => {
      const q = quantizeModel(g, { seed, weightBits: 4, groupSize: 8, observer: 'mse' });
      return JSON.stringify({ ...q, tensors: [...q.tensors] }, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Int8Array) : v));
    };
    const a = snapshot(5);
    expect(snapshot(5)).toBe(a);
    expect(snapshot(6)).not.toBe(a);
  });
});

/**
 * Quantization-aware distillation on the cnn-tiny fixture (5 weighted layers; w2a8 with first and
 * last 8-bit, so post-training quantization loses a lot): the distilled model, quantized through
 * the normal quantizer with the learned step sizes, must be much closer to the fp32 teacher than
 * PTQ on held-out inputs (KL of the integer reference's outputs); its weights must be exactly
 * the student's fake-quantized ones; and its C, compiled with the host compiler, must reproduce
 * the integer reference bit for bit. Everything is seeded.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportStudent } from '../../src/distill/qat/export.js';
import { distillStudent, type DistillOutcome } from '../../src/distill/qat/train-student.js';
import { runGraph } from '../../src/engine/run-graph.js';
import type { Graph } from '../../src/ir/graph.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { chooseBits, type BitPolicy } from '../../src/pipeline/bit-policy.js';
import { loadCanonical } from '../../src/pipeline/compress-model.js';
import { emitSources } from '../../src/pipeline/integer-stages.js';
import { runCompiledC } from '../../src/pipeline/run-compiled.js';
import type { QModel } from '../../src/quant/qmodel.js';
import { quantizeModel, type QuantizeOptions } from '../../src/quant/quantize-model.js';
import { dequantizeOutput, quantizeInput, runQModel } from '../../src/quant/run-qmodel.js';
import { klDivergenceLoss } from '../../src/train/losses.js';
import { rng } from '../../src/util/random.js';
import { ROOT } from '../helpers/cli.js';

const SHAPE = [1, 3, 32, 32];

function uniformSamples(count: number, seed: number): Float32Array[] {
  const r = rng(seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: 3 * 32 * 32 }, () => r()));
}

function stack(samples: Float32Array[]) {
  const data = new Float32Array(samples.length * samples[0]!.length);
  samples.forEach((s, k) => data.set(s, k * s.length));
  return makeTensor('float32', [samples.length, ...SHAPE], data);
}

/** Mean KL(fp32 || integer reference) over samples, on the logits (T = 1). */
function klToTeacher(graph: Graph, model: QModel, samples: Float32Array[]): number {
  let total = 0;
  for (const s of samples) {
    const teacher = runGraph(graph, { [graph.inputs[0]!.name]: makeTensor('float32', SHAPE, s) }).get(graph.outputs[0]!.name)!;
    const [q] = runQModel(model, [quantizeInput(model, s)]);
    const student = makeTensor('float32', teacher.shape, dequantizeOutput(model, q!));
    total += klDivergenceLoss(student, teacher, 1).value;
  }
  return total / samples.length;
}

describe('quantization-aware distillation (cnn-tiny, w2a8)', () => {
  let graph: Graph;
  let policy: BitPolicy;
  let options: QuantizeOptions;
  let ptq: QModel;
  let outcome: DistillOutcome;
  let distilled: QModel;
  const train = uniformSamples(48, 11);
  const heldOut = uniformSamples(12, 12);

  beforeAll(() => {
    graph = loadCanonical(join(ROOT, 'fixtures/cnn-tiny.onnx'), []);
    policy = chooseBits(graph, 2, false);
    options = { weightBits: Object.fromEntries(policy.perLayer), calibrationData: stack(train), calibrationDataName: 'train' };
    ptq = quantizeModel(graph, options);
    // MSE-optimal starting steps below 3 bits, as the pipeline trains w2 layers (distill-stage.ts).
    outcome = distillStudent(graph, train, policy, ptq, { steps: 40, batch: 16, seed: 5, mseStepInitBelow: 3 });
    const exported = exportStudent(graph, outcome.student);
    distilled = quantizeModel(exported.graph, { ...options, ...exported.overrides });
  });

  it('cuts the held-out KL of the integer model to the fp32 teacher at least 3x', () => {
    const before = klToTeacher(graph, ptq, heldOut);
    const after = klToTeacher(graph, distilled, heldOut);
    expect(before, 'PTQ at w2 must lose something for the test to mean anything').toBeGreaterThan(0.01);
    expect(after, `KL ${before} -> ${after}`).toBeLessThan(before / 3);
    expect(outcome.lossEnd).toBeLessThan(outcome.lossStart);
  });

  it('exports exactly the weights the student trained with (integers x learned scales)', () => {
    let checked = 0;
    for (const w of outcome.student.weightQuantizers) {
      const layer = distilled.layers.find((l) => l.name === w.node)!;
      const trained = outcome.student.weights.find((p) => p.name === w.weight)!.value;
      const fake = w.quantizer.forward(trained).data;
      const { values, scales } = layer.weights!;
      const per = values.length / scales.length;
      expect(layer.weights!.bits).toBe(policy.perLayer.get(w.node));
      // Conv and Gemm(transB) keep the float layout: element i is in channel floor(i / per); the
      // student holds q * s as float32.
      for (let i = 0; i < values.length; i++) expect(Math.fround(values[i]! * scales[Math.floor(i / per)]!)).toBe(fake[i]);
      checked++;
    }
    expect(checked).toBe(policy.perLayer.size);
  });

  describe('the emitted C', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'edgec-distill-c-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('matches the integer reference bit for bit on held-out inputs (int2 codes -2..1 all in use)', () => {
      const model = { ...distilled, name: 'distilled' };
      const codes = new Set(distilled.layers.flatMap((l) => (l.weights?.bits === 2 ? [...l.weights.values] : [])));
      expect([...codes].sort(), 'learned steps reach the whole int2 grid, so the C unpacks each code').toEqual([-1, -2, 0, 1]);
      for (const f of emitSources(model, 'distilled').files) writeFileSync(join(dir, f.path), f.contents);
      const inputs = heldOut.slice(0, 6).map((s) => [quantizeInput(model, s)]);
      const { outputs } = runCompiledC(dir, 'distilled', model, inputs);
      inputs.forEach((input, k) => {
        const reference = runQModel(model, input)[0]!;
        expect(Array.from(outputs[k]![0]!)).toEqual(Array.from(reference));
      });
    });
  });
});

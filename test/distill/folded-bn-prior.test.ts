/**
 * The folded-BN prior of class-conditional synthesis (src/distill/synthesis/folded-bn-prior.ts),
 * checked against data no one here made:
 * - its premise, on the shared models' real test inputs (PyTorch-trained, BN folded by the
 *   exporter): every Conv+ReLU pre-activation is near unit-normal per channel (dscnn, resnet8),
 *   and digits_lenet, trained without BN, is far from it;
 * - the synthesizer keeps the prior where a probe batch fits it (dscnn), on the grid of best fit,
 *   which is the real inputs' own resolution (8x8 digits resized to 49x10, ../shared/models/README.md),
 *   with samples whose statistics approach the real inputs', and drops it otherwise (digits_lenet),
 *   then producing byte for byte the samples of the plain class-conditional method.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { synthesizeInputs } from '../../src/distill/synthesize.js';
import { PRIOR_FIT, priorCoversAllConvs, priorFit, priorLayer, unitNormalTargets } from '../../src/distill/synthesis/folded-bn-prior.js';
import { exposePreActivations } from '../../src/distill/synthesis/graph-probe.js';
import { GRID_TOLERANCE } from '../../src/distill/synthesis/run-batches.js';
import { channelStatistics } from '../../src/distill/synthesis/losses.js';
import { readNpy } from '../../src/data/npy.js';
import { runGraph } from '../../src/engine/run-graph.js';
import type { Graph } from '../../src/ir/graph.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { loadCanonical } from '../../src/pipeline/compress-model.js';
import { withBatch } from '../../src/train/batch.js';
import { HAVE_SHARED, SHARED_MODELS, SKIP_NO_SHARED } from '../helpers/shared.js';

const REAL_SAMPLES = 64;

function realInputs(model: string, count = REAL_SAMPLES): Float32Array[] {
  const x = readNpy(join(SHARED_MODELS, `${model}.test_x.npy`));
  const per = x.data.length / x.shape[0]!;
  return Array.from({ length: count }, (_, k) => Float32Array.from((x.data as Float32Array).subarray(k * per, (k + 1) * per)));
}

/** The prior's targets on `graph` and the exposed graph's values on `samples` (one batch). */
function priorValues(graph: Graph, samples: Float32Array[]) {
  const exposed = exposePreActivations(graph, priorLayer);
  const batched = withBatch(exposed.graph, samples.length);
  const input = batched.inputs[0]!;
  const x = makeTensor('float32', input.shape);
  samples.forEach((s, k) => (x.data as Float32Array).set(s, k * s.length));
  const values = runGraph(batched, { [input.name]: x }, { keepAll: true });
  return { targets: unitNormalTargets(exposed.graph, exposed.preActivation.values()), values };
}

const meanLevel = (samples: Float32Array[]) => samples.reduce((a, s) => a + s.reduce((b, v) => b + v, 0) / s.length, 0) / samples.length;

describe.skipIf(!HAVE_SHARED)(`the folded-BN prior's premise on real inputs${SKIP_NO_SHARED}`, () => {
  it("dscnn and resnet8: every Conv+ReLU pre-activation has per-channel means within 0.3 of 0 and stds within 0.3 of 1 (dscnn's last: 0.5)", () => {
    for (const model of ['dscnn', 'resnet8']) {
      const { targets, values } = priorValues(loadCanonical(join(SHARED_MODELS, `${model}.onnx`), []), realInputs(model));
      expect(targets.length, model).toBe(model === 'dscnn' ? 9 : 4);
      expect(priorCoversAllConvs(loadCanonical(join(SHARED_MODELS, `${model}.onnx`), [])), model).toBe(model === 'dscnn');
      for (const t of targets) {
        const s = channelStatistics(values.get(t.value)!);
        const worstMean = Math.max(...Array.from(s.mean, Math.abs));
        const worstStd = Math.max(...Array.from(s.std, (v) => Math.abs(v - 1)));
        expect(worstMean, `${model} ${t.value} mean`).toBeLessThan(model === 'dscnn' && t === targets.at(-1) ? 0.5 : 0.3);
        expect(worstStd, `${model} ${t.value} std`).toBeLessThan(model === 'dscnn' && t === targets.at(-1) ? 0.5 : 0.3);
      }
    }
  });

  it('the prior loss tells the real inputs from the same inputs on a grey background, and from digits_lenet (no BN)', () => {
    const graph = loadCanonical(join(SHARED_MODELS, 'dscnn.onnx'), []);
    const real = realInputs('dscnn');
    const onReal = priorValues(graph, real);
    const grey = priorValues(graph, real.map((s) => s.map((v) => 0.25 + 0.75 * v)));
    const fitReal = priorFit(onReal.values, onReal.targets);
    expect(fitReal).toBeLessThan(0.05);
    expect(priorFit(grey.values, grey.targets)).toBeGreaterThan(4 * fitReal);
    const lenet = priorValues(loadCanonical(join(SHARED_MODELS, 'digits_lenet.onnx'), []), realInputs('digits_lenet'));
    expect(priorFit(lenet.values, lenet.targets)).toBeGreaterThan(PRIOR_FIT);
  });
});

describe.skipIf(!HAVE_SHARED)(`class-conditional synthesis with the folded-BN prior${SKIP_NO_SHARED}`, () => {
  it('dscnn: the prior is kept; samples fit it and sit nearer the real inputs\' level than per-sample levels do', () => {
    const graph = loadCanonical(join(SHARED_MODELS, 'dscnn.onnx'), []);
    const withPrior = synthesizeInputs(graph, { count: 32, seed: 3, steps: 39 });
    const prior = withPrior.foldedBatchNormPrior!;
    expect(prior).toMatchObject({ kept: true, layers: 9, grid: [8, 8] });
    expect(prior.probes.map((p) => p.grid)).toEqual([[49, 10], [25, 8], [13, 8], [8, 8]]);
    expect(prior.fit).toBeLessThanOrEqual((1 + GRID_TOLERANCE) * Math.min(...prior.probes.map((p) => p.fit)));
    expect(prior.fit).toBeLessThanOrEqual(PRIOR_FIT);
    // The full-resolution grid fits worst: pixel-level freedom finds inputs the data never had.
    expect(prior.probes[0]!.fit).toBeGreaterThan(1.5 * prior.fit);
    expect(withPrior.description).toMatch(/unit-normal pre-activations on 9 folded-BN layers, 8x8 grid of best fit \(49x10: 0\.\d{3}, /);
    // The statistics do not crowd out the target classes: the teacher's argmax stays balanced.
    expect(withPrior.classBalance!.distanceToUniform).toBeLessThanOrEqual(0.1);
    const plain = synthesizeInputs(graph, { count: 32, seed: 3, steps: 39, foldedBatchNormPrior: false });
    const real = meanLevel(realInputs('dscnn'));
    expect(Math.abs(meanLevel(withPrior.samples) - real)).toBeLessThan(Math.abs(meanLevel(plain.samples) - real));
  });

  it('digits_lenet: the prior is dropped when no probe fits it, and the samples are the plain method\'s byte for byte', () => {
    const graph = loadCanonical(join(SHARED_MODELS, 'digits_lenet.onnx'), []);
    const tried = synthesizeInputs(graph, { count: 40, seed: 2, steps: 30 });
    expect(tried.foldedBatchNormPrior).toMatchObject({ kept: false, grid: [8, 8] });
    expect(tried.foldedBatchNormPrior!.fit).toBeGreaterThan(PRIOR_FIT);
    expect(tried.description).toMatch(/folded-BN prior dropped/);
    const plain = synthesizeInputs(graph, { count: 40, seed: 2, steps: 30, foldedBatchNormPrior: false });
    expect(plain.foldedBatchNormPrior).toBeUndefined();
    expect(tried.samples.map((s) => Buffer.from(s.buffer).toString('hex'))).toEqual(plain.samples.map((s) => Buffer.from(s.buffer).toString('hex')));
  });
});

/**
 * Synthetic data from the model itself (src/distill/synthesize.ts). Tolerances:
 * - BN statistics (autoencoder, real exporter output with BatchNorm1d; and a conv net with a
 *   ReLU6-fused BN layer): the statistic loss of the synthetic batch is at least 30x below that
 *   of uniform noise; every channel's batch mean is within 0.25 of the layer's average target
 *   sigma of the stored mean, and each layer's mean |std - target| is below 0.1 average sigma;
 * - class-conditional (digits_lenet, a conv net with no BN): X = 90%: at least 90% of the samples
 *   are classified by the fp32 teacher (engine/run-graph.ts, batch 1) as their target class
 *   (sample k targets class k mod C);
 * - class-conditional on resnet8 (3x32x32, BN folded) against its real test inputs (tests may read
 *   them; the pipeline never does): the samples' RMS difference between neighbouring pixels is
 *   within 2x of the real inputs' (pixel-level inversion gave 5x: saturated high-frequency
 *   patterns), and the samples' mean levels spread over at least half of the input range (so the
 *   set covers dark, mid and bright inputs; pixel-level inversion kept every sample near 0.5);
 * - every sample lies inside the input range; the same seed gives byte-identical samples;
 * - set sizes (budgetedCount): exact counts, from the MAC budget arithmetic of synthesize.ts.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertSupported } from '../../src/analysis/inspect-model.js';
import { budgetedCount, defaultSteps, synthesizeInputs } from '../../src/distill/synthesize.js';
import { batchNormNodes, batchNormTarget, exposePreActivations } from '../../src/distill/synthesis/graph-probe.js';
import { channelStatistics, statisticLoss } from '../../src/distill/synthesis/losses.js';
import { inferTypes } from '../../src/engine/infer-types.js';
import { runGraph } from '../../src/engine/run-graph.js';
import { UsageError } from '../../src/errors.js';
import type { Graph } from '../../src/ir/graph.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { loadModel } from '../../src/onnx/load-model.js';
import { canonicalize } from '../../src/passes/index.js';
import { withBatch } from '../../src/train/batch.js';
import { rng } from '../../src/util/random.js';
import { readNpy } from '../../src/data/npy.js';
import { HAVE_SHARED, SHARED_MODELS, SKIP_NO_SHARED } from '../helpers/shared.js';
import { bnConvNet, regressor, smallClassifier } from './nets.js';

function canonical(model: string): Graph {
  const path = join(SHARED_MODELS, `${model}.onnx`);
  const graph = loadModel(path, {});
  assertSupported(graph, path);
  inferTypes(graph);
  return canonicalize(graph);
}

function stack(graph: Graph, samples: Float32Array[]) {
  const x = makeTensor('float32', graph.inputs[0]!.shape);
  samples.forEach((s, k) => x.data.set(s, k * s.length));
  return x;
}

/** BN-statistic loss and worst deviations of `samples` against the graph's kept statistics. */
function bnMatch(graph: Graph, samples: Float32Array[]) {
  const exposed = exposePreActivations(graph);
  const batched = withBatch(exposed.graph, samples.length);
  const values = runGraph(batched, { [batched.inputs[0]!.name]: stack(batched, samples) }, { keepAll: true });
  let loss = 0;
  let meanError = 0;
  let stdError = 0;
  const layers = batchNormNodes(graph);
  for (const node of layers) {
    const target = batchNormTarget(exposed.preActivation.get(node.name)!, node.meta!.batchNorm!);
    const value = values.get(target.value)!;
    loss += statisticLoss(value, target).value / layers.length;
    const { mean, std } = channelStatistics(value);
    const sigma = target.std.reduce((a, b) => a + b, 0) / target.std.length;
    mean.forEach((m, c) => (meanError = Math.max(meanError, Math.abs(m - target.mean[c]!) / sigma)));
    stdError = Math.max(stdError, std.reduce((a, s, c) => a + Math.abs(s - target.std[c]!), 0) / std.length / sigma);
  }
  return { loss, meanError, stdError };
}

function uniformSamples(count: number, size: number, seed: number): Float32Array[] {
  const random = rng(seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: size }, () => random()));
}

/** Fraction of samples the fp32 teacher classifies as their target class k mod C. */
function targetHits(graph: Graph, samples: Float32Array[]): number {
  const input = graph.inputs[0]!;
  let hits = 0;
  samples.forEach((s, k) => {
    const y = runGraph(graph, { [input.name]: makeTensor('float32', input.shape, s) }).get(graph.outputs[0]!.name)!.data;
    let best = 0;
    for (let c = 1; c < y.length; c++) if (y[c]! > y[best]!) best = c;
    if (best === k % y.length) hits++;
  });
  return hits / samples.length;
}

function expectMatchesBatchNorm(graph: Graph, samples: Float32Array[]): void {
  const noise = bnMatch(graph, uniformSamples(samples.length, samples[0]!.length, 9));
  const synthetic = bnMatch(graph, samples);
  expect(synthetic.loss, `BN loss: noise ${noise.loss}, synthetic ${synthetic.loss}`).toBeLessThan(noise.loss / 30);
  expect(synthetic.meanError).toBeLessThan(0.25);
  expect(synthetic.stdError).toBeLessThan(0.1);
}

describe.skipIf(!HAVE_SHARED)(`synthesis on the shared models${SKIP_NO_SHARED}`, () => {
  it('autoencoder (BatchNorm1d kept): bn-statistics; the batch statistics approach the stored ones', () => {
    const graph = canonical('autoencoder');
    const result = synthesizeInputs(graph, { count: 32, seed: 3 });
    expect(result.method).toBe('bn-statistics');
    expect(result.classBalance).toBeUndefined();
    expectMatchesBatchNorm(graph, result.samples);
  });

  it('digits_lenet (BN folded away): class-conditional; >= 90% classified as their target class; balance reported', () => {
    const graph = canonical('digits_lenet');
    const result = synthesizeInputs(graph, { count: 30, seed: 3 });
    expect(result.method).toBe('class-conditional');
    expect(targetHits(graph, result.samples)).toBeGreaterThanOrEqual(0.9);
    const counts = result.classBalance!.counts;
    expect(counts.reduce((a, b) => a + b, 0)).toBe(30);
    // Total variation distance to uniform, recomputed from the counts.
    expect(result.classBalance!.distanceToUniform).toBeCloseTo(0.5 * counts.reduce((a, n) => a + Math.abs(n / 30 - 0.1), 0), 6);
  });
});

/** RMS difference between horizontally and vertically neighbouring values of [.., H, W] samples. */
function neighbourRms(samples: ArrayLike<number>[], height: number, width: number): number {
  let sum = 0;
  let n = 0;
  for (const s of samples) {
    for (let i = 0; i < s.length; i++) {
      const [r, c] = [Math.floor(i / width) % height, i % width];
      if (c + 1 < width) (sum += (s[i + 1]! - s[i]!) ** 2), n++;
      if (r + 1 < height) (sum += (s[i + width]! - s[i]!) ** 2), n++;
    }
  }
  return Math.sqrt(sum / n);
}

describe.skipIf(!HAVE_SHARED)(`synthetic set sizes on the shared models${SKIP_NO_SHARED}`, () => {
  it('class-conditional sets grow (to 256) while each sample keeps >= 32 steps; BN-statistics sets stay at the minimum', () => {
    const sizes = Object.fromEntries(['dscnn', 'resnet8', 'digits_lenet', 'autoencoder'].map((m) => [m, budgetedCount(canonical(m), 64)]));
    // dscnn: 2.7 M MACs, 256 samples at 39 steps; resnet8: 12.5 M MACs, already at 39 steps with 64.
    expect(sizes).toEqual({ dscnn: 256, resnet8: 64, digits_lenet: 256, autoencoder: 64 });
    for (const m of ['dscnn', 'resnet8', 'digits_lenet']) expect(defaultSteps(canonical(m), sizes[m]!)).toBeGreaterThanOrEqual(32);
  });
});

describe.skipIf(!HAVE_SHARED)(`class-conditional samples against real inputs${SKIP_NO_SHARED}`, () => {
  it('resnet8: as smooth as the real test inputs within 2x, mean levels over half the range, >= 90% on target', () => {
    const graph = canonical('resnet8');
    const result = synthesizeInputs(graph, { count: 32, seed: 4, steps: 20 });
    expect(result.method).toBe('class-conditional');
    const real = readNpy(join(SHARED_MODELS, 'resnet8.test_x.npy'));
    const per = 3 * 32 * 32;
    const realSamples = Array.from({ length: 64 }, (_, k) => real.data.subarray(k * per, (k + 1) * per) as Float32Array);
    const [synthetic, measured] = [neighbourRms(result.samples, 32, 32), neighbourRms(realSamples, 32, 32)];
    expect(synthetic, `neighbour RMS: synthetic ${synthetic}, real ${measured}`).toBeLessThan(2 * measured);
    const means = result.samples.map((s) => s.reduce((a, v) => a + v, 0) / s.length);
    expect(Math.max(...means) - Math.min(...means)).toBeGreaterThan(0.5);
    expect(targetHits(graph, result.samples)).toBeGreaterThanOrEqual(0.9);
  });
});

describe('synthesis on small nets', () => {
  it('a conv net with a ReLU6-fused BN layer: bn-statistics, the teacher unchanged by exposing pre-activations', () => {
    const graph = bnConvNet();
    const x = makeTensor('float32', graph.inputs[0]!.shape, uniformSamples(1, 2 * 8 * 8, 4)[0]);
    const out = (g: Graph) => runGraph(g, { x }).get('y')!.data;
    expect(Array.from(out(exposePreActivations(graph).graph))).toEqual(Array.from(out(graph)));
    const result = synthesizeInputs(graph, { count: 16, seed: 5, steps: 120 });
    expect(result.method).toBe('bn-statistics');
    expectMatchesBatchNorm(graph, result.samples);
  });

  it('a classifier without BN: class-conditional, >= 90% on target; deterministic; inside --input-range [-1, 2]', () => {
    const graph = smallClassifier();
    // The method itself: a random net fits the folded-BN prior (folded-bn-prior.test.ts covers it
    // on dscnn) only by trading target classes for statistics (80% of targets at weight 30).
    const run = (seed: number) => synthesizeInputs(graph, { count: 10, seed, steps: 100, inputRange: [-1, 2], foldedBatchNormPrior: false });
    const a = run(7);
    expect(targetHits(graph, a.samples)).toBeGreaterThanOrEqual(0.9);
    for (const s of a.samples) for (const v of s) expect(v >= -1 && v <= 2).toBe(true);
    const b = run(7);
    expect(a.samples.map((s) => Buffer.from(s.buffer).toString('hex'))).toEqual(b.samples.map((s) => Buffer.from(s.buffer).toString('hex')));
    expect(run(8).samples[0]).not.toEqual(a.samples[0]);
  });

  it('user-given centroids steer the penultimate features; wrong-sized ones are refused naming the value', () => {
    const graph = smallClassifier();
    const centroids = Array.from({ length: 5 }, (_, c) => Float32Array.from({ length: 6 }, (_, k) => (k === c ? 2 : 0.1)));
    const result = synthesizeInputs(graph, { count: 10, seed: 1, steps: 40, classCentroids: centroids });
    expect(result.description).toMatch(/user-given/);
    expect(() => synthesizeInputs(graph, { count: 10, seed: 1, steps: 5, classCentroids: centroids.slice(1) })).toThrow(UsageError);
    expect(() => synthesizeInputs(graph, { count: 0, seed: 1 })).toThrow(/sample count 0/);
  });

  it('a regressor (no classes, no BN): activation-statistics on its first 2 layers; samples inside --input-range [0, 4]', () => {
    const graph = regressor();
    const result = synthesizeInputs(graph, { count: 16, seed: 2, steps: 60, inputRange: [0, 4] });
    expect(result.method).toBe('activation-statistics');
    for (const s of result.samples) for (const v of s) expect(v >= 0 && v <= 4).toBe(true);
    expect(result.description).toMatch(/first 2 layers/);
  });
});

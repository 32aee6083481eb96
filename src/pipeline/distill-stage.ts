/**
 * The distillation stage of `edgec compress`: after post-training quantization, when some layer
 * is below 8 bits, the quantized student (distill/qat/) is trained against the fp32 teacher on
 * the calibration samples (synthetic, or the user's --calib data), then quantized again through
 * the normal quantizer with the learned step sizes, so the C stays bit-exact with the integer
 * reference. Its settings and losses go to report.json's `distillation` block (no timings: the
 * output directory must be byte-identical run after run).
 *
 * Default steps: none at 8 bits (PTQ is already within noise of fp32 there), DEFAULT_STEPS at 4
 * and 2 bits, chosen so `edgec compress resnet8.onnx --bits w4a8` stays within its time budget
 * on two cores (bench/compress-resnet8.ts) while meeting the accuracy targets; `--distill-steps`
 * overrides, `--no-distill` turns the stage off.
 */
import type { Graph } from '../ir/graph.js';
import type { QModel } from '../quant/qmodel.js';
import type { QuantizeOptions } from '../quant/quantize-model.js';
import { exportStudent } from '../distill/qat/export.js';
import { spatialAugmentation } from '../distill/qat/augment.js';
import type { FreezeSettings } from '../distill/qat/oscillation.js';
import { distillStudent, DEFAULT_LEARNING_RATE, type DistillOptions } from '../distill/qat/train-student.js';
import type { BitPolicy } from './bit-policy.js';
import type { ResolvedCompressOptions } from './options.js';
import { reportProgress } from './progress.js';
import type { Samples } from './samples.js';

/** Default distillation steps by the lowest weight width in the bit policy. */
export const DEFAULT_STEPS: Record<8 | 4 | 2, number> = { 8: 0, 4: 100, 2: 400 };
export const DISTILL_BATCH = 32;
/**
 * At 2 bits (measured on resnet8 and dscnn, compiled C on their real test sets) weight steps start
 * MSE-optimal (qat/student.ts). Then it depends on the data:
 * - synthetic: oscillating weights freeze (OSCILLATION_FREEZING); the global output KL does not
 *   transfer to real inputs, local losses do (BRECQ's finding), so feature matching weighs
 *   LOW_BIT_FEATURE_WEIGHT; batches are augmented towards smooth inputs (augment.ts) unless the
 *   folded-BN prior anchored the samples (TrainingData); LSQ's clipped gradient stays (weights
 *   beyond the grid's ends get none), which holds the student nearer the teacher where synthetic
 *   data says nothing: unclipped, resnet8 w2a8 integer top-1 fell from 97.5% to 91.4% (scratch,
 *   400 steps), dscnn moved within its seed noise (56-68% over seeds either way);
 * - the user's --calib data: the student should fit it as well as it can, so the output term leads
 *   (default feature weight) and weights clamped at the grid's ends keep their gradient
 *   (unclipped): dscnn w2a8 trained on half its test set, top-1 on the other half, 200 steps:
 *   85.0% as on synthetic data, 91.7% unclipped, 93.9% at the default weight, 95.6% both.
 */
export const LOW_BIT_FEATURE_WEIGHT = 32;

/**
 * On synthetic data, 2-bit weights that oscillate more than 0.01 times per step (moving average)
 * are frozen from step 50 on (qat/oscillation.ts). dscnn w2a8 integer top-1, seeds 1-4, by
 * threshold: 0.02: 92.5 85.8 86.9 89.7%; 0.01: 91.9 90.6 91.4 90.0%; 0.005: 94.2 86.1 88.3 91.1%.
 * Not on the user's data, where it showed no gain (threshold 0.02): dscnn w2a8 trained on half its
 * test set, top-1 on the other half, 95.0% without, 93.3% with.
 */
export const OSCILLATION_FREEZING: FreezeSettings = { threshold: 0.01, from: 50, belowBits: 3 };

/**
 * What the student trains on: the user's --calib data, or synthetic samples, anchored by the
 * folded-BN prior or not (synthesize.ts isAnchored: anchored samples are not augmented).
 */
export type TrainingData = 'user' | 'anchored-synthetic' | 'free-synthetic';

/** The training settings that depend on the lowest weight width and on the data. */
export function lowBitSettings(
  lowest: number,
  data: TrainingData,
  inputShape: readonly number[],
  inputRange: readonly [number, number],
): Pick<DistillOptions, 'featureWeight' | 'mseStepInitBelow' | 'unclippedBelowBits' | 'augment' | 'freezeOscillations'> {
  if (lowest > 2) return {};
  if (data === 'user') return { mseStepInitBelow: 3, unclippedBelowBits: 3 };
  const augment = data === 'free-synthetic' ? spatialAugmentation(inputShape, inputRange) : undefined;
  return { mseStepInitBelow: 3, featureWeight: LOW_BIT_FEATURE_WEIGHT, freezeOscillations: OSCILLATION_FREEZING, ...(augment ? { augment } : {}) };
}

export type Overrides = Required<Pick<QuantizeOptions, 'weightScales' | 'activationRanges'>>;

export interface DistillationReport {
  /** False when skipped; `reason` says why. */
  ran: boolean;
  reason: string | null;
  steps: number;
  batch: number;
  seed: number;
  /** The training samples, in words, and their count. */
  data: string;
  samples: number;
  /** "KL divergence (T = 4)" or "normalised output MSE", plus feature matching. */
  objective: string;
  feature_layers: number;
  learning_rate: number;
  /** The output term of the loss over the first and the last batches. */
  loss_start: number | null;
  loss_end: number | null;
  /** 2-bit weights frozen for oscillating (qat/oscillation.ts), of those tracked; null when not tracked. */
  frozen_weights: { frozen: number; of: number } | null;
}

/** Steps to run: --distill-steps, else the default for the policy's lowest width; 0 with --no-distill. */
export function distillSteps(options: Pick<ResolvedCompressOptions, 'distill' | 'distillSteps'>, policy: BitPolicy): number {
  if (!options.distill) return 0;
  if (options.distillSteps !== undefined) return options.distillSteps;
  const lowest = Math.min(8, ...policy.perLayer.values()) as 8 | 4 | 2;
  return DEFAULT_STEPS[lowest];
}

export interface DistillStageInputs {
  /** The fp32 teacher (the graph whose intermediate values the quantized model's match). */
  teacher: Graph;
  /** What the student starts from (the graph PTQ quantized: e.g. bias-corrected). */
  start: Graph;
  policy: BitPolicy;
  ptq: QModel;
  samples: Samples;
  data: string;
  /** Which kind of data `samples` are (sets the 2-bit training settings). */
  trainingData: TrainingData;
  options: ResolvedCompressOptions;
  /** Quantizes a graph as the pipeline does, with the learned overrides. */
  requantize: (graph: Graph, overrides: Overrides) => QModel;
}

/** The quantized model, the float graph it was quantized from, and the report block. */
export function runDistillation(d: DistillStageInputs): { model: QModel; graph: Graph; report: DistillationReport } {
  const steps = distillSteps(d.options, d.policy);
  const base = { batch: DISTILL_BATCH, seed: d.options.seed, data: d.data, samples: d.samples.length, learning_rate: DEFAULT_LEARNING_RATE };
  if (steps === 0 || d.samples.length === 0) {
    const reason = !d.options.distill ? '--no-distill' : d.samples.length === 0 ? 'no samples to train on' : 'every layer is 8-bit: post-training quantization suffices';
    return { model: d.ptq, graph: d.start, report: { ran: false, reason, steps: 0, ...base, objective: '', feature_layers: 0, loss_start: null, loss_end: null, frozen_weights: null } };
  }
  const started = Date.now();
  const lowest = Math.min(8, ...d.policy.perLayer.values());
  const settings = lowBitSettings(lowest, d.trainingData, d.start.inputs[0]!.shape, d.options.inputRange);
  const outcome = distillStudent(d.start, d.samples, d.policy, d.ptq, {
    steps,
    batch: DISTILL_BATCH,
    seed: d.options.seed,
    teacher: d.teacher,
    ...settings,
    onProgress: (p) => {
      const eta = ((Date.now() - started) / 1000 / p.step) * (p.steps - p.step);
      reportProgress(d.options, { stage: 'distilling', step: p.step, total: p.steps, metrics: { loss: p.loss, 'ETA s': Math.round(eta) } });
    },
    ...(d.options.signal ? { signal: d.options.signal } : {}),
  });
  const exported = exportStudent(d.start, outcome.student);
  const o = outcome.objective;
  reportProgress(d.options, { stage: 'quantizing the distilled model' });
  return {
    graph: exported.graph,
    model: d.requantize(exported.graph, exported.overrides),
    report: {
      ran: true,
      reason: null,
      steps,
      ...base,
      data: settings.augment ? `${d.data}, augmented (smooth random fields, shifts, blur)` : d.data,
      batch: outcome.batch,
      objective: `${o.classifier ? `KL divergence (T = ${o.temperature})` : 'normalised output MSE'}${o.features > 0 ? ` + ${o.featureWeight} x feature matching` : ''}`,
      feature_layers: o.features,
      loss_start: round(outcome.lossStart),
      loss_end: round(outcome.lossEnd),
      frozen_weights: outcome.frozen ? { frozen: outcome.frozen.frozen, of: outcome.frozen.tracked } : null,
    },
  };
}

function round(x: number): number {
  return Number(x.toPrecision(6));
}

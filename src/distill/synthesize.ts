/**
 * Synthetic inputs from the model itself, for data-free calibration and distillation
 * (../shared/docs/quantization.md §5). The method follows from the graph (after canonicalize):
 * - `bn-statistics` (ZeroQ, DeepInversion) when nodes keep folded BatchNorm statistics
 *   (node.meta.batchNorm): each such layer's batch mean and std are matched to the stored ones, plus
 *   DeepInversion's cross-entropy to a target class when the model is a classifier;
 * - `class-conditional` (Dream Distillation) for a classifier without BN statistics: samples are
 *   pushed towards balanced target classes, then towards feature targets drawn around per-class
 *   centroids of the penultimate activations (the user's, or estimated from the optimisation);
 * - `activation-statistics` otherwise (autoencoders, regressors without BN): the first layers'
 *   per-channel statistics are matched to those of a first pass over the input domain.
 * Every method adds total-variation and L2 priors and keeps every sample inside `inputRange`;
 * class-conditional samples are also drawn on a coarser grid and shifted at random while optimised
 * (synthesis/parametrize.ts says why), and held to unit-normal Conv pre-activations where the model
 * fits that folded-BN prior (synthesis/folded-bn-prior.ts), on the grid that fits it best
 * (synthesis/run-batches.ts), else spread over the range by per-sample levels.
 * Synchronous and deterministic: all randomness comes from the seed (util/random.ts), so a seed
 * gives byte-identical samples. Batches of BATCH samples are optimised one after the other;
 * `onProgress(done, total, loss)` counts optimisation steps over all batches.
 */
import { summarizeModel } from '../analysis/inspect-model.js';
import { UsageError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import { classBalance } from './synthesis/class-targets.js';
import { batchNormNodes, classifierOf } from './synthesis/graph-probe.js';
import type { MethodSetup } from './synthesis/objectives.js';
import { PRIOR_FIT, PRIOR_STEP_FACTOR, priorCoversAllConvs } from './synthesis/folded-bn-prior.js';
import { BATCH, runBatches, type BatchesRun, type PriorFit } from './synthesis/run-batches.js';

export type SynthesisMethod = 'bn-statistics' | 'class-conditional' | 'activation-statistics';

export interface SynthesisOptions {
  /** Samples to produce. */
  count: number;
  /** All randomness via src/util/random.ts. */
  seed: number;
  /** Optimisation steps per batch; default: as many as fit the time budget (defaultSteps). */
  steps?: number;
  /** The input domain (--input-range), default [0, 1]. */
  inputRange?: [number, number];
  /** Class-conditional synthesis: try the folded-BN prior (synthesis/folded-bn-prior.ts; default true). */
  foldedBatchNormPrior?: boolean;
  /** Optional user metadata: penultimate-activation centroids, one per class. */
  classCentroids?: Float32Array[];
  onProgress?: (done: number, total: number, loss: number) => void;
  signal?: AbortSignal;
}

export interface SynthesisResult {
  /** Each one input of the model's (batch-1) input shape. */
  samples: Float32Array[];
  method: SynthesisMethod;
  /** The teacher's argmax over the samples; distance = total variation to uniform. */
  classBalance?: { counts: number[]; distanceToUniform: number };
  /**
   * Class-conditional synthesis: the folded-BN prior's layers, the grid its samples were drawn on
   * and that grid's probe fit (synthesis/run-batches.ts), every probed grid, and whether it was kept.
   */
  foldedBatchNormPrior?: PriorFit & { kept: boolean };
  /** One line for the report. */
  description: string;
}

export { BATCH } from './synthesis/run-batches.js';
/**
 * What one synthesis may spend, in multiply-accumulates (~20 s on the 2-core reference machine):
 * a step costs forward + backward ~ 3x the forward MACs per sample, plus a fixed overhead per
 * node and batch (NODE_COST, measured: ~1 ms per node per batch step), which dominates small nets.
 * Samples under the folded-BN prior take PRIOR_STEP_FACTOR times the steps, and its grid probes
 * one more batch per grid (dscnn, 256 samples: 12 batches of 78 steps instead of 8 of 39).
 */
const MAC_BUDGET = 1e11;
const NODE_COST = 5e6;
const MIN_STEPS = 10;
const MAX_STEPS = 150;
/**
 * Class-conditional samples: the budget buys more samples (doubling from the caller's minimum, up
 * to MAX_CLASS_SAMPLES) while each still gets ENOUGH_STEPS. A distillation set of 64 leaves a
 * 2-bit student fitting those few samples' own quirks; 256 samples of ~40 steps transfer better
 * than 64 of 150 (dscnn w2a8, compiled C on the real test set: see CHANGELOG). Below ~32 steps
 * the classes are not yet reached (512 dscnn samples at 19 steps: argmax counts 42 to 61 of 51).
 */
const MAX_CLASS_SAMPLES = 256;
const ENOUGH_STEPS = 32;

/**
 * Whether class-conditional samples were anchored by the folded-BN prior. Distillation then trains
 * on them as they are: the augmentation that helps per-sample-level samples (augment.ts) lifts
 * anchored ones off the real inputs' level (dscnn w2a8 compiled top-1, seeds 1/2: 85.0/80.3%
 * without, 55.6/58.9% with). BN-statistics samples keep the augmentation they were measured with.
 */
export function isAnchored(result: Pick<SynthesisResult, 'foldedBatchNormPrior'>): boolean {
  return result.foldedBatchNormPrior?.kept === true;
}

export function chooseMethod(graph: Graph): SynthesisMethod {
  if (batchNormNodes(graph).length > 0) return 'bn-statistics';
  return classifierOf(graph) ? 'class-conditional' : 'activation-statistics';
}

/**
 * How many samples to synthesize when the caller needs at least `minimum`: more for the
 * class-conditional method while the budget gives each ENOUGH_STEPS (with BN statistics, or
 * activation statistics, each batch is anchored by the model's own statistics: `minimum`).
 */
export function budgetedCount(graph: Graph, minimum: number): number {
  if (chooseMethod(graph) !== 'class-conditional') return minimum;
  let count = minimum;
  while (count * 2 <= MAX_CLASS_SAMPLES && defaultSteps(graph, count * 2) >= ENOUGH_STEPS) count *= 2;
  return count;
}

/** Steps per batch that keep the whole synthesis of `count` samples within MAC_BUDGET. */
export function defaultSteps(graph: Graph, count: number): number {
  const macs = Math.max(1, summarizeModel(graph).totals.macs);
  const perStep = 3 * macs * count + NODE_COST * graph.nodes.length * Math.ceil(count / BATCH);
  return Math.max(MIN_STEPS, Math.min(MAX_STEPS, Math.floor(MAC_BUDGET / perStep)));
}

export function synthesizeInputs(graph: Graph, options: SynthesisOptions): SynthesisResult {
  const { count, seed } = options;
  const range = options.inputRange ?? [0, 1];
  if (!Number.isInteger(count) || count < 1) throw new UsageError(`synthetic data: sample count ${count} must be a positive integer`);
  if (!(range[0] < range[1])) throw new UsageError(`--input-range ${range.join(',')}: lo must be below hi`);
  if (graph.inputs.length !== 1) throw new UsageError(`synthetic data: the model has ${graph.inputs.length} inputs; synthesis supports one`);
  const steps = options.steps ?? defaultSteps(graph, count);
  if (!Number.isInteger(steps) || steps < 1) throw new UsageError(`synthetic data: ${steps} steps must be a positive integer`);
  const classifier = classifierOf(graph);
  if (classifier && options.classCentroids) checkCentroids(options.classCentroids, classifier.classes, graph, classifier.penultimate);

  const method = chooseMethod(graph);
  // Class-conditional synthesis tries the folded-BN prior first and drops it when no probe batch
  // fits it (folded-bn-prior.ts); the retry starts from the seed again, so a model without
  // BN gets the same samples as without the attempt.
  const tryPrior = method === 'class-conditional' && (options.foldedBatchNormPrior ?? true) && priorCoversAllConvs(graph);
  const settings = { method, classifier, range, steps };
  const priorSteps = options.steps ?? Math.min(MAX_STEPS, PRIOR_STEP_FACTOR * steps);
  const first = runBatches(graph, options, tryPrior ? { ...settings, steps: priorSteps, withPrior: true } : { ...settings, withPrior: false });
  const run = 'rejected' in first ? (runBatches(graph, options, { ...settings, withPrior: false }) as BatchesRun) : first;
  const prior = !tryPrior ? undefined : 'rejected' in first ? { kept: false, ...first.rejected } : { kept: true, ...first.prior! };
  const balance = run.counts ? classBalance(run.counts) : undefined;
  return {
    samples: run.samples,
    method,
    ...(balance ? { classBalance: balance } : {}),
    ...(prior ? { foldedBatchNormPrior: prior } : {}),
    description: describe(method, count, run.steps, seed, range, run.setup, balance, prior),
  };
}

function checkCentroids(centroids: Float32Array[], classes: number, graph: Graph, penultimate: string): void {
  const dim = (graph.types.get(penultimate)?.shape ?? []).slice(1).reduce((a, b) => a * b, 1);
  if (centroids.length !== classes || centroids.some((c) => c.length !== dim)) {
    throw new UsageError(`class centroids: expected ${classes} centroids of ${dim} values (the penultimate activation "${penultimate}")`);
  }
}

function describe(method: SynthesisMethod, count: number, steps: number, seed: number, range: [number, number], setup: MethodSetup, balance: ReturnType<typeof classBalance> | undefined, prior: SynthesisResult['foldedBatchNormPrior']): string {
  const drawn = !prior
    ? 'per-sample levels'
    : prior.kept
      ? `unit-normal pre-activations on ${prior.layers} folded-BN layers, ${gridName(prior.grid)} grid of best fit (${probed(prior)})`
      : `per-sample levels; folded-BN prior dropped, best fit ${prior.fit.toFixed(3)} > ${PRIOR_FIT} (${probed(prior)})`;
  const how = {
    'bn-statistics': `matching ${setup.statTargets.length} layers' BatchNorm statistics (ZeroQ/DeepInversion${setup.classifier ? ', with target classes' : ''})`,
    'class-conditional': `class-conditional synthesis around ${setup.userCentroids ? 'user-given' : 'estimated'} penultimate centroids (Dream Distillation; coarse grid, random shifts, ${drawn})`,
    'activation-statistics': `matching the first ${setup.statTargets.length} layers' activation statistics on the input domain`,
  }[method];
  const skew = balance ? `, class balance TV distance ${balance.distanceToUniform.toFixed(3)}` : '';
  return `${count} synthetic samples by ${how}, ${steps} steps, seed ${seed}, inputs in [${range.join(', ')}]${skew}`;
}

function gridName(grid: number[]): string {
  return grid.length > 0 ? grid.join('x') : 'input';
}

function probed(prior: PriorFit): string {
  return prior.probes.map((p) => `${gridName(p.grid)}: ${p.fit.toFixed(3)}`).join(', ');
}

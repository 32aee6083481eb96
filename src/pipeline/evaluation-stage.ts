/**
 * Where report.json's `evaluation` block gets its data (evaluation.ts computes it):
 * - `--eval x.npy [--labels y.npy]`: the user's samples and labels. A classifier needs labels
 *   (accuracy without them is meaningless); a model whose output has its input's shape (an
 *   autoencoder) may omit them: its target is its input. Anything else without labels is a
 *   usage error too.
 * - otherwise, one-input models: HELD_OUT_SAMPLES synthetic samples drawn with another seed than
 *   the calibration and training set (never used by either), at the same synthesis effort per
 *   sample; multi-input models get no evaluation block (null).
 */
import { budgetedCount, defaultSteps, synthesizeInputs } from '../distill/synthesize.js';
import { isClassifier } from '../distill/qat/objective.js';
import { UsageError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import { sizeOf } from '../ir/tensor.js';
import type { QModel } from '../quant/qmodel.js';
import { describeEvalData, evaluate, readLabels, type EvaluationReport } from './evaluation.js';
import type { ResolvedCompressOptions } from './options.js';
import { samplesFromNpy, singleInput } from './samples.js';
import { SYNTHETIC_SAMPLES } from './synthetic-stage.js';

export const HELD_OUT_SAMPLES = 16;
/** Held-out samples are drawn with seed + this, so they never coincide with the training set. */
export const HELD_OUT_SEED_OFFSET = 0x9e37;

/** Checks --eval/--labels against the model before any long work; returns what to evaluate on. */
export function evaluationData(graph: Graph, options: ResolvedCompressOptions, modelPath: string): { samples: Float32Array[]; labels?: ArrayLike<number>; inputsAreTargets: boolean; data: string } | undefined {
  if (options.eval === undefined) return undefined;
  const input = singleInput(graph.inputs, '--eval', modelPath);
  const samples = samplesFromNpy(options.eval, input, '--eval');
  const classifier = isClassifier(graph);
  const outShape = graph.types.get(graph.outputs[0]!.name)?.shape ?? [];
  const sameAsInput = graph.outputs.length === 1 && sizeOf(outShape) === sizeOf(input.shape);
  if (options.labels === undefined) {
    if (classifier) throw new UsageError(`--eval ${options.eval}: ${modelPath} is a classifier; give its labels with --labels y.npy`);
    if (!sameAsInput) throw new UsageError(`--eval ${options.eval}: give the target outputs with --labels y.npy (only a model whose output has its input's shape, an autoencoder, may omit them)`);
    return { samples, inputsAreTargets: true, data: describeEvalData(options.eval, undefined) };
  }
  const classes = outShape[outShape.length - 1] ?? 1;
  const labels = readLabels(options.labels, samples.length, classifier, classes, sizeOf(outShape));
  return { samples, labels, inputsAreTargets: false, data: describeEvalData(options.eval, options.labels) };
}

export function runEvaluation(
  graph: Graph,
  model: QModel,
  options: ResolvedCompressOptions,
  given: ReturnType<typeof evaluationData>,
): EvaluationReport | null {
  const classifier = isClassifier(graph);
  if (given) {
    return evaluate({ graph, model, samples: given.samples, classifier, data: given.data, inputsAreTargets: given.inputsAreTargets, ...(given.labels ? { labels: given.labels } : {}) });
  }
  if (graph.inputs.length !== 1) return null;
  const seed = (options.seed + HELD_OUT_SEED_OFFSET) >>> 0;
  const held = synthesizeInputs(graph, {
    count: HELD_OUT_SAMPLES,
    seed,
    inputRange: options.inputRange,
    steps: defaultSteps(graph, budgetedCount(graph, SYNTHETIC_SAMPLES)),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const data = `${HELD_OUT_SAMPLES} held-out synthetic samples (${held.method}, seed ${seed}), used neither for calibration nor for training`;
  return evaluate({ graph, model, samples: held.samples, classifier, data });
}

/**
 * report.json's `evaluation` block: how good the compiled model is, next to fp32.
 *
 * - With `--eval x.npy --labels y.npy`: the real metric on the user's data, for the fp32 model (the
 *   fp32 engine) and for the compiled model (the integer reference, which the emitted C matches bit
 *   for bit): top-1 accuracy for classifiers (labels: one class index per sample), MSE for other
 *   models (labels: the target outputs). An autoencoder may omit --labels: its target is its input.
 * - Without: data-free fidelity on held-out synthetic samples (never used for calibration or
 *   training): top-1 agreement of the compiled model with fp32 and the output SQNR.
 * Both also give the agreement and SQNR, so the two blocks read alike.
 */
import { basename } from 'node:path';
import { runGraph } from '../engine/run-graph.js';
import { UsageError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import { makeTensor, sizeOf } from '../ir/tensor.js';
import type { QModel } from '../quant/qmodel.js';
import { dequantizeOutput, quantizeInput, runQModel } from '../quant/run-qmodel.js';
import { sqnrDb } from '../report/compress-report.js';
import { readNpy } from '../data/npy.js';
import type { Samples } from './samples.js';

export interface EvaluationReport {
  /** What was evaluated on, in words. */
  data: string;
  samples: number;
  /** The real metric when labels were given: 'top-1' (fraction) or 'MSE'; else null. */
  metric: 'top-1' | 'MSE' | null;
  fp32: number | null;
  /** The compiled model's figure (integer reference, bit-exact with the C). */
  compiled: number | null;
  /** Classifiers: fraction of samples where the compiled model's top class is fp32's. */
  top1_agreement: number | null;
  /** Compiled vs fp32 outputs, dB (null: identical). */
  output_sqnr_db: number | null;
}

/** Labels of `count` samples from a .npy: class indices for a classifier, else target outputs. */
export function readLabels(path: string, count: number, classifier: boolean, classes: number, outputSize: number): Float64Array | Float32Array {
  const t = readNpy(path);
  const per = classifier ? 1 : outputSize;
  if (t.shape[0] !== count || t.data.length !== count * per) {
    const want = classifier ? `(${count},)` : `(${count}, ...) with ${outputSize} values per sample`;
    throw new UsageError(`--labels ${path}: shape (${t.shape.join(', ')}) does not match the ${count} --eval samples: expected ${want}`);
  }
  if (classifier && Array.from(t.data).some((v) => !Number.isInteger(v) || v < 0 || v >= classes)) {
    throw new UsageError(`--labels ${path}: holds values that are not class indices 0..${classes - 1}`);
  }
  return t.data;
}

function argmax(x: ArrayLike<number>, start: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (x[start + i]! > x[start + best]!) best = i;
  return best;
}

/** fp32 outputs of every sample, concatenated, run in batches on the fp32 engine. */
function fp32Outputs(graph: Graph, samples: Samples): Float32Array {
  const input = graph.inputs[0]!;
  const output = graph.outputs[0]!.name;
  const outSize = sizeOf(graph.types.get(output)!.shape);
  const out = new Float32Array(outSize * samples.length);
  samples.forEach((s, k) => {
    const y = runGraph(graph, { [input.name]: makeTensor('float32', input.shape, s) }).get(output)!;
    out.set(y.data, k * outSize);
  });
  return out;
}

export interface EvaluateInputs {
  graph: Graph;
  model: QModel;
  samples: Samples;
  /** Labels as readLabels returns them, or undefined. */
  labels?: ArrayLike<number>;
  /** For an autoencoder evaluated without labels: its inputs are its targets. */
  inputsAreTargets?: boolean;
  classifier: boolean;
  data: string;
}

export function evaluate(e: EvaluateInputs): EvaluationReport {
  const outSize = sizeOf(e.graph.types.get(e.graph.outputs[0]!.name)!.shape);
  const reference = fp32Outputs(e.graph, e.samples);
  const compiled = new Float32Array(reference.length);
  e.samples.forEach((s, k) => {
    const [q] = runQModel(e.model, [quantizeInput(e.model, s)]);
    compiled.set(dequantizeOutput(e.model, q!), k * outSize);
  });
  const n = e.samples.length;
  let signal = 0;
  let noise = 0;
  let agree = 0;
  for (let i = 0; i < reference.length; i++) {
    signal += reference[i]! * reference[i]!;
    noise += (reference[i]! - compiled[i]!) ** 2;
  }
  for (let k = 0; k < n && e.classifier; k++) if (argmax(reference, k * outSize, outSize) === argmax(compiled, k * outSize, outSize)) agree++;
  const targets = e.labels ?? (e.inputsAreTargets ? concat(e.samples) : undefined);
  let metric: EvaluationReport['metric'] = null;
  let fp32: number | null = null;
  let compiledMetric: number | null = null;
  if (targets && e.classifier) {
    metric = 'top-1';
    const top1 = (y: Float32Array) => Array.from({ length: n }, (_, k) => (argmax(y, k * outSize, outSize) === targets[k] ? 1 : 0) as number).reduce((a, b) => a + b, 0) / n;
    [fp32, compiledMetric] = [top1(reference), top1(compiled)];
  } else if (targets) {
    metric = 'MSE';
    const mse = (y: Float32Array) => y.reduce((s, v, i) => s + (v - targets[i]!) ** 2, 0) / y.length;
    [fp32, compiledMetric] = [mse(reference), mse(compiled)];
  }
  return {
    data: e.data,
    samples: n,
    metric,
    fp32,
    compiled: compiledMetric,
    top1_agreement: e.classifier ? agree / n : null,
    output_sqnr_db: sqnrDb(signal, noise),
  };
}

function concat(samples: Samples): Float32Array {
  const out = new Float32Array(samples.reduce((s, x) => s + x.length, 0));
  let at = 0;
  for (const s of samples) {
    out.set(s, at);
    at += s.length;
  }
  return out;
}

/** "x.npy with labels y.npy". */
export function describeEvalData(evalPath: string, labelsPath: string | undefined): string {
  return labelsPath ? `${basename(evalPath)} with labels ${basename(labelsPath)}` : `${basename(evalPath)} (targets: the inputs)`;
}

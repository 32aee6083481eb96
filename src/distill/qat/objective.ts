/**
 * What the student is trained to minimise against the fp32 teacher, on one mini-batch:
 *
 * - classifiers: Hinton's KL divergence between the temperature-softened output distributions
 *   (src/train/losses.ts, T^2-scaled); other models (autoencoders, regressors): the MSE between
 *   the outputs, divided by the teacher output's mean square so its size does not depend on units;
 * - plus intermediate feature matching: for each matched value (the outputs of the weighted layers
 *   but the last), the MSE between student and teacher divided by the teacher's mean square,
 *   averaged over the values and weighted by `featureWeight`. The normalisation keeps every layer's
 *   term near 1 at the start, whatever its scale, so no layer dominates.
 *
 * Returns the loss and its gradient with respect to every value it read (the seeds of backprop).
 */
import type { Graph } from '../../ir/graph.js';
import { makeTensor, sizeOf, type Tensor } from '../../ir/tensor.js';
import { float32Data } from '../../train/fake-quant.js';
import { klDivergenceLoss } from '../../train/losses.js';
import type { LossResult } from '../../train/parameters.js';
import { isWeighted } from '../../pipeline/bit-policy.js';

export interface ObjectiveOptions {
  classifier: boolean;
  temperature: number;
  featureWeight: number;
  /** Values matched besides the output. */
  features: string[];
}

/**
 * A classifier, for distillation and evaluation: one output of shape [batch, classes] with at
 * least 2 classes and not the size of the input (an autoencoder's output is its input's shape).
 */
export function isClassifier(graph: Graph): boolean {
  if (graph.outputs.length !== 1 || graph.inputs.length !== 1) return false;
  const out = graph.types.get(graph.outputs[0]!.name)?.shape ?? graph.outputs[0]!.shape;
  const inputSize = sizeOf(graph.inputs[0]!.shape);
  return out.length === 2 && (out[1] ?? 0) >= 2 && sizeOf(out) !== inputSize;
}

/** The outputs of every weighted layer but the last (the last's is the model output, matched anyway). */
export function featureValues(graph: Graph): string[] {
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const weighted = graph.nodes.filter((n) => isWeighted(graph, n));
  return weighted
    .slice(0, -1)
    .map((n) => n.outputs[0]!)
    .filter((v) => !outputs.has(v));
}

/** MSE(s, t) / (mean(t^2) + eps) * weight, with its gradient. */
function normalisedMse(student: Tensor, teacher: Tensor, weight: number): { value: number; grad: Tensor } {
  // Float32Array locals: indexing the TensorData union directly is polymorphic and several times slower.
  const s = float32Data(student);
  const t = float32Data(teacher);
  const n = s.length;
  let energy = 0;
  let error = 0;
  for (let i = 0; i < n; i++) {
    const v = t[i]!;
    const d = s[i]! - v;
    energy += v * v;
    error += d * d;
  }
  const norm = energy / n + 1e-8;
  const grad = makeTensor('float32', student.shape);
  const g = grad.data as Float32Array;
  const k = (2 * weight) / (n * norm);
  for (let i = 0; i < n; i++) g[i] = k * (s[i]! - t[i]!);
  return { value: (weight * error) / n / norm, grad };
}

export function distillationLoss(graph: Graph, student: Map<string, Tensor>, teacher: Map<string, Tensor>, o: ObjectiveOptions): LossResult & { output: number } {
  const grads = new Map<string, Tensor>();
  const name = graph.outputs[0]!.name;
  const s = student.get(name)!;
  const t = teacher.get(name)!;
  let output: number;
  if (o.classifier) {
    const kl = klDivergenceLoss(s, t, o.temperature);
    output = kl.value;
    grads.set(name, kl.grad);
  } else {
    const mse = normalisedMse(s, t, 1);
    output = mse.value;
    grads.set(name, mse.grad);
  }
  let value = output;
  const weight = o.features.length > 0 ? o.featureWeight / o.features.length : 0;
  if (weight > 0) {
    for (const f of o.features) {
      const term = normalisedMse(student.get(f)!, teacher.get(f)!, weight);
      value += term.value;
      grads.set(f, term.grad);
    }
  }
  return { value, grads, output };
}

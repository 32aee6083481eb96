/**
 * Losses with their gradients, computed in double. Logits are (rows, classes) over the last axis
 * (any leading shape counts as rows); every loss is a mean over rows (MSE: over elements), so its
 * size does not depend on the batch.
 *
 * - MSE: mean((p - t)^2); dp = 2 (p - t) / n.
 * - Cross-entropy with integer labels: mean(-log softmax(z)[label]); dz = (softmax(z) - onehot) / rows.
 * - KL divergence with temperature T (Hinton et al., "Distilling the Knowledge in a Neural
 *   Network"): T^2 * mean_rows KL(softmax(t/T) || softmax(s/T)), the T^2 keeping gradient sizes
 *   independent of T: ds = T (q - p) / rows with p = softmax(t/T), q = softmax(s/T). The teacher's
 *   gradient (for synthesis that moves the teacher's input too) is dt = T p (log p - log q - KL_row) / rows.
 */
import { InternalError } from '../errors.js';
import { makeTensor, type Tensor } from '../ir/tensor.js';

export interface Loss {
  value: number;
  /** dLoss/dPrediction (the student's logits for KL), in the prediction's dtype and shape. */
  grad: Tensor;
}

function rowsOf(t: Tensor): [number, number] {
  const classes = t.shape[t.shape.length - 1] ?? 1;
  return [t.data.length / classes, classes];
}

function checkSameShape(a: Tensor, b: Tensor, what: string): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new InternalError(`${what}: shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}] differ`);
  }
}

/** log softmax(z / T) of one row, in double. */
function logSoftmaxRow(z: ArrayLike<number>, start: number, classes: number, temperature: number): Float64Array {
  const out = new Float64Array(classes);
  let max = -Infinity;
  for (let c = 0; c < classes; c++) max = Math.max(max, z[start + c]! / temperature);
  let sum = 0;
  for (let c = 0; c < classes; c++) sum += Math.exp(z[start + c]! / temperature - max);
  const logSum = Math.log(sum) + max;
  for (let c = 0; c < classes; c++) out[c] = z[start + c]! / temperature - logSum;
  return out;
}

export function mseLoss(prediction: Tensor, target: Tensor): Loss {
  checkSameShape(prediction, target, 'MSE');
  const n = prediction.data.length;
  const grad = makeTensor(prediction.dtype, prediction.shape);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = prediction.data[i]! - target.data[i]!;
    sum += d * d;
    grad.data[i] = (2 * d) / n;
  }
  return { value: sum / n, grad };
}

/** Mean cross-entropy of logits (rows, classes) against one integer label per row. */
export function crossEntropyLoss(logits: Tensor, labels: ArrayLike<number>): Loss {
  const [rows, classes] = rowsOf(logits);
  if (labels.length !== rows) throw new InternalError(`cross-entropy: ${labels.length} labels for ${rows} rows`);
  const grad = makeTensor(logits.dtype, logits.shape);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const label = labels[r]!;
    if (!Number.isInteger(label) || label < 0 || label >= classes) throw new InternalError(`cross-entropy: label ${label} is not a class of ${classes}`);
    const logp = logSoftmaxRow(logits.data, r * classes, classes, 1);
    total -= logp[label]!;
    for (let c = 0; c < classes; c++) grad.data[r * classes + c] = (Math.exp(logp[c]!) - (c === label ? 1 : 0)) / rows;
  }
  return { value: total / rows, grad };
}

/** Hinton's distillation loss; `grad` is the student's, `teacherGrad` the teacher's. */
export function klDivergenceLoss(student: Tensor, teacher: Tensor, temperature = 1): Loss & { teacherGrad: Tensor } {
  checkSameShape(student, teacher, 'KL divergence');
  if (!(temperature > 0)) throw new InternalError(`KL divergence: temperature ${temperature} must be positive`);
  const T = temperature;
  const [rows, classes] = rowsOf(student);
  const grad = makeTensor(student.dtype, student.shape);
  const teacherGrad = makeTensor(teacher.dtype, teacher.shape);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const start = r * classes;
    const logq = logSoftmaxRow(student.data, start, classes, T);
    const logp = logSoftmaxRow(teacher.data, start, classes, T);
    let kl = 0;
    for (let c = 0; c < classes; c++) kl += Math.exp(logp[c]!) * (logp[c]! - logq[c]!);
    total += kl;
    for (let c = 0; c < classes; c++) {
      const p = Math.exp(logp[c]!);
      grad.data[start + c] = (T * (Math.exp(logq[c]!) - p)) / rows;
      teacherGrad.data[start + c] = (T * p * (logp[c]! - logq[c]! - kl)) / rows;
    }
  }
  return { value: (T * T * total) / rows, grad, teacherGrad };
}

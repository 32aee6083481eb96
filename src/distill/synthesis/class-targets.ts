/**
 * Class targets for class-conditional synthesis (Dream Distillation, arXiv:1905.07072):
 * - labels are assigned round-robin over the whole synthetic set (sample k gets class k mod C),
 *   so the requested classes are balanced by construction (counts differ by at most one);
 * - per-class centroids of the teacher's penultimate activations come from the user's metadata
 *   when given, else they are estimated data-free from the class-conditional optimisation itself:
 *   the mean penultimate activation of the samples optimised towards each class;
 * - each sample's feature target is its class centroid plus Gaussian noise of `diversity` times
 *   the centroid's RMS per dimension (clamped at 0 when the centroid is non-negative, as after a
 *   ReLU), so samples of one class spread around the centroid instead of collapsing onto one mode.
 * The class balance reported is the teacher's argmax over the final samples, with the total
 * variation distance to the uniform distribution: 0.5 * sum_c |n_c / N - 1 / C|.
 */
import type { Tensor } from '../../ir/tensor.js';
import { gaussian, type Random } from '../../util/random.js';

export function balancedLabels(first: number, count: number, classes: number): number[] {
  return Array.from({ length: count }, (_, k) => (first + k) % classes);
}

/** Mean feature row per class among `labels`; undefined for a class with no row. */
export function centroidsOf(features: Tensor, labels: readonly number[], classes: number): (Float64Array | undefined)[] {
  const dim = features.data.length / labels.length;
  const sums = Array.from({ length: classes }, () => new Float64Array(dim));
  const counts = new Array<number>(classes).fill(0);
  labels.forEach((label, r) => {
    counts[label]!++;
    const sum = sums[label]!;
    for (let k = 0; k < dim; k++) sum[k]! += features.data[r * dim + k]!;
  });
  return sums.map((sum, c) => (counts[c]! > 0 ? sum.map((v) => v / counts[c]!) : undefined));
}

/** One feature target per label, drawn around its class centroid. */
export function sampleTargets(centroids: readonly Float64Array[], labels: readonly number[], diversity: number, random: Random): Float64Array[] {
  const normal = gaussian(random);
  return labels.map((label) => {
    const centroid = centroids[label]!;
    const rms = Math.sqrt(centroid.reduce((a, v) => a + v * v, 0) / Math.max(1, centroid.length));
    const nonNegative = centroid.every((v) => v >= 0);
    return centroid.map((v) => {
      const t = v + diversity * rms * normal();
      return nonNegative ? Math.max(0, t) : t;
    });
  });
}

export interface ClassBalance {
  counts: number[];
  /** Total variation distance of the argmax distribution to uniform, in [0, 1 - 1/C]. */
  distanceToUniform: number;
}

/** Argmax class per row of logits [N, C], appended to `counts`. */
export function countArgmax(logits: Tensor, counts: number[]): void {
  const classes = counts.length;
  const rows = logits.data.length / classes;
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits.data[r * classes + c]! > logits.data[r * classes + best]!) best = c;
    counts[best]!++;
  }
}

export function classBalance(counts: number[]): ClassBalance {
  const total = counts.reduce((a, b) => a + b, 0);
  const uniform = 1 / counts.length;
  const tv = 0.5 * counts.reduce((a, n) => a + Math.abs(n / Math.max(1, total) - uniform), 0);
  return { counts, distanceToUniform: Math.round(tv * 1e6) / 1e6 };
}

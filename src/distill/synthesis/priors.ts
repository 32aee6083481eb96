/**
 * Image priors on the synthetic inputs and the input domain (DeepInversion's R_prior), measured in
 * units of the input range r = hi - lo so weights carry over between domains:
 * - total variation (squared): mean over neighbouring pairs along the last two axes of
 *   ((x_a - x_b) / r)^2, for image-like inputs (batch, channels, height, width); natural inputs
 *   are locally smooth, noise is not;
 * - L2: mean of ((x - mid) / r)^2, pulling values off the domain's edges.
 * Gradients are added into `grad` scaled by each prior's weight; the value returned is the
 * weighted sum. Samples start as smooth noise around the domain's middle and are projected back
 * into [lo, hi] after every step, so every sample stays inside the domain.
 */
import { gaussian, type Random } from '../../util/random.js';

export interface PriorWeights {
  totalVariation: number;
  l2: number;
}

/** Adds the priors' gradients for a batch x of `shape` (batch first) into grad; returns the loss. */
export function addPriors(x: Float32Array, shape: readonly number[], range: readonly [number, number], weights: PriorWeights, grad: Float32Array, levels?: Float32Array): number {
  const [lo, hi] = range;
  const r = hi - lo;
  const mid = (lo + hi) / 2;
  const per = x.length / (shape[0] ?? 1);
  let l2 = 0;
  const cL2 = (2 * weights.l2) / (x.length * r * r);
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - (levels ? levels[Math.floor(i / per)]! : mid);
    l2 += d * d;
    grad[i]! += cL2 * d;
  }
  let value = (weights.l2 * l2) / (x.length * r * r);
  if (shape.length < 4 || weights.totalVariation === 0) return value;
  const width = shape[shape.length - 1]!;
  const height = shape[shape.length - 2]!;
  const planes = x.length / (width * height);
  const pairs = planes * ((height - 1) * width + height * (width - 1));
  if (pairs === 0) return value;
  const c = weights.totalVariation / (pairs * r * r);
  let tv = 0;
  const pair = (a: number, b: number) => {
    const d = x[a]! - x[b]!;
    tv += d * d;
    grad[a]! += 2 * c * d;
    grad[b]! -= 2 * c * d;
  };
  for (let p = 0; p < planes; p++) {
    const base = p * width * height;
    for (let h = 0; h < height; h++) {
      for (let w = 0; w < width; w++) {
        const i = base + h * width + w;
        if (w + 1 < width) pair(i, i + 1);
        if (h + 1 < height) pair(i, i + width);
      }
    }
  }
  value += c * tv;
  return value;
}

/**
 * Starting points: Gaussian noise (sd r/6) around the domain's middle, blurred once along the
 * last axis when there are spatial axes (a smoother start converges faster under the TV prior).
 */
export function initialInputs(count: number, shape: readonly number[], range: readonly [number, number], random: Random, levels?: Float32Array): Float32Array {
  const [lo, hi] = range;
  const normal = gaussian(random);
  const per = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(count * per);
  const perSample = x.length / (levels?.length ?? 1);
  for (let i = 0; i < x.length; i++) x[i] = (levels ? levels[Math.floor(i / perSample)]! : (lo + hi) / 2) + ((hi - lo) / 6) * normal();
  if (shape.length >= 4) {
    const width = shape[shape.length - 1]!;
    const copy = Float32Array.from(x);
    for (let i = 0; i < x.length; i++) {
      const w = i % width;
      const left = w > 0 ? copy[i - 1]! : copy[i]!;
      const right = w + 1 < width ? copy[i + 1]! : copy[i]!;
      x[i] = 0.25 * left + 0.5 * copy[i]! + 0.25 * right;
    }
  }
  clampInto(x, range);
  return x;
}

export function clampInto(x: Float32Array, range: readonly [number, number]): void {
  const [lo, hi] = range;
  for (let i = 0; i < x.length; i++) x[i] = Math.min(hi, Math.max(lo, x[i]!));
}

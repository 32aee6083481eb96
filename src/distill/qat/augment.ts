/**
 * Input augmentation for quantization-aware distillation on synthetic data. Synthetic inputs sit
 * on a narrow manifold of their own (high-frequency, teacher-confident patterns): a 2-bit student
 * trained on them alone agrees with the teacher on held-out synthetic samples and not on real
 * inputs. Since the teacher labels every input afresh, any input is a valid training example, and
 * the useful ones lie nearer natural signals, which are dominated by low spatial frequencies
 * (images, spectrograms). Each batch element therefore gets, with its own random draws:
 *
 * - a separable box blur, radius up to 1/AXIS_FRACTION of each spatial axis;
 * - a translation by up to 1/AXIS_FRACTION of each spatial axis (edges replicated);
 * - a smooth random field mixed in: uniform noise on a coarse grid (2..8 cells a side), bilinearly
 *   upsampled, weight uniform in [0, 1] (noise-based pretraining data, Baradad et al. 2021).
 *
 * Only inputs of rank 4 ([batch, channels, height, width]) are augmented: a vector input (an
 * autoencoder's) has no spatial axes to smooth along. Values stay inside the input range (every
 * operation is a convex combination of inputs and values drawn inside it). Deterministic: all
 * draws come from the `random` the trainer seeds.
 */
import { resizeBilinear2d } from '../../kernels/resize.js';
import type { Random } from '../../util/random.js';

/** Shifts and blur radii reach up to 1/AXIS_FRACTION of each spatial axis (2 cells of 32, none across 10). */
export const AXIS_FRACTION = 16;
const MIN_GRID = 2;
const MAX_GRID = 8;

export type Augmentation = (batch: Float32Array, shape: readonly number[], random: Random) => void;

/** The augmentation for an input of this (batch-1) shape and range, or undefined when it has no spatial axes. */
export function spatialAugmentation(inputShape: readonly number[], range: readonly [number, number]): Augmentation | undefined {
  if (inputShape.length !== 4 || (inputShape[2] ?? 1) < 2 || (inputShape[3] ?? 1) < 2) return undefined;
  return (batch, shape, random) => {
    const [count, channels, h, w] = shape as [number, number, number, number];
    const plane = h * w;
    const scratch = new Float32Array(plane);
    const [reachY, reachX] = [Math.floor(h / AXIS_FRACTION), Math.floor(w / AXIS_FRACTION)];
    for (let b = 0; b < count; b++) {
      const field = smoothField(h, w, range, random);
      const weight = random();
      const dy = Math.floor(random() * (2 * reachY + 1)) - reachY;
      const dx = Math.floor(random() * (2 * reachX + 1)) - reachX;
      const blur = random();
      const [ry, rx] = [Math.floor(blur * (reachY + 1)), Math.floor(blur * (reachX + 1))];
      for (let c = 0; c < channels; c++) {
        const p = batch.subarray((b * channels + c) * plane, (b * channels + c + 1) * plane);
        boxBlur(p, scratch, h, w, ry, rx);
        shiftPlane(p, scratch, h, w, dy, dx);
        for (let i = 0; i < plane; i++) p[i] = weight * field[i]! + (1 - weight) * p[i]!;
      }
    }
  };
}

/** Uniform noise in `range` on a random coarse grid, bilinearly upsampled to h x w (align_corners false). */
export function smoothField(h: number, w: number, range: readonly [number, number], random: Random): Float32Array {
  const gh = MIN_GRID + Math.floor(random() * (MAX_GRID - MIN_GRID + 1));
  const gw = MIN_GRID + Math.floor(random() * (MAX_GRID - MIN_GRID + 1));
  const grid = Float32Array.from({ length: gh * gw }, () => range[0] + (range[1] - range[0]) * random());
  const out = new Float32Array(h * w);
  resizeBilinear2d(out, grid, 1, gh, gw, h, w);
  return out;
}

/** p(y, x) <- p(y - dy, x - dx), coordinates clamped to the plane (edges replicated). */
export function shiftPlane(p: Float32Array, scratch: Float32Array, h: number, w: number, dy: number, dx: number): void {
  if (dy === 0 && dx === 0) return;
  scratch.set(p);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(h - 1, Math.max(0, y - dy));
    for (let x = 0; x < w; x++) p[y * w + x] = scratch[sy * w + Math.min(w - 1, Math.max(0, x - dx))]!;
  }
}

/** Separable mean over a (2 ry + 1) x (2 rx + 1) window, the window cut at the edges. */
export function boxBlur(p: Float32Array, scratch: Float32Array, h: number, w: number, ry: number, rx: number): void {
  if (ry <= 0 && rx <= 0) return;
  meanAlong(scratch, p, h, w, w, 1, rx); // along rows
  meanAlong(p, scratch, w, 1, h, w, ry); // along columns
}

/**
 * dst = the mean of src over a (2 radius + 1) window cut at the ends, along `lines` lines of
 * `length` points `step` apart, line i starting at i * lineStep.
 */
function meanAlong(dst: Float32Array, src: Float32Array, lines: number, lineStep: number, length: number, step: number, radius: number): void {
  for (let i = 0; i < lines; i++) {
    const base = i * lineStep;
    for (let j = 0; j < length; j++) {
      let sum = 0;
      const from = Math.max(0, j - radius);
      const to = Math.min(length - 1, j + radius);
      for (let k = from; k <= to; k++) sum += src[base + k * step]!;
      dst[base + j * step] = sum / (to - from + 1);
    }
  }
}

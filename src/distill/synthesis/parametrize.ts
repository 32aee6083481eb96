/**
 * How the synthesizer parametrises and perturbs image-like inputs ([N, C, H, W]: the last two axes
 * are spatial), two regularisers of model inversion that need no knowledge of the data:
 * - low resolution (the image prior of multi-resolution / low-frequency inversion): the optimised
 *   pixels z live on a grid `factor` times coarser along each spatial axis and the model sees
 *   x = upsample(z), bilinear with half-pixel centres (align_corners = false). Inverting a
 *   classifier pixel by pixel finds high-frequency adversarial patterns that excite the teacher
 *   far more than natural inputs do; a coarse grid cannot express them. Bilinear weights are
 *   convex, so z inside the input range keeps x inside it too. Gradients flow back through the
 *   transpose (adjoint) of the same interpolation;
 * - jitter (DeepInversion, Plug-In Inversion): every step the batch is shifted circularly by a
 *   random offset of up to `jitter` pixels per spatial axis, so a sample must work for the teacher
 *   at every such shift instead of at one pixel-exact position.
 * DRAWING and PRIOR_DRAWING say which of these, with which priors (priors.ts), each synthesis
 * method uses.
 */
import { resizeBilinear2d } from '../../kernels/resize.js';
import { resizeBilinear2dBackward } from '../../kernels/resize-backward.js';
import type { SynthesisMethod } from '../synthesize.js';
import type { PriorWeights } from './priors.js';

/** A coarse axis keeps at least this many points (short axes stay at full resolution). */
const MIN_COARSE = 8;

export interface LowResolution {
  /** The parameter grid's shape (same batch and channels, coarser spatial axes). */
  shape: number[];
  /** x = upsample(z). */
  expand(z: Float32Array, x: Float32Array): void;
  /** gz = upsample^T(gx): the gradient with respect to z of a loss whose gradient on x is gx. */
  reduce(gx: Float32Array, gz: Float32Array): void;
}

/** The coarse parametrisation of inputs of `shape` (batch first), or undefined when not image-like or factor 1. */
export function lowResolution(shape: readonly number[], factor: number): LowResolution | undefined {
  if (shape.length < 4 || factor <= 1) return undefined;
  const H = shape[shape.length - 2]!;
  const W = shape[shape.length - 1]!;
  const h = Math.max(MIN_COARSE, Math.ceil(H / factor));
  const w = Math.max(MIN_COARSE, Math.ceil(W / factor));
  if (h >= H && w >= W) return undefined;
  const hh = Math.min(h, H);
  const ww = Math.min(w, W);
  const planes = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return {
    shape: [...shape.slice(0, -2), hh, ww],
    expand: (z, x) => resizeBilinear2d(x, z, planes, hh, ww, H, W),
    reduce: (gx, gz) => resizeBilinear2dBackward(gz, gx, planes, hh, ww, H, W),
  };
}

/**
 * Circular shift of every spatial plane of x [.., H, W] by (dy, dx) into out:
 * out[r][c] = x[(r - dy) mod H][(c - dx) mod W]. The shift by (-dy, -dx) is its inverse (and
 * its transpose), which carries gradients back.
 */
export function roll(x: Float32Array, shape: readonly number[], dy: number, dx: number, out: Float32Array): void {
  const H = shape[shape.length - 2]!;
  const W = shape[shape.length - 1]!;
  const planes = x.length / (H * W);
  for (let p = 0; p < planes; p++) {
    const base = p * H * W;
    for (let r = 0; r < H; r++) {
      const src = base + ((((r - dy) % H) + H) % H) * W;
      const dst = base + r * W;
      for (let c = 0; c < W; c++) out[dst + c] = x[src + ((((c - dx) % W) + W) % W)]!;
    }
  }
}

/** How a method's samples are parametrised, perturbed and held (this file, priors.ts): the settings synthesize.ts applies per batch. */
export interface Drawing {
  /** Image-like inputs: the optimised grid is this many times coarser per spatial axis. */
  resolutionFactor: number;
  /** Image-like inputs: largest random shift per step, as a fraction of each spatial axis. */
  jitterFraction: number;
  /** Each sample starts around, and the L2 prior holds it to, its own random level of the range. */
  randomLevels: boolean;
  priors: PriorWeights;
}

/**
 * Class-conditional synthesis (no BN statistics) has nothing anchoring the inputs but the priors.
 * Inverted pixel by pixel, the teacher yields saturated high-frequency patterns on a mid-range
 * background (resnet8: 5x the real inputs' pixel-to-pixel variation, 17% of the pixels at the top
 * of the range, activations 2x the real ones): a w2a8 student distilled on them agrees with the
 * teacher on all held-out synthetic samples and on 19% of the real test set. A 4x coarser grid,
 * random shifts and, above all, per-sample levels that cover the whole range (dark, mid and
 * bright samples) close most of that gap (resnet8 w2a8: 19% -> 88%); see CHANGELOG for figures.
 * With BN statistics the kept statistics anchor the inputs, and the settings stay as measured.
 */
export const DRAWING: Record<SynthesisMethod, Drawing> = {
  'bn-statistics': { resolutionFactor: 1, jitterFraction: 0, randomLevels: false, priors: { totalVariation: 1, l2: 0.01 } },
  'class-conditional': { resolutionFactor: 4, jitterFraction: 1 / 16, randomLevels: true, priors: { totalVariation: 1, l2: 1 } },
  'activation-statistics': { resolutionFactor: 1, jitterFraction: 0, randomLevels: false, priors: { totalVariation: 1, l2: 0.01 } },
};

/**
 * Class-conditional synthesis under the folded-BN prior (synthesis/folded-bn-prior.ts): the
 * statistics anchor the inputs as kept BN statistics do, so samples start around the middle of the
 * range with the weak L2 prior of the bn-statistics drawing instead of per-sample levels (which
 * lifted dscnn's black backgrounds to grey); the shifts stay, and the grid is the one of
 * PRIOR_RESOLUTIONS that fits the prior best (run-batches.ts), which sets `resolutionFactor`.
 */
export const PRIOR_DRAWING: Drawing = { resolutionFactor: 4, jitterFraction: 1 / 16, randomLevels: false, priors: { totalVariation: 1, l2: 0.01 } };

/** The resolution factors the folded-BN prior probes: full resolution to the coarsest grid (MIN_COARSE). */
export const PRIOR_RESOLUTIONS = [1, 2, 4, 8];

/** The distinct spatial grids [rows, columns] that `factors` give inputs of `shape`, with the first factor giving each. */
export function distinctGrids(shape: readonly number[], factors: readonly number[]): { factor: number; grid: number[] }[] {
  const out: { factor: number; grid: number[] }[] = [];
  for (const factor of factors) {
    const grid = shape.length >= 4 ? (lowResolution(shape, factor)?.shape ?? shape).slice(-2) : [];
    if (!out.some((o) => o.grid.join('x') === grid.join('x'))) out.push({ factor, grid });
  }
  return out;
}

/** Largest random shift per spatial axis (none on axes shorter than 1 / fraction). */
export function jitterFor(shape: readonly number[], fraction: number): [number, number] {
  if (shape.length < 4) return [0, 0];
  return [Math.floor(fraction * shape[shape.length - 2]!), Math.floor(fraction * shape[shape.length - 1]!)];
}

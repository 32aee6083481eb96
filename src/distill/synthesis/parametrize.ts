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
 */
import { resizeBilinear2d } from '../../kernels/resize.js';
import { resizeBilinear2dBackward } from '../../kernels/resize-backward.js';

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

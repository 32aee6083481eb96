/**
 * Fake quantization loops for quantization-aware training (src/train/fake-quant.ts, lsq.ts), with
 * the obvious per-element references beside them. Element i of a tensor uses step size
 * steps[floor(i / inner) % steps.length] (one per output channel, or one for the whole tensor
 * with inner = length), t = x / s (the division, as the integer pipeline's quantizeValue), and
 *
 *   forward   y = (clamp(roundHalfAway(t) + zp, lo, hi) - zp) * s
 *   backward  dx = dy strictly inside (lo < t + zp < hi), else +0; and per step size the sum, in
 *             element order and in float64, of dy * (roundHalfAway(t) - t) inside, dy * (lo - zp)
 *             below, dy * (hi - zp) above (LSQ's step-size gradient before its scale).
 *
 * The fast loops give the references' numbers bit for bit, for every x (a run of the backward
 * whose step sum comes out NaN or infinite is redone by the reference). What makes them fast (the profile of a
 * ResNet-8 student step: 30-100 ns per element before, mostly in these three things):
 * - no per-element closure for the step size: a plain loop per run of `inner` elements;
 * - Math.round and Math.max/min are slow in V8 (their -0 and NaN rules cost a branch each):
 *   rounding is Math.trunc(t +- h), h the largest double below 0.5 (adding 0.5 itself rounds
 *   0.49999999999999994 up to 1), its sign taken from the float32 bits of x (s > 0, so
 *   sign(t) = sign(x), -0 included) without a branch; clamps are comparisons that rarely bite;
 * - the grid's bounds and zero point are read from a Float64Array: as small integers (Smis) they
 *   make V8 merge `l < lo ? lo : l` into a boxed value, one heap number per element (10x slower);
 * - the backward's inside/outside choice is a 0/-1 mask, not a branch: after a Relu with zero
 *   point lo, half the values sit exactly at the lower bound, at random places, and a branch there
 *   mispredicts half the time. V8 compiles every comparison to a branch, so the mask is the sign of
 *   lo - u and u - hi as an int32 (see TINY); dy passes through it on its bits (+0 outside).
 */
import { roundHalfAway } from '../quant/fixed-point.js';

/** The integer grid: levels in [lo, hi], zero point zp (an integer inside it). */
export interface QuantGrid {
  lo: number;
  hi: number;
  zeroPoint: number;
}

/** The largest double below 0.5. */
const JUST_BELOW_HALF = 0.49999999999999994;

/**
 * The backward's masks take the sign of d = lo - u (and u - hi) as an int32 without a branch:
 * floor(d * 2^-300) is -1 for d < 0 and 0 for d >= 0, for every finite d (|d| < 2^280 since
 * |x / s| < 2^128 / 2^-149; and d != 0 is at least an ulp of lo, |lo| >= 1, so the product never
 * underflows to 0), and -1 & -1 is -1 only when both are negative.
 */
const TINY = 2 ** -300;

const bitsOf = (a: Float32Array) => new Int32Array(a.buffer, a.byteOffset, a.length);

/** [lo, hi, zp, TINY] as doubles (see the header: Smi bounds box the clamp's result). */
const asDoubles = (grid: QuantGrid) => Float64Array.of(grid.lo, grid.hi, grid.zeroPoint, TINY);

/** out = fake-quantized x (see the header); out may not alias x. */
export function fakeQuantForward(out: Float32Array, x: Float32Array, steps: Float32Array, inner: number, grid: QuantGrid): void {
  const g = asDoubles(grid);
  const lo = g[0]!;
  const hi = g[1]!;
  const zp = g[2]!;
  const xBits = bitsOf(x);
  const channels = steps.length;
  for (let base = 0, c = 0; base < x.length; base += inner, c = c + 1 === channels ? 0 : c + 1) {
    const s = steps[c]!;
    const end = Math.min(x.length, base + inner);
    for (let i = base; i < end; i++) {
      // +-h by the sign bit: (xBits >> 31) is -1 for negative x (and -0), else 0.
      const level = Math.trunc(x[i]! / s + JUST_BELOW_HALF * ((xBits[i]! >> 31) | 1)) + zp;
      out[i] = ((level < lo ? lo : level > hi ? hi : level) - zp) * s;
    }
  }
}

/**
 * dx (see the header) and, when `stepGrad` is given, the step-size gradient sums added to it
 * (stepGrad[k] += ..., in element order, so a zeroed array gets exactly the reference's sums).
 */
export function lsqBackward(dx: Float32Array, x: Float32Array, dy: Float32Array, steps: Float32Array, inner: number, grid: QuantGrid, stepGrad: Float64Array): void {
  const g = asDoubles(grid);
  const lo = g[0]!;
  const hi = g[1]!;
  const zp = g[2]!;
  const tiny = g[3]!;
  const xBits = bitsOf(x);
  const dyBits = bitsOf(dy);
  const dxBits = bitsOf(dx);
  const channels = steps.length;
  for (let base = 0, c = 0; base < x.length; base += inner, c = c + 1 === channels ? 0 : c + 1) {
    const s = steps[c]!;
    const end = Math.min(x.length, base + inner);
    const start = stepGrad[c]!;
    let sum = start;
    for (let i = base; i < end; i++) {
      const t = x[i]! / s;
      const u = t + zp;
      // -1 strictly inside (lo - u < 0 and u - hi < 0), else 0: see TINY.
      const inside = Math.floor((lo - u) * tiny) & Math.floor((u - hi) * tiny);
      const level = Math.trunc(t + JUST_BELOW_HALF * ((xBits[i]! >> 31) | 1)) + zp;
      // Inside, level - zp is roundHalfAway(t); below (above) the clamp makes it lo - zp (hi - zp).
      const q = (level < lo ? lo : level > hi ? hi : level) - zp;
      sum += dy[i]! * (q + inside * t);
      dxBits[i] = dyBits[i]! & inside;
    }
    // A NaN or infinite x (or dy) makes the sum NaN or infinite: redo the run as the reference
    // (a check per run, not per element: a per-element guard made the loop 2.5x slower).
    if (!Number.isFinite(sum)) {
      sum = start;
      for (let i = base; i < end; i++) sum += lsqElementReference(dx, i, x[i]! / s, dy[i]!, grid);
    }
    stepGrad[c] = sum;
  }
}

/** dx = dy where lo <= t + zp <= hi (inclusive: fixed qparams' straight-through mask), else +0. */
export function clampMaskBackward(dx: Float32Array, x: Float32Array, dy: Float32Array, scale: number, grid: QuantGrid): void {
  const g = asDoubles(grid);
  const lo = g[0]!;
  const hi = g[1]!;
  const zp = g[2]!;
  const tiny = g[3]!;
  const dyBits = bitsOf(dy);
  const dxBits = bitsOf(dx);
  for (let i = 0; i < x.length; i++) {
    const u = x[i]! / scale + zp;
    // ceil(d) - 1 < 0 exactly when d <= 0; NaN and infinities give 0 (outside), as the reference.
    dxBits[i] = dyBits[i]! & ((Math.ceil((lo - u) * tiny) - 1) & (Math.ceil((u - hi) * tiny) - 1));
  }
}

/** The reference of fakeQuantForward: one element at a time, as written in the header. */
export function fakeQuantForwardReference(out: Float32Array, x: Float32Array, steps: ArrayLike<number>, inner: number, grid: QuantGrid): void {
  const { lo, hi, zeroPoint: zp } = grid;
  for (let i = 0; i < x.length; i++) {
    const s = steps[Math.floor(i / inner) % steps.length]!;
    out[i] = (Math.max(lo, Math.min(hi, roundHalfAway(x[i]! / s) + zp)) - zp) * s;
  }
}

/** One element of lsqBackwardReference (dx[i] and the step-gradient term), t = x[i] / s. */
function lsqElementReference(dx: Float32Array, i: number, t: number, g: number, grid: QuantGrid): number {
  const { lo, hi, zeroPoint: zp } = grid;
  dx[i] = 0;
  if (t + zp <= lo) return g * (lo - zp);
  if (t + zp >= hi) return g * (hi - zp);
  dx[i] = g;
  return g * (roundHalfAway(t) - t);
}

/** The reference of lsqBackward. */
export function lsqBackwardReference(dx: Float32Array, x: Float32Array, dy: Float32Array, steps: Float32Array, inner: number, grid: QuantGrid, stepGrad: Float64Array): void {
  const { lo, hi, zeroPoint: zp } = grid;
  dx.fill(0);
  for (let i = 0; i < x.length; i++) {
    const k = Math.floor(i / inner) % steps.length;
    const t = x[i]! / steps[k]!;
    const g = dy[i]!;
    if (t + zp <= lo) stepGrad[k]! += g * (lo - zp);
    else if (t + zp >= hi) stepGrad[k]! += g * (hi - zp);
    else {
      dx[i] = g;
      stepGrad[k]! += g * (roundHalfAway(t) - t);
    }
  }
}

/** The reference of clampMaskBackward. */
export function clampMaskBackwardReference(dx: Float32Array, x: Float32Array, dy: Float32Array, scale: number, grid: QuantGrid): void {
  const { lo, hi, zeroPoint: zp } = grid;
  for (let i = 0; i < x.length; i++) {
    const u = x[i]! / scale + zp;
    dx[i] = u >= lo && u <= hi ? dy[i]! : 0;
  }
}

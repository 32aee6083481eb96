/**
 * Resize (nearest, n-linear, n-cubic) as one 1-D resampling pass per resized axis. Every mode
 * separates: nearest is a gather per axis, n-linear and n-cubic interpolation are 1-D
 * interpolations along each axis in turn, and tf_crop_and_resize's extrapolation survives the
 * passes (a row that is all extrapolation_value interpolates to extrapolation_value).
 *
 * Coordinates follow onnxruntime's float32 arithmetic (every step rounded with Math.fround), so
 * nearest-neighbour ties break as they do there.
 */

export interface AxisPlan {
  /** 'linear' blends `lower` and `upper`; 'nearest' reads `lower` only; 'cubic' reads `cubic`. */
  mode: 'nearest' | 'linear' | 'cubic';
  inLength: number;
  outLength: number;
  /** Per output index: source indices and their weights. */
  lower: Int32Array;
  upper: Int32Array;
  lowerWeight: Float32Array;
  upperWeight: Float32Array;
  /** Per output index: 1 when the coordinate fell outside the input (tf_crop_and_resize only). */
  outside: Uint8Array;
  /** Cubic only: per output index, CUBIC_TAPS source indices (edge-clamped) and their weights. */
  cubic?: { index: Int32Array; weight: Float32Array };
}

/** A cubic interpolation reads the 4 inputs around the coordinate: floor(x) - 1 .. floor(x) + 2. */
export const CUBIC_TAPS = 4;

export interface AxisOptions {
  mode: 'nearest' | 'linear' | 'cubic';
  coordinateMode: string;
  nearestMode: string;
  /** The factor output/input this axis is resized by (as given, or derived from sizes). */
  scale: number;
  /**
   * The resized length align_corners divides by: in * scale when scales are given (unfloored, as
   * the ONNX reference computes it; onnxruntime uses the floored output length instead), the
   * output length when sizes are.
   */
  resizedLength: number;
  /** tf_crop_and_resize: the region of interest, as fractions of the input length. */
  roiStart: number;
  roiEnd: number;
  /** Cubic: the kernel's coefficient a (cubic_coeff_a), and exclude_outside. */
  cubicCoeffA?: number;
  excludeOutside?: boolean;
}

const f = Math.fround;

/** Where output index `x` samples an input of `inLen` values (onnxruntime's float formulas). */
export function sourceCoordinate(x: number, inLen: number, outLen: number, o: AxisOptions): number {
  const scale = f(o.scale);
  switch (o.coordinateMode) {
    case 'asymmetric':
      return f(x / scale);
    case 'pytorch_half_pixel':
      return outLen > 1 ? f(f(f(x + 0.5) / scale) - 0.5) : 0;
    case 'align_corners':
      return o.resizedLength === 1 ? 0 : f(f(x * (inLen - 1)) / f(o.resizedLength - 1));
    case 'tf_half_pixel_for_nn':
      return f(f(x + 0.5) / scale);
    case 'half_pixel_symmetric': {
      const adjustment = f(outLen / f(scale * inLen));
      const offset = f((inLen / 2) * f(1 - adjustment));
      return f(offset + f(f(f(x + 0.5) / scale) - 0.5));
    }
    case 'tf_crop_and_resize': {
      const start = f(o.roiStart);
      const end = f(o.roiEnd);
      if (outLen === 1) return f(f(0.5 * f(start + end)) * (inLen - 1));
      return f(f(start * (inLen - 1)) + f(f(f(x * f(end - start)) * (inLen - 1)) / (outLen - 1)));
    }
    default: // half_pixel
      return f(f(f(x + 0.5) / scale) - 0.5);
  }
}

/** The input index nearest to coordinate `x` under an ONNX nearest_mode (before clamping). */
export function nearestIndex(x: number, nearestMode: string): number {
  switch (nearestMode) {
    case 'floor':
      return Math.floor(x);
    case 'ceil':
      return Math.ceil(x);
    case 'round_prefer_ceil':
      return Math.round(x);
    default: // round_prefer_floor
      return x === Math.trunc(x) + 0.5 ? Math.floor(x) : Math.round(x);
  }
}

/** Precomputes, per output index of one axis, which inputs it reads and with what weights. */
export function planAxis(inLen: number, outLen: number, o: AxisOptions): AxisPlan {
  const plan: AxisPlan = {
    mode: o.mode,
    inLength: inLen,
    outLength: outLen,
    lower: new Int32Array(outLen),
    upper: new Int32Array(outLen),
    lowerWeight: new Float32Array(outLen),
    upperWeight: new Float32Array(outLen),
    outside: new Uint8Array(outLen),
  };
  if (o.mode === 'cubic') plan.cubic = { index: new Int32Array(outLen * CUBIC_TAPS), weight: new Float32Array(outLen * CUBIC_TAPS) };
  const last = inLen - 1;
  for (let j = 0; j < outLen; j++) {
    let x = sourceCoordinate(j, inLen, outLen, o);
    if (o.coordinateMode === 'tf_crop_and_resize' && (x < 0 || x > last)) plan.outside[j] = 1;
    if (o.mode === 'nearest') {
      plan.lower[j] = Math.min(last, Math.max(0, nearestIndex(x, o.nearestMode)));
      plan.lowerWeight[j] = 1;
      continue;
    }
    if (plan.cubic) {
      cubicTaps(plan.cubic, j, x, inLen, o.cubicCoeffA ?? -0.75, o.excludeOutside ?? false);
      continue;
    }
    x = Math.min(last, Math.max(0, x));
    const lo = Math.min(Math.trunc(x), last);
    const hi = Math.min(lo + 1, last);
    plan.lower[j] = lo;
    plan.upper[j] = hi;
    // Each neighbour is weighted by the distance to the other one; a clamped edge averages itself.
    plan.lowerWeight[j] = lo === hi ? 0.5 : f(Math.abs(x - hi));
    plan.upperWeight[j] = lo === hi ? 0.5 : f(Math.abs(x - lo));
  }
  return plan;
}

/**
 * The cubic convolution kernel (Keys) at the 4 taps around x, as the ONNX spec defines it: with
 * r = x - floor(x), distances r + 1, r, 1 - r, 2 - r, and W(d) = ((a + 2)|d| - (a + 3))|d|^2 + 1
 * for |d| <= 1, ((a|d| - 5a)|d| + 8a)|d| - 4a for 1 < |d| < 2. Taps past the edges read the edge
 * value, unless exclude_outside, which zeroes their weights and renormalises the rest to sum 1.
 * The coordinate is not clamped (unlike linear): ONNX and onnxruntime let the taps run off.
 */
function cubicTaps(into: { index: Int32Array; weight: Float32Array }, j: number, x: number, inLen: number, a: number, excludeOutside: boolean): void {
  const base = Math.floor(x);
  const r = x - base;
  const near = (d: number) => ((a + 2) * d - (a + 3)) * d * d + 1;
  const far = (d: number) => ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
  const weights = [far(r + 1), near(r), near(1 - r), far(2 - r)];
  let total = 0;
  for (let t = 0; t < CUBIC_TAPS; t++) {
    const source = base - 1 + t;
    if (excludeOutside && (source < 0 || source >= inLen)) weights[t] = 0;
    total += weights[t]!;
  }
  for (let t = 0; t < CUBIC_TAPS; t++) {
    into.index[j * CUBIC_TAPS + t] = Math.min(inLen - 1, Math.max(0, base - 1 + t));
    into.weight[j * CUBIC_TAPS + t] = excludeOutside ? weights[t]! / total : weights[t]!;
  }
}

/** True when the plan copies its input unchanged (e.g. the batch and channel axes). */
export function isIdentityPlan(p: AxisPlan): boolean {
  if (p.inLength !== p.outLength) return false;
  if (p.cubic) {
    // An identity coordinate has r = 0: weight 1 on its own tap (index 1 of 4), 0 elsewhere.
    for (let j = 0; j < p.outLength; j++) {
      for (let t = 0; t < CUBIC_TAPS; t++) {
        const w = p.cubic.weight[j * CUBIC_TAPS + t]!;
        if (p.outside[j] || (t === 1 ? w !== 1 || p.cubic.index[j * CUBIC_TAPS + t] !== j : w !== 0)) return false;
      }
    }
    return true;
  }
  for (let j = 0; j < p.outLength; j++) {
    if (p.outside[j] || p.lower[j] !== j) return false;
    if (p.mode === 'linear' && p.upperWeight[j] !== 0 && p.upper[j] !== j) return false;
  }
  return true;
}

/**
 * out (outer, plan.outLength, inner) = x (outer, plan.inLength, inner) resampled along the middle
 * axis; outputs whose coordinate fell outside the input get `extrapolationValue`.
 */
export function resampleAxis(out: Float32Array, x: Float32Array, outer: number, inner: number, plan: AxisPlan, extrapolationValue: number): void {
  const { inLength, outLength, lower, upper, lowerWeight, upperWeight, outside } = plan;
  for (let o = 0; o < outer; o++) {
    const src = o * inLength * inner;
    for (let j = 0; j < outLength; j++) {
      const dst = (o * outLength + j) * inner;
      if (outside[j]) {
        out.fill(extrapolationValue, dst, dst + inner);
        continue;
      }
      if (plan.cubic) {
        const { index, weight } = plan.cubic;
        const k = j * CUBIC_TAPS;
        const [a0, a1, a2, a3] = [0, 1, 2, 3].map((t) => src + index[k + t]! * inner) as [number, number, number, number];
        const [w0, w1, w2, w3] = [weight[k]!, weight[k + 1]!, weight[k + 2]!, weight[k + 3]!];
        for (let i = 0; i < inner; i++) out[dst + i] = w0 * x[a0 + i]! + w1 * x[a1 + i]! + w2 * x[a2 + i]! + w3 * x[a3 + i]!;
        continue;
      }
      const a = src + lower[j]! * inner;
      if (plan.mode === 'nearest') {
        out.set(x.subarray(a, a + inner), dst);
        continue;
      }
      const b = src + upper[j]! * inner;
      const wa = lowerWeight[j]!;
      const wb = upperWeight[j]!;
      for (let i = 0; i < inner; i++) out[dst + i] = wa * x[a + i]! + wb * x[b + i]!;
    }
  }
}

/** One axis of a bilinear resize with half-pixel centres: ONNX Resize (linear, half_pixel) given sizes. */
export function bilinearAxis(inLen: number, outLen: number): AxisPlan {
  return planAxis(inLen, outLen, {
    mode: 'linear', coordinateMode: 'half_pixel', nearestMode: 'round_prefer_floor',
    scale: outLen / inLen, resizedLength: outLen, roiStart: 0, roiEnd: 1,
  });
}

/** out [planes, H, W] = x [planes, h, w] resized bilinearly (half-pixel centres), rows then columns. */
export function resizeBilinear2d(out: Float32Array, x: Float32Array, planes: number, h: number, w: number, H: number, W: number): void {
  const rowsDone = new Float32Array(planes * H * w);
  resampleAxis(rowsDone, x, planes, w, bilinearAxis(h, H), 0);
  resampleAxis(out, rowsDone, planes * H, 1, bilinearAxis(w, W), 0);
}

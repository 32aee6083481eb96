/**
 * Resize (nearest and n-linear) as one 1-D resampling pass per resized axis. Both modes separate:
 * nearest is a gather per axis, n-linear interpolation is linear interpolation along each axis in
 * turn, and tf_crop_and_resize's extrapolation survives the passes (a row that is all
 * extrapolation_value interpolates to extrapolation_value).
 *
 * Coordinates follow onnxruntime's float32 arithmetic (every step rounded with Math.fround), so
 * nearest-neighbour ties break as they do there.
 */

export interface AxisPlan {
  /** 'linear' blends `lower` and `upper`; 'nearest' reads `lower` only. */
  mode: 'nearest' | 'linear';
  inLength: number;
  outLength: number;
  /** Per output index: source indices and their weights. */
  lower: Int32Array;
  upper: Int32Array;
  lowerWeight: Float32Array;
  upperWeight: Float32Array;
  /** Per output index: 1 when the coordinate fell outside the input (tf_crop_and_resize only). */
  outside: Uint8Array;
}

export interface AxisOptions {
  mode: 'nearest' | 'linear';
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
  const last = inLen - 1;
  for (let j = 0; j < outLen; j++) {
    let x = sourceCoordinate(j, inLen, outLen, o);
    if (o.coordinateMode === 'tf_crop_and_resize' && (x < 0 || x > last)) plan.outside[j] = 1;
    if (o.mode === 'nearest') {
      plan.lower[j] = Math.min(last, Math.max(0, nearestIndex(x, o.nearestMode)));
      plan.lowerWeight[j] = 1;
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

/** True when the plan copies its input unchanged (e.g. the batch and channel axes). */
export function isIdentityPlan(p: AxisPlan): boolean {
  if (p.inLength !== p.outLength) return false;
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

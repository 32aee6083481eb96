/**
 * Fake quantization for quantization-aware training: the forward rounds a value to the integer
 * grid the integer pipeline will use and back to float, with the pipeline's own rounding
 * (half away from zero, quant/fixed-point.ts), so what training sees is what the device computes;
 * the backward passes gradients straight through the rounding (STE, Bengio et al. 2013) and stops
 * them where the value was clamped.
 *
 * - Weights: per output channel at 8 / 4 / 2 bits, integers in [QMIN, QMAX] (quant/weights.ts),
 *   scale = max|w_c| / qmax rounded to float32 (an all-zero channel: 1), exactly as
 *   quant/weights.ts quantizeWeights, recomputed from the current weights at every forward. The
 *   clamp never bites (the scale covers the channel's maximum), so the gradient is the identity.
 * - Activations: per tensor, int8 asymmetric or int16 symmetric, with fixed qparams (from
 *   calibration, quant/lower-helpers.ts qparamsFromRange): q = clamp(round(x / s) + zp) as
 *   quantizeValue; the gradient is dy where x / s + zp lies inside the type's range, else 0.
 *
 * Learned step sizes (LSQ) are in lsq.ts; the per-element loops in kernels/fake-quant.ts.
 */
import { InternalError } from '../errors.js';
import { makeTensor, sizeOf, type Tensor } from '../ir/tensor.js';
import { clampMaskBackward, fakeQuantForward, fakeQuantForwardReference } from '../kernels/fake-quant.js';
import { roundHalfAway } from '../quant/fixed-point.js';
import { TYPE_RANGE } from '../quant/lower-helpers.js';
import type { WeightBits } from '../quant/pack.js';
import type { ActivationType } from '../quant/qmodel.js';
import { QMAX, QMIN } from '../quant/weights.js';
import type { ValueTransform } from './backprop.js';

/** Element i of a tensor of `shape` belongs to channel floor(i / inner) % channels of `axis`. */
export function channelLayout(shape: readonly number[], axis: number): { channels: number; inner: number } {
  return { channels: shape[axis] ?? 1, inner: sizeOf(shape.slice(axis + 1)) };
}

export interface FakeQuantizedWeights {
  /** q * scale per element, as float32. */
  values: Float32Array;
  integers: Int8Array;
  scales: Float32Array;
}

/** Per-channel quantization of `w` along `channelAxis` on [QMIN, QMAX], as the integer pipeline does it. */
export function fakeQuantizeWeights(w: Tensor, channelAxis: number, bits: WeightBits): FakeQuantizedWeights {
  const qmax = QMAX[bits];
  const qmin = QMIN[bits];
  const { channels, inner } = channelLayout(w.shape, channelAxis);
  const maxAbs = new Float64Array(channels);
  for (let i = 0; i < w.data.length; i++) {
    const c = Math.floor(i / inner) % channels;
    maxAbs[c] = Math.max(maxAbs[c]!, Math.abs(w.data[i]!));
  }
  const scales = Float32Array.from(maxAbs, (m) => Math.fround(m / qmax || 1));
  const integers = new Int8Array(w.data.length);
  const values = new Float32Array(w.data.length);
  for (let i = 0; i < w.data.length; i++) {
    const scale = scales[Math.floor(i / inner) % channels]!;
    // | 0: an integer has no -0 (roundHalfAway(-0.2) is -0, which would make the value -0).
    const q = Math.max(qmin, Math.min(qmax, roundHalfAway(w.data[i]! / scale))) | 0;
    integers[i] = q;
    values[i] = q * scale;
  }
  return { values, integers, scales };
}

/** Weight fake quantization with a straight-through gradient. */
export function weightFakeQuant(channelAxis: number, bits: WeightBits): ValueTransform {
  return {
    forward: (w) => makeTensor(w.dtype, w.shape, fakeQuantizeWeights(w, channelAxis, bits).values),
    backward: (_w, grad) => grad,
  };
}

export interface ActivationQParams {
  type: ActivationType;
  scale: number;
  /** int8 only; int16 is symmetric (0). */
  zeroPoint: number;
}

/** A float32 tensor's data (fake quantization only ever sees float32 values). */
export function float32Data(t: Tensor): Float32Array {
  if (!(t.data instanceof Float32Array)) throw new InternalError(`fake quantization of a ${t.dtype} tensor`);
  return t.data;
}

/** Activation fake quantization with fixed qparams; gradient passes inside the range, 0 outside. */
export function activationFakeQuant(q: ActivationQParams): ValueTransform {
  const [lo, hi] = TYPE_RANGE[q.type];
  const grid = { lo, hi, zeroPoint: q.type === 'int16' ? 0 : q.zeroPoint };
  // Calibrated scales are float32; a fixed one that is not keeps its exact value (slow loop).
  const steps = Float32Array.of(q.scale);
  const exact = steps[0] === q.scale;
  return {
    forward(x) {
      const out = makeTensor('float32', x.shape);
      if (exact) fakeQuantForward(out.data as Float32Array, float32Data(x), steps, x.data.length, grid);
      else fakeQuantForwardReference(out.data as Float32Array, float32Data(x), [q.scale], x.data.length, grid);
      return out;
    },
    backward(x, grad) {
      const dx = makeTensor('float32', grad.shape);
      clampMaskBackward(dx.data as Float32Array, float32Data(x), float32Data(grad), q.scale, grid);
      return dx;
    },
  };
}

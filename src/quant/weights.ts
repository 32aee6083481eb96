/**
 * Weight and bias quantization (../shared/docs/quantization.md §1-2): zero point 0, one scale per
 * output channel, values in [QMIN, QMAX] = [-127, 127] / [-7, 7] / [-2, 1] at 8 / 4 / 2 bits,
 * scale = max|w| / qmax (an all-zero channel gets scale 1 and all-zero values).
 *
 * Group-wise scales (int4 `groupSize`): the filter of channel c (its weights in layout order) is
 * cut into groups of `groupSize`; group k gets scale s_c * m_k / 255 with s_c = the largest
 * group's max|w| / qmax and the integer group multiplier m_k = ceil(255 * t_k / s_c) in [1, 255]
 * (t_k the group's own max|w| / qmax). The kernels multiply each group's partial sum by m_k, so
 * the accumulator stays one int32 whose unit is s_in * s_c / 255: exact integer arithmetic with
 * one requantization per channel. Bias: int32 round(b / (s_in * accumulatorScale[c])), saturated.
 */
import { InternalError } from '../errors.js';
import type { QuantizedWeights } from './qmodel.js';
import { INT32_MAX, INT32_MIN, roundHalfAway } from './fixed-point.js';
import type { WeightBits } from './pack.js';

export const QMAX: Record<WeightBits, number> = { 8: 127, 4: 7, 2: 1 };
/**
 * The lowest integer of each width's grid [QMIN, QMAX]. int8 and int4 are symmetric; int2 takes its
 * whole two's-complement range [-2, 1], as LSQ's signed grid does: a symmetric int2 grid is
 * ternary and leaves one of its four codes unused. max|w| / qmax never rounds to -2; learned step
 * sizes (quantization-aware training) do. dscnn w2a8 distilled, integer top-1, seeds 1-4:
 * ternary 85.0 / 80.3 / 78.6 / 54.2%, four levels 87.2 / 83.9 / 91.7 / 75.3%.
 */
export const QMIN: Record<WeightBits, number> = { 8: -127, 4: -7, 2: -2 };
const GROUP_MULTIPLIER_MAX = 255;

export interface QuantizedLayerWeights {
  weights: QuantizedWeights;
  /** Per channel: the weight-side scale of one accumulator unit (s_c, or s_c / 255 with groups). */
  accumulatorScale: Float64Array;
  /** With groups: m[c * groups + k]. */
  groupMultipliers?: Int32Array;
}

/**
 * `data` holds `channels` filters of equal length one after the other (channel axis 0: the op
 * transposes first when its weight is stored otherwise); `shape` is recorded as given.
 * `scaleOverride` (one positive scale per channel, without groups) replaces max|w| / qmax: weights
 * beyond qmax * scale saturate, as the learned step sizes of quantization-aware training intend.
 */
export function quantizeWeights(data: ArrayLike<number>, shape: number[], channels: number, bits: WeightBits, groupSize = 0, scaleOverride?: ArrayLike<number>): QuantizedLayerWeights {
  const filter = data.length / channels;
  const qmax = QMAX[bits];
  const qmin = QMIN[bits];
  const useGroups = groupSize > 0 && groupSize < filter;
  const groups = useGroups ? Math.ceil(filter / groupSize) : 1;
  const values = new Int8Array(data.length);
  const scales = new Float32Array(channels * (useGroups ? groups : 1));
  const accumulatorScale = new Float64Array(channels);
  const groupMultipliers = useGroups ? new Int32Array(channels * groups) : undefined;
  const override = useGroups ? undefined : scaleOverride;
  if (override && (override.length !== channels || Array.from(override).some((v) => !(v > 0) || !Number.isFinite(v)))) {
    throw new InternalError(`weight scale override: expected ${channels} positive finite scales, got ${override.length}`);
  }
  for (let c = 0; c < channels; c++) {
    const start = c * filter;
    const groupMax: number[] = [];
    for (let k = 0; k < groups; k++) {
      const size = useGroups ? groupSize : filter;
      let m = 0;
      for (let i = start + k * size; i < Math.min(start + (k + 1) * size, start + filter); i++) m = Math.max(m, Math.abs(data[i]!));
      groupMax.push(m);
    }
    // Scales are stored as float32: quantize with exactly the stored value.
    const channelScale = override ? Math.fround(override[c]!) : Math.fround(Math.max(...groupMax) / qmax || 1);
    for (let k = 0; k < groups; k++) {
      let scale = channelScale;
      if (groupMultipliers) {
        const m = Math.min(GROUP_MULTIPLIER_MAX, Math.max(1, Math.ceil((GROUP_MULTIPLIER_MAX * groupMax[k]!) / qmax / channelScale)));
        groupMultipliers[c * groups + k] = m;
        scale = Math.fround((channelScale * m) / GROUP_MULTIPLIER_MAX);
        scales[c * groups + k] = scale;
      } else {
        scales[c] = scale;
      }
      const size = useGroups ? groupSize : filter;
      for (let i = start + k * size; i < Math.min(start + (k + 1) * size, start + filter); i++) {
        values[i] = Math.max(qmin, Math.min(qmax, roundHalfAway(data[i]! / scale)));
      }
    }
    accumulatorScale[c] = groupMultipliers ? channelScale / GROUP_MULTIPLIER_MAX : channelScale;
  }
  return {
    weights: { bits, shape, channelAxis: 0, values, scales, groupSize: useGroups ? groupSize : 0 },
    accumulatorScale,
    ...(groupMultipliers ? { groupMultipliers } : {}),
  };
}

/** int32 bias: round(b[c] / (inputScale * accumulatorScale[c])), saturated to int32. */
export function quantizeBias(bias: ArrayLike<number> | undefined, inputScale: number, accumulatorScale: Float64Array): Int32Array {
  const out = new Int32Array(accumulatorScale.length);
  if (!bias) return out;
  for (let c = 0; c < out.length; c++) {
    const q = roundHalfAway(bias[c]! / (inputScale * accumulatorScale[c]!));
    out[c] = Math.max(INT32_MIN, Math.min(INT32_MAX, q));
  }
  return out;
}

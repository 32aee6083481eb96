/**
 * Build-time helpers the ops' integer facets share: activation qparams from a range, fused
 * activation clamps, per-channel requantization, the int32 overflow guard, and the tables
 * (256-entry lookup tables, softmax's exp table). Floating point is allowed here: it only runs
 * at quantization time; what it produces is integers the kernels and the C use as they are.
 */
import type { FusedActivation, Node } from '../ir/graph.js';
import { opError } from '../ops/op-def.js';
import { INT32_MAX, quantizeMultiplier, roundHalfAway } from './fixed-point.js';
import type { ActivationType, QTensor, Requantization } from './qmodel.js';

export const TYPE_RANGE: Record<ActivationType, [number, number]> = { int8: [-128, 127], int16: [-32768, 32767] };

/**
 * Scale and zero point covering [lo, hi]. int8 asymmetric: the range is widened to include 0
 * (so real 0, i.e. padding and ReLU's floor, is exactly representable), scale = (hi - lo) / 255,
 * zero point = round(-128 - lo / scale). int16 symmetric: scale = max(|lo|, |hi|) / 32767, zero
 * point 0. A degenerate range (constant tensor) gets scale 2^-8 (any positive scale is exact).
 */
export function qparamsFromRange(lo: number, hi: number, type: ActivationType): { scale: number; zeroPoint: number } {
  const min = Math.min(lo, 0);
  const max = Math.max(hi, 0);
  if (type === 'int16') {
    const scale = Math.fround(Math.max(-min, max) / 32767) || 2 ** -8;
    return { scale, zeroPoint: 0 };
  }
  const scale = Math.fround((max - min) / 255) || 2 ** -8;
  const zeroPoint = Math.max(-128, Math.min(127, roundHalfAway(-128 - min / scale)));
  return { scale, zeroPoint };
}

/** The real value `x` in tensor t's integers, saturated to its type. */
export function quantizeValue(x: number, t: Pick<QTensor, 'scale' | 'zeroPoint' | 'type'>): number {
  const [lo, hi] = TYPE_RANGE[t.type];
  return Math.max(lo, Math.min(hi, roundHalfAway(x / t.scale) + t.zeroPoint));
}

/** Output clamp: the type's range narrowed by a fused Relu (at the zero point) or Clip. */
export function fusedClamp(out: QTensor, activation: FusedActivation | undefined): [number, number] {
  const [lo, hi] = TYPE_RANGE[out.type];
  if (!activation) return [lo, hi];
  if (activation.kind === 'relu') return [Math.max(lo, out.zeroPoint), hi];
  const min = Number.isFinite(activation.min) ? quantizeValue(activation.min, out) : lo;
  const max = Number.isFinite(activation.max) ? quantizeValue(activation.max, out) : hi;
  return [Math.max(lo, min), Math.min(hi, max)];
}

/** Per channel: M[c] = inputScale * accumulatorScale[c] / outputScale as multiplier and shift. */
export function channelRequant(inputScale: number, accumulatorScale: Float64Array, outputScale: number): Requantization {
  const multiplier = new Int32Array(accumulatorScale.length);
  const shift = new Int32Array(accumulatorScale.length);
  accumulatorScale.forEach((s, c) => {
    const q = quantizeMultiplier((inputScale * s) / outputScale);
    multiplier[c] = q.multiplier;
    shift[c] = q.shift;
  });
  return { multiplier, shift };
}

/**
 * Refuses a layer whose int32 accumulator could overflow in the worst case, so the C's int32
 * arithmetic is always exact: per channel, |bias| + max|x + offset| * sum_i |w_i| * gm_i (every
 * input at the type's extreme with the weight's sign; gm the group multipliers, else 1). Every
 * partial sum is bounded by the same total, so no intermediate overflows either.
 */
export function checkAccumulator(node: Node, input: QTensor, values: Int8Array, channels: number, bias: Int32Array | undefined, groupMultipliers?: Int32Array, groupSize = 0): void {
  const [lo, hi] = TYPE_RANGE[input.type];
  const maxInput = Math.max(hi - input.zeroPoint, input.zeroPoint - lo);
  const filter = values.length / channels;
  const groups = groupMultipliers ? Math.ceil(filter / groupSize) : 1;
  for (let c = 0; c < channels; c++) {
    let weightSum = 0;
    for (let i = 0; i < filter; i++) {
      const gm = groupMultipliers ? groupMultipliers[c * groups + Math.floor(i / groupSize)]! : 1;
      weightSum += Math.abs(values[c * filter + i]!) * gm;
    }
    const worst = Math.abs(bias?.[c] ?? 0) + maxInput * weightSum;
    if (worst > INT32_MAX) {
      throw opError(node, `int32 accumulator of output channel ${c} could overflow (${maxInput} x ${weightSum} + bias); use int8 activations for this layer`);
    }
  }
}

/**
 * int8 -> int8 lookup table of an elementwise function: table[q + 128] = the output integer of
 * f(real(q)). Exact by construction: the kernel is one load per element.
 */
export function lookupTable(input: QTensor, output: QTensor, f: (x: number) => number): Int8Array {
  const table = new Int8Array(256);
  for (let q = -128; q <= 127; q++) table[q + 128] = quantizeValue(f(input.scale * (q - input.zeroPoint)), output);
  return table;
}

/** softmax's expTable[d] = round(2^16 * exp(-d * inputScale)), d = 0..255 (kernels/int/softmax-int.ts). */
export function softmaxExpTable(inputScale: number, beta = 1): Int32Array {
  const table = new Int32Array(256);
  for (let d = 0; d < 256; d++) table[d] = Math.round(65536 * Math.exp(-d * inputScale * beta));
  return table;
}

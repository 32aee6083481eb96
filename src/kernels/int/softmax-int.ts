/**
 * Integer softmax (int8 in, int8 out with scale 1/256 and zero point -128, TFLite's output
 * quantization), with exactly defined integer arithmetic the C repeats:
 *
 *   for each vector along the axis (outer x length x inner layout):
 *     max  = max_j x_j
 *     e_j  = expTable[max - x_j]                  (expTable[d] = round(2^16 * exp(-d * s_in)), d in 0..255)
 *     sum  = sum_j e_j                            (int32: at most 2^16 * length)
 *     out  = min(127, (e_j * 256 + sum / 2) / sum - 128)   (unsigned integer division, truncating)
 *
 * The table is built at quantization time (quant/lower-helpers.ts softmaxExpTable) and is the
 * only floating-point step. Error: below one output LSB plus the table's 2^-16 relative error.
 */
import type { IntData } from './conv-int.js';

export function softmaxInt8(out: IntData, x: IntData, outer: number, length: number, inner: number, expTable: Int32Array): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * length * inner + i;
      let max = -Infinity;
      for (let j = 0; j < length; j++) max = Math.max(max, x[base + j * inner]!);
      let sum = 0;
      for (let j = 0; j < length; j++) sum += expTable[max - x[base + j * inner]!]!;
      const half = Math.floor(sum / 2);
      for (let j = 0; j < length; j++) {
        const e = expTable[max - x[base + j * inner]!]!;
        out[base + j * inner] = Math.min(127, Math.floor((e * 256 + half) / sum) - 128);
      }
    }
  }
}

/**
 * Generation-time data of the Helium (MVE) kernels (csrc/edgec_gemm_mve.c): int8 weights in
 * blocks of 4 rows x 16 values, rows padded to a multiple of 4 and the reduction zero-padded to a
 * multiple of 16 (one int8x16 load per 16 values, no predicate), and per group of 4 channels the requantization
 * constants as int32x4 vectors (csrc/edgec_mve.h). The input offset is folded into the bias as
 * for the DSP kernels (dsp-layout.ts foldedChannels, whose channel words this reads).
 */
import { InternalError } from '../errors.js';
import { CHANNEL_INTS } from './dsp-layout.js';

/** int32 values per group of 4 channels: biases, multipliers, left shifts, -right shifts, fixup masks. */
export const MVE_GROUP_INTS = 20;

const roundUp = (n: number, m: number): number => Math.ceil(n / m) * m;

/**
 * Row-major int8 weights (rows x depth) as the MVE kernel reads them: per group of 4 rows, per
 * 16 values of the reduction, the 16 of each row in turn (one pointer, post-incremented by 64,
 * serves the 4 rows: fewer live registers in the inner loop).
 */
export function arrangeMveWeights(values: Int8Array, rows: number, depth: number): Int8Array {
  if (values.length !== rows * depth) throw new InternalError(`MVE layout: ${values.length} weights are not ${rows} x ${depth}`);
  const chunks = Math.ceil(depth / 16);
  const out = new Int8Array(roundUp(rows, 4) * chunks * 16);
  for (let r = 0; r < rows; r++) {
    for (let n = 0; n < chunks; n++) {
      const at = (((r >> 2) * chunks + n) * 4 + (r & 3)) * 16;
      out.set(values.subarray(r * depth + n * 16, Math.min(r * depth + n * 16 + 16, (r + 1) * depth)), at);
    }
  }
  return out;
}

/**
 * The DSP channel words (bias with the input offset folded, multiplier, left shift + 1, right
 * shift, rounding constant; CHANNEL_INTS per channel) regrouped per 4 channels as the MVE
 * requantization's vectors. Padding channels requantize to garbage that is never stored.
 */
export function mveChannels(dspChannels: Int32Array, rows: number): Int32Array {
  const groups = Math.ceil(rows / 4);
  const out = new Int32Array(groups * MVE_GROUP_INTS);
  for (let r = 0; r < rows; r++) {
    const at = (field: number) => dspChannels[CHANNEL_INTS * r + field]!;
    const base = (r >> 2) * MVE_GROUP_INTS + (r & 3);
    const right = at(3);
    out[base] = at(0);
    out[base + 4] = at(1);
    out[base + 8] = at(2) - 1;
    out[base + 12] = -right;
    out[base + 16] = right > 0 ? -1 : 0;
  }
  return out;
}

/** Scratch of the MVE GEMM kernels: two int8 columns of the reduction (none for fully connected). */
export function mveGemmScratchBytes(depth: number, kind: 'conv' | 'pointwise' | 'dense'): number {
  return kind === 'dense' ? 0 : 2 * depth;
}

/**
 * Integer data movement: Transpose (a permuted copy) and Concat (blocks copied, or rescaled
 * when an input's qparams differ from the output's). Reshape-like ops are plain copies.
 */
import { requantize } from '../../quant/fixed-point.js';
import type { IntData } from './conv-int.js';

/** out[j] = x[i] where output axis a is input axis perm[a] (row-major both). */
export function transposeInt(out: IntData, x: IntData, shape: readonly number[], perm: readonly number[]): void {
  const rank = shape.length;
  const inStrides = new Array<number>(rank).fill(1);
  for (let a = rank - 2; a >= 0; a--) inStrides[a] = inStrides[a + 1]! * shape[a + 1]!;
  const outShape = perm.map((p) => shape[p]!);
  const index = new Array<number>(rank).fill(0);
  for (let j = 0; j < out.length; j++) {
    let src = 0;
    for (let a = 0; a < rank; a++) src += index[a]! * inStrides[perm[a]!]!;
    out[j] = x[src]!;
    for (let a = rank - 1; a >= 0; a--) {
      if (++index[a]! < outShape[a]!) break;
      index[a] = 0;
    }
  }
}

/** How one Concat input maps to the output: identity copy when multiplier is 0 and offsets match. */
export interface ConcatInputRescale {
  inputOffset: number;
  multiplier: number;
  shift: number;
  outputOffset: number;
}

/**
 * Concat along an axis: `outer` = product of dims before the axis; input k contributes blocks of
 * `blocks[k]` = (its axis dim) x (product of dims after) elements. A rescaled element is
 * clamp(requantize(x + inputOffset, multiplier, shift) + outputOffset, lo, hi); a copied one is x.
 */
export function concatInt(out: IntData, inputs: IntData[], outer: number, blocks: number[], rescale: (ConcatInputRescale | undefined)[], lo: number, hi: number): void {
  const total = blocks.reduce((a, b) => a + b, 0);
  let start = 0;
  inputs.forEach((x, k) => {
    const block = blocks[k]!;
    const r = rescale[k];
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < block; i++) {
        const v = x[o * block + i]!;
        out[o * total + start + i] = r ? Math.min(hi, Math.max(lo, requantize(v + r.inputOffset, r.multiplier, r.shift) + r.outputOffset)) : v;
      }
    }
    start += block;
  });
}

/**
 * Generation-time data of the DSP-extension kernels (csrc/edgec_gemm_dsp.c,
 * csrc/edgec_depthwise_dsp.c): weights arranged in the order the kernels read them, the input
 * offset folded into the bias, and the conditions under which those kernels are bit-exact with
 * the portable ones. Everything here is integer arithmetic on known values; a layer that fails a
 * condition keeps the portable kernel on every target.
 */
import { InternalError } from '../errors.js';
import type { QLayer, QTensor } from '../quant/qmodel.js';

export type DspBits = 8 | 4 | 2;

/** Values of one int32 weight word: 4 fields of 8 bits, 8 of 4, 16 of 2. */
export const valuesPerWord = (bits: DspBits): number => 32 / bits;

/** In a word, value k = 4j + r lives in field j (bits j*b..) of byte BYTE_OF[r]: SXTB16 pairs. */
const BYTE_OF = [0, 2, 1, 3] as const;

/**
 * Row-major weights (rows x depth, int values) as the GEMM kernel's word stream: per pair of rows
 * (a zero row after an odd last one), per word of the reduction (zero-padded), the word of row r
 * then the word of row r + 1.
 */
export function arrangeGemmWeights(values: Int8Array, rows: number, depth: number, bits: DspBits): Int32Array {
  if (values.length !== rows * depth) throw new InternalError(`DSP layout: ${values.length} weights are not ${rows} x ${depth}`);
  const perWord = valuesPerWord(bits);
  const words = Math.ceil(depth / perWord);
  const pairs = Math.ceil(rows / 2);
  const out = new Int32Array(pairs * 2 * words);
  const mask = (1 << bits) - 1;
  for (let r = 0; r < rows; r++) {
    for (let n = 0; n < words; n++) {
      let word = 0;
      for (let i = 0; i < perWord; i++) {
        const k = n * perWord + i;
        if (k >= depth) break;
        const byte = BYTE_OF[i & 3]!;
        const field = i >> 2;
        word |= (values[r * depth + k]! & mask) << (byte * 8 + field * bits);
      }
      out[((r >> 1) * words + n) * 2 + (r & 1)] = word;
    }
  }
  return out;
}

/** Scratch of the GEMM kernels: two buffers of two interleaved int16 columns of the padded
 * reduction (one for fully connected), and for the im2col conv two int16 patches besides. */
export function gemmScratchBytes(depth: number, bits: DspBits, kind: 'conv' | 'pointwise' | 'dense'): number {
  const padded = Math.ceil(depth / valuesPerWord(bits)) * valuesPerWord(bits);
  return { conv: 12, pointwise: 8, dense: 4 }[kind] * padded;
}

/** The depthwise kernel's padded plane (edgec_span in C) with 4 bytes of over-read, then int32
 * accumulators of one output plane (plus one for an odd width). */
export function depthwiseBufferBytes(inH: number, inW: number, outH: number, outW: number, strideH: number, kH: number, padTop: number, padLeft: number): number {
  const width = Math.max(inW + padLeft, outW - 1 + 3);
  const height = Math.max(inH + padTop, (outH - 1) * strideH + kH);
  return Math.ceil((width * height + 4) / 4) * 4 + 4 * (outH * outW + 1);
}

const INT32_MAX = 2 ** 31 - 1;

/** int32 values per channel in edgec_gemm_params.chan. */
export const CHANNEL_INTS = 5;

/** Why a layer cannot use the DSP kernels, or undefined when it can. */
export function dspIneligibility(layer: QLayer, inputs: readonly QTensor[], outputs: readonly QTensor[], depth: number): string | undefined {
  const w = layer.weights;
  if (!w || !layer.requant) return 'no weights';
  if (inputs[0]?.type !== 'int8' || outputs[0]?.type !== 'int8') return 'int16 activations';
  if (w.groupSize > 0) return 'group-wise scales';
  if (layer.requant.shift.some((s) => s < -23)) return 'right shift beyond 23';
  if (layer.requant.multiplier.some((m) => m < 0)) return 'negative multiplier';
  const [lo, hi] = layer.clamp ?? [-128, 127];
  if (lo < -128 || hi > 127) return 'clamp beyond int8';
  if (lo > 0 || hi < 0) return 'clamp range without zero (the paired clamp needs lo <= 0 <= hi)';
  // |sum| * 2^(8 - bits) < depth * 128 * 2^(bits-1) * 2^(8-bits) = depth * 2^14 must fit an int32.
  if (depth * 2 ** 14 > INT32_MAX) return 'reduction too long';
  return undefined;
}

/**
 * Per channel (rows rounded up to even), 5 ints: bias + inputOffset * sum of the channel's
 * weights, the multiplier, left shift + 1, right shift, and outputOffset * 2^right + 2^(right-1)
 * (csrc/edgec_dsp.h edgec_dsp_channel). Undefined unless every reachable accumulator a (inputs in
 * [-128, 127]) keeps |a| * 2^(left shift + 1) and |a| * 2^(8 - bits) (the int4/int2 pre-scaling)
 * below 2^31: the DSP requantization's single SMMULR relies on it.
 */
export function foldedChannels(layer: QLayer, rows: number, depth: number, inputOffset: number, outputOffset: number): Int32Array | undefined {
  const { weights, requant, bias } = layer;
  if (!weights || !requant) throw new InternalError('DSP layout: layer without weights or requantization');
  const out = new Int32Array(Math.ceil(rows / 2) * 2 * CHANNEL_INTS);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    let magnitude = 0;
    for (let k = 0; k < depth; k++) {
      const w = weights.values[r * depth + k]!;
      sum += w;
      magnitude += Math.abs(w);
    }
    const folded = (bias ? bias[r]! : 0) + inputOffset * sum;
    const channel = requant.multiplier.length === 1 ? 0 : r;
    const bound = Math.abs(folded) + 128 * magnitude;
    const left = Math.max(0, requant.shift[channel]!);
    if (bound * 2 ** Math.max(left + 1, 8 - weights.bits) > INT32_MAX) return undefined;
    const right = Math.max(0, -requant.shift[channel]!);
    const round = outputOffset * 2 ** right + (right > 0 ? 2 ** (right - 1) : 0);
    out.set([folded, requant.multiplier[channel]!, left + 1, right, round], CHANNEL_INTS * r);
  }
  for (let r = rows; r < out.length / CHANNEL_INTS; r++) out.set([0, 1 << 30, 1, 0, 0], CHANNEL_INTS * r);
  return out;
}

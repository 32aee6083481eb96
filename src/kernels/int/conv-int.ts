/**
 * Integer convolution and fully connected layers: the reference the emitted C reproduces bit for
 * bit. Layout NCHW (batch 1), weights [Cout, Cin/group, kh, kw] (fully connected: [N, K]), one
 * weight per Int8Array element (unpacked; int4/int2 values are small int8s).
 *
 *   acc[c]  = bias[c] + sum_i gm(c, i) * (x_i + inputOffset) * w[c, i]      (int32, never overflows:
 *             quant/lower-helpers.ts checks the worst case when the layer is built)
 *   out     = clamp(requantize(acc, multiplier[c], shift[c]) + outputOffset, clampLo, clampHi)
 *
 * `gm(c, i)` is 1 unless the weights have group-wise scales, in which case it is the integer
 * group multiplier `groupMultipliers[c * groups + floor(i / groupSize)]`, i the index of the
 * weight within its filter (ci * kh * kw + ky * kw + kx). Padded taps contribute nothing (they
 * stand for the real value 0, i.e. x = zero point). Depthwise is group == Cin.
 */
import { requantize } from '../../quant/fixed-point.js';
import type { Conv2dShape } from '../conv2d.js';

export type IntData = Int8Array | Int16Array;

/** The fp32 convolution's geometry for one image (no batch); `group` counts channel groups. */
export interface ConvIntGeometry extends Omit<Conv2dShape, 'batch' | 'groups'> {
  group: number;
}

export interface IntRequant {
  multiplier: Int32Array;
  shift: Int32Array;
  inputOffset: number;
  outputOffset: number;
  clampLo: number;
  clampHi: number;
  /** Group-wise weight scales: multipliers per (channel, group) and the group size. */
  groupMultipliers?: Int32Array;
  groupSize?: number;
}

/** Requantizes one accumulator of channel c and writes it clamped. */
function finish(acc: number, c: number, r: IntRequant): number {
  const v = requantize(acc, r.multiplier[c]!, r.shift[c]!) + r.outputOffset;
  return v < r.clampLo ? r.clampLo : v > r.clampHi ? r.clampHi : v;
}

export function convInt(out: IntData, x: IntData, w: Int8Array, bias: Int32Array | undefined, g: ConvIntGeometry, r: IntRequant): void {
  const { inHeight: H, inWidth: W, kernelHeight: KH, kernelWidth: KW, outHeight: OH, outWidth: OW } = g;
  const cinPerGroup = g.inChannels / g.group;
  const coutPerGroup = g.outChannels / g.group;
  const filterSize = cinPerGroup * KH * KW;
  const groupSize = r.groupSize ?? 0;
  const groups = groupSize ? Math.ceil(filterSize / groupSize) : 0;
  const offset = r.inputOffset;
  for (let co = 0; co < g.outChannels; co++) {
    const firstIn = Math.floor(co / coutPerGroup) * cinPerGroup;
    const filter = co * filterSize;
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        let acc = bias ? bias[co]! : 0;
        for (let ci = 0; ci < cinPerGroup; ci++) {
          const plane = (firstIn + ci) * H;
          for (let ky = 0; ky < KH; ky++) {
            const iy = oy * g.strideHeight - g.padTop + ky * g.dilationHeight;
            if (iy < 0 || iy >= H) continue; // padding: real 0, contributes nothing
            const row = (plane + iy) * W;
            const wRow = (ci * KH + ky) * KW;
            for (let kx = 0; kx < KW; kx++) {
              const ix = ox * g.strideWidth - g.padLeft + kx * g.dilationWidth;
              if (ix < 0 || ix >= W) continue;
              const term = (x[row + ix]! + offset) * w[filter + wRow + kx]!;
              acc += groups ? r.groupMultipliers![co * groups + Math.floor((wRow + kx) / groupSize)]! * term : term;
            }
          }
        }
        out[(co * OH + oy) * OW + ox] = finish(acc, co, r);
      }
    }
  }
}

/** Fully connected: x (rows, K) by w (N, K) -> out (rows, N); the channel is the output column n. */
export function fullyConnectedInt(out: IntData, x: IntData, w: Int8Array, bias: Int32Array | undefined, rows: number, K: number, N: number, r: IntRequant): void {
  const groups = r.groupSize ? Math.ceil(K / r.groupSize) : 0;
  for (let m = 0; m < rows; m++) {
    for (let n = 0; n < N; n++) {
      let acc = bias ? bias[n]! : 0;
      for (let k = 0; k < K; k++) {
        const term = (x[m * K + k]! + r.inputOffset) * w[n * K + k]!;
        acc += groups ? r.groupMultipliers![n * groups + Math.floor(k / r.groupSize!)]! * term : term;
      }
      out[m * N + n] = finish(acc, n, r);
    }
  }
}

/**
 * Per-channel affine (ChannelAffine): x (C, inner), one int weight and int32 bias per channel,
 * acc = bias[c] + (x + inputOffset) * w[c], then the same requantize and clamp.
 */
export function channelAffineInt(out: IntData, x: IntData, w: Int8Array, bias: Int32Array, channels: number, inner: number, r: IntRequant): void {
  for (let c = 0; c < channels; c++) {
    for (let i = c * inner; i < (c + 1) * inner; i++) out[i] = finish(bias[c]! + (x[i]! + r.inputOffset) * w[c]!, c, r);
  }
}

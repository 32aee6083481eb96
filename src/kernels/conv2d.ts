/**
 * 2-D convolution (1-D is the same with height 1) over flat NCHW Float32Arrays.
 *
 * - `conv2dForward` is the fast path: a direct loop for depthwise convs (one input channel per
 *   group, where a GEMM per group would be a single row), otherwise im2col then the blocked GEMM
 *   of gemm.ts, per image and group. A 1x1 stride-1 unpadded conv skips im2col: the input already
 *   is the matrix.
 * - `conv2dReference` is the obvious seven-deep loop, the oracle the fast path is tested against.
 *
 * Pure functions with explicit sizes and no graph types, so a WebAssembly SIMD kernel can take the
 * place of either behind the same signature.
 */
import { matmulForward } from './gemm.js';
import { wasmConv2dForward } from './wasm/conv2d-wasm.js';

/** The geometry of one convolution. Output sizes are the caller's (see ops/window-geometry.ts). */
export interface Conv2dShape {
  batch: number;
  inChannels: number;
  inHeight: number;
  inWidth: number;
  outChannels: number;
  outHeight: number;
  outWidth: number;
  kernelHeight: number;
  kernelWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  /** Pads before the first row/column; pads after are implied by the output size. */
  padTop: number;
  padLeft: number;
  groups: number;
}

/**
 * out (N, M, oH, oW) = conv(input (N, C, H, W), weight (M, C/groups, kH, kW)) + bias (M).
 * `bias` may be undefined (no bias).
 */
export function conv2dForward(
  out: Float32Array,
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array | undefined,
  s: Conv2dShape,
): void {
  // The WebAssembly SIMD kernel on worker threads when built (wasm/), else the TypeScript below.
  if (wasmConv2dForward(out, input, weight, bias, s)) return;
  if (s.inChannels === s.groups && s.groups > 1) {
    depthwiseConv2d(out, input, weight, bias, s);
    return;
  }
  const groupIn = s.inChannels / s.groups;
  const groupOut = s.outChannels / s.groups;
  const depth = groupIn * s.kernelHeight * s.kernelWidth; // K of the GEMM
  const pixels = s.outHeight * s.outWidth; // N of the GEMM
  const inPlane = s.inHeight * s.inWidth;
  const pointwise =
    s.kernelHeight === 1 && s.kernelWidth === 1 && s.strideHeight === 1 && s.strideWidth === 1 &&
    s.padTop === 0 && s.padLeft === 0 && s.outHeight === s.inHeight && s.outWidth === s.inWidth;
  const col = pointwise ? undefined : new Float32Array(depth * pixels);

  for (let n = 0; n < s.batch; n++) {
    for (let g = 0; g < s.groups; g++) {
      const inStart = (n * s.inChannels + g * groupIn) * inPlane;
      const groupInput = input.subarray(inStart, inStart + groupIn * inPlane);
      let matrix = groupInput;
      if (col) {
        im2col(col, groupInput, groupIn, s);
        matrix = col;
      }
      const outStart = (n * s.outChannels + g * groupOut) * pixels;
      const groupWeight = weight.subarray(g * groupOut * depth, (g + 1) * groupOut * depth);
      // out (groupOut, pixels) = weight (groupOut, depth) @ col (depth, pixels)
      matmulForward(out.subarray(outStart, outStart + groupOut * pixels), groupWeight, matrix, groupOut, pixels, depth);
    }
  }
  if (bias) addChannelBias(out, bias, s.batch, s.outChannels, pixels);
}

/**
 * col (C*kH*kW, oH*oW): row (c, kh, kw) holds the input pixels that kernel tap meets at each
 * output position. input is (C, H, W). Only in-bounds taps are written: the entries that fall in
 * the padding depend on the geometry alone, so `col` starts zeroed and they stay zero however often
 * it is refilled for the next image or group.
 */
function im2col(col: Float32Array, input: Float32Array, channels: number, s: Conv2dShape): void {
  const { inHeight: H, inWidth: W, outHeight: oH, outWidth: oW, strideWidth } = s;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const plane = c * H * W;
    for (let kh = 0; kh < s.kernelHeight; kh++) {
      for (let kw = 0; kw < s.kernelWidth; kw++, row++) {
        const base = row * oH * oW;
        const iwOffset = kw * s.dilationWidth - s.padLeft;
        // Output columns whose tap lands inside the row: iwOffset + ow * stride in [0, W).
        const owLo = Math.min(oW, Math.max(0, Math.ceil(-iwOffset / strideWidth)));
        const owHi = Math.max(owLo, Math.min(oW, Math.floor((W - 1 - iwOffset) / strideWidth) + 1));
        for (let oh = 0; oh < oH; oh++) {
          const ih = oh * s.strideHeight - s.padTop + kh * s.dilationHeight;
          if (ih < 0 || ih >= H) continue;
          const dst = base + oh * oW;
          const src = plane + ih * W + iwOffset;
          for (let ow = owLo; ow < owHi; ow++) col[dst + ow] = input[src + ow * strideWidth]!;
        }
      }
    }
  }
}

/**
 * Depthwise (C/groups == 1): each output channel m reads input channel m / (M/groups). Tap by
 * tap: for kernel tap (kh, kw), out[oh, ow] += w * in[oh*sH - padTop + kh*dH, ow*sW - padLeft +
 * kw*dW] over the output rectangle whose taps land inside the input, so the inner loop has no
 * bounds checks and walks both planes at a fixed stride.
 */
function depthwiseConv2d(
  out: Float32Array,
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array | undefined,
  s: Conv2dShape,
): void {
  const { inHeight: H, inWidth: W, outHeight: oH, outWidth: oW, kernelHeight: kH, kernelWidth: kW } = s;
  const { strideHeight: sH, strideWidth: sW } = s;
  const multiplier = s.outChannels / s.groups;
  // Per tap row (column): its input offset and the outputs [lo, hi) where it lands inside.
  const rows = tapSpans(kH, s.dilationHeight, s.padTop, sH, H, oH);
  const cols = tapSpans(kW, s.dilationWidth, s.padLeft, sW, W, oW);
  for (let n = 0; n < s.batch; n++) {
    for (let m = 0; m < s.outChannels; m++) {
      const inPlane = (n * s.inChannels + Math.floor(m / multiplier)) * H * W;
      const outPlane = (n * s.outChannels + m) * oH * oW;
      out.fill(bias ? bias[m]! : 0, outPlane, outPlane + oH * oW);
      for (let kh = 0; kh < kH; kh++) {
        const rowOffset = rows.offset[kh]!;
        const ohLo = rows.lo[kh]!;
        const ohHi = rows.hi[kh]!;
        for (let kw = 0; kw < kW; kw++) {
          const colOffset = cols.offset[kw]!;
          const owLo = cols.lo[kw]!;
          const owHi = cols.hi[kw]!;
          const w = weight[(m * kH + kh) * kW + kw]!;
          for (let oh = ohLo; oh < ohHi; oh++) {
            const dst = outPlane + oh * oW;
            const src = inPlane + (oh * sH + rowOffset) * W + colOffset;
            for (let ow = owLo; ow < owHi; ow++) out[dst + ow]! += w * input[src + ow * sW]!;
          }
        }
      }
    }
  }
}

/**
 * For each of `kernel` taps along one axis: its offset into the input (tap * dilation - pad) and the
 * output indices [lo, hi) for which offset + o * stride falls inside [0, inLen).
 */
function tapSpans(kernel: number, dilation: number, pad: number, stride: number, inLen: number, outLen: number) {
  const offset = new Int32Array(kernel);
  const lo = new Int32Array(kernel);
  const hi = new Int32Array(kernel);
  for (let k = 0; k < kernel; k++) {
    offset[k] = k * dilation - pad;
    lo[k] = Math.min(outLen, Math.max(0, Math.ceil(-offset[k]! / stride)));
    hi[k] = Math.max(lo[k]!, Math.min(outLen, Math.floor((inLen - 1 - offset[k]!) / stride) + 1));
  }
  return { offset, lo, hi };
}

/** out (N, C, P) += bias (C) broadcast over the P pixels of each channel. */
export function addChannelBias(out: Float32Array, bias: Float32Array, batch: number, channels: number, pixels: number): void {
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      const b = bias[c]!;
      const start = (n * channels + c) * pixels;
      for (let p = start; p < start + pixels; p++) out[p]! += b;
    }
  }
}

/** The definition, loop for loop: every output is a sum over (c, kh, kw) with bounds checks. */
export function conv2dReference(
  out: Float32Array,
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array | undefined,
  s: Conv2dShape,
): void {
  const groupIn = s.inChannels / s.groups;
  const groupOut = s.outChannels / s.groups;
  for (let n = 0; n < s.batch; n++) {
    for (let m = 0; m < s.outChannels; m++) {
      const g = Math.floor(m / groupOut);
      for (let oh = 0; oh < s.outHeight; oh++) {
        for (let ow = 0; ow < s.outWidth; ow++) {
          let sum = bias ? bias[m]! : 0;
          for (let c = 0; c < groupIn; c++) {
            for (let kh = 0; kh < s.kernelHeight; kh++) {
              for (let kw = 0; kw < s.kernelWidth; kw++) {
                const ih = oh * s.strideHeight - s.padTop + kh * s.dilationHeight;
                const iw = ow * s.strideWidth - s.padLeft + kw * s.dilationWidth;
                if (ih < 0 || ih >= s.inHeight || iw < 0 || iw >= s.inWidth) continue;
                const x = input[((n * s.inChannels + g * groupIn + c) * s.inHeight + ih) * s.inWidth + iw]!;
                const w = weight[((m * groupIn + c) * s.kernelHeight + kh) * s.kernelWidth + kw]!;
                sum += x * w;
              }
            }
          }
          out[((n * s.outChannels + m) * s.outHeight + oh) * s.outWidth + ow] = sum;
        }
      }
    }
  }
}

/**
 * 2-D transposed convolution (1-D is the same with height 1) over flat NCHW Float32Arrays: every
 * input pixel scatters its value, times the kernel, into the output. Output pixel
 * (oh, ow) receives input (ih, iw) through tap (kh, kw) when oh = ih*strideH - padTop + kh*dilationH
 * (and likewise for columns).
 *
 * - `convTranspose2dForward`: per image and group one GEMM, cols = W^T @ X, then col2im adds each
 *   column of taps into the output (the transpose of Conv's im2col).
 * - `convTranspose2dReference`: the scatter written out loop for loop, the oracle for the above.
 */
import { addChannelBias, type Conv2dShape } from './conv2d.js';
import { matmulForward, transposeMatrix } from './gemm.js';

/**
 * The same fields as a Conv's, read the other way: in* describe the ConvTranspose input, out* its
 * output, and the weight is (inChannels, outChannels/groups, kH, kW).
 */
export type ConvTranspose2dShape = Conv2dShape;

/** out (N, M, oH, oW) = convTranspose(input (N, C, H, W), weight (C, M/groups, kH, kW)) + bias (M). */
export function convTranspose2dForward(
  out: Float32Array,
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array | undefined,
  s: ConvTranspose2dShape,
): void {
  const groupIn = s.inChannels / s.groups;
  const groupOut = s.outChannels / s.groups;
  const taps = groupOut * s.kernelHeight * s.kernelWidth; // M of the GEMM
  const pixels = s.inHeight * s.inWidth; // N of the GEMM
  // Per group, weight (groupIn, taps) transposed once to (taps, groupIn) for every image.
  const weightT = new Float32Array(weight.length);
  for (let g = 0; g < s.groups; g++) {
    const start = g * groupIn * taps;
    transposeMatrix(weightT.subarray(start, start + groupIn * taps), weight.subarray(start, start + groupIn * taps), groupIn, taps);
  }
  const cols = new Float32Array(taps * pixels);
  out.fill(0);
  for (let n = 0; n < s.batch; n++) {
    for (let g = 0; g < s.groups; g++) {
      const inStart = (n * s.inChannels + g * groupIn) * pixels;
      const wStart = g * groupIn * taps;
      // cols (taps, pixels) = weightT (taps, groupIn) @ input (groupIn, pixels)
      matmulForward(cols, weightT.subarray(wStart, wStart + groupIn * taps), input.subarray(inStart, inStart + groupIn * pixels), taps, pixels, groupIn);
      col2im(out, cols, (n * s.outChannels + g * groupOut) * s.outHeight * s.outWidth, groupOut, s);
    }
  }
  if (bias) addChannelBias(out, bias, s.batch, s.outChannels, s.outHeight * s.outWidth);
}

/** Adds cols (channels*kH*kW, H*W) into out's `channels` planes starting at `outStart`. */
function col2im(out: Float32Array, cols: Float32Array, outStart: number, channels: number, s: ConvTranspose2dShape): void {
  const { inHeight: H, inWidth: W, outHeight: oH, outWidth: oW } = s;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const plane = outStart + c * oH * oW;
    for (let kh = 0; kh < s.kernelHeight; kh++) {
      for (let kw = 0; kw < s.kernelWidth; kw++, row++) {
        const src = row * H * W;
        const owOffset = kw * s.dilationWidth - s.padLeft;
        // Input columns whose output lands inside the row: owOffset + iw * stride in [0, oW).
        const iwLo = Math.min(W, Math.max(0, Math.ceil(-owOffset / s.strideWidth)));
        const iwHi = Math.max(iwLo, Math.min(W, Math.floor((oW - 1 - owOffset) / s.strideWidth) + 1));
        for (let ih = 0; ih < H; ih++) {
          const oh = ih * s.strideHeight - s.padTop + kh * s.dilationHeight;
          if (oh < 0 || oh >= oH) continue;
          const dst = plane + oh * oW + owOffset;
          const srcRow = src + ih * W;
          for (let iw = iwLo; iw < iwHi; iw++) out[dst + iw * s.strideWidth]! += cols[srcRow + iw]!;
        }
      }
    }
  }
}

/** The scatter, loop for loop, accumulated in double. */
export function convTranspose2dReference(
  out: Float32Array,
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array | undefined,
  s: ConvTranspose2dShape,
): void {
  const groupIn = s.inChannels / s.groups;
  const groupOut = s.outChannels / s.groups;
  const acc = new Float64Array(out.length);
  for (let n = 0; n < s.batch; n++) {
    for (let c = 0; c < s.inChannels; c++) {
      const g = Math.floor(c / groupIn);
      for (let ih = 0; ih < s.inHeight; ih++) {
        for (let iw = 0; iw < s.inWidth; iw++) {
          const x = input[((n * s.inChannels + c) * s.inHeight + ih) * s.inWidth + iw]!;
          for (let mg = 0; mg < groupOut; mg++) {
            const m = g * groupOut + mg;
            for (let kh = 0; kh < s.kernelHeight; kh++) {
              for (let kw = 0; kw < s.kernelWidth; kw++) {
                const oh = ih * s.strideHeight - s.padTop + kh * s.dilationHeight;
                const ow = iw * s.strideWidth - s.padLeft + kw * s.dilationWidth;
                if (oh < 0 || oh >= s.outHeight || ow < 0 || ow >= s.outWidth) continue;
                const w = weight[((c * groupOut + mg) * s.kernelHeight + kh) * s.kernelWidth + kw]!;
                acc[((n * s.outChannels + m) * s.outHeight + oh) * s.outWidth + ow]! += x * w;
              }
            }
          }
        }
      }
    }
  }
  for (let i = 0; i < out.length; i++) {
    const m = Math.floor(i / (s.outHeight * s.outWidth)) % s.outChannels;
    out[i] = acc[i]! + (bias ? bias[m]! : 0);
  }
}

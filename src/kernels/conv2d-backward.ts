/**
 * Gradients of the 2-D convolution of conv2d.ts (1-D is height 1) over flat NCHW Float32Arrays.
 *
 * Conv and ConvTranspose are each other's adjoint, so:
 * - the input gradient of a Conv is a ConvTranspose of dY with the same weight
 *   (`conv2dBackwardInput`), and the input gradient of a ConvTranspose is a Conv of dY;
 * - the weight gradient of a Conv is, per image and group, dW (M/g, C/g*kH*kW) += dY (M/g, P) @
 *   colT (P, C/g*kH*kW), colT the transposed im2col of the input (`conv2dBackwardWeight`); a
 *   ConvTranspose's is the same with the roles of input and dY exchanged (`swapConvShape`).
 * `conv2dBackwardReference` is the definition loop for loop, the oracle for both.
 *
 * Plain signatures (flat arrays and a shape struct) so WebAssembly kernels can stand in for them.
 */
import type { Conv2dShape } from './conv2d.js';
import { convTranspose2dForward } from './conv-transpose2d.js';
import { matmulForward } from './gemm.js';
import { wasmConv2dBackwardInput, wasmConv2dBackwardWeight } from './wasm/conv2d-wasm.js';

/**
 * The geometry of the adjoint: a Conv's shape read as the ConvTranspose from its output back to
 * its input, and vice versa (the same taps connect the same pixels).
 */
export function swapConvShape(s: Conv2dShape): Conv2dShape {
  return {
    ...s,
    inChannels: s.outChannels,
    inHeight: s.outHeight,
    inWidth: s.outWidth,
    outChannels: s.inChannels,
    outHeight: s.inHeight,
    outWidth: s.inWidth,
  };
}

/** dx (N, C, H, W) = the input gradient of conv(x, weight (M, C/g, kH, kW)) given dy (N, M, oH, oW). */
export function conv2dBackwardInput(dx: Float32Array, dy: Float32Array, weight: Float32Array, s: Conv2dShape): void {
  // The WebAssembly SIMD kernels on worker threads when built (wasm/), else the TypeScript here.
  if (wasmConv2dBackwardInput(dx, dy, weight, s)) return;
  convTranspose2dForward(dx, dy, weight, undefined, swapConvShape(s));
}

/** dw (M, C/g, kH, kW) = sum over images and pixels of dy (N, M, oH, oW) times the input taps. */
export function conv2dBackwardWeight(dw: Float32Array, dy: Float32Array, input: Float32Array, s: Conv2dShape): void {
  if (wasmConv2dBackwardWeight(dw, dy, input, s)) return;
  const groupIn = s.inChannels / s.groups;
  const groupOut = s.outChannels / s.groups;
  const depth = groupIn * s.kernelHeight * s.kernelWidth;
  const pixels = s.outHeight * s.outWidth;
  const inPlane = s.inHeight * s.inWidth;
  const colT = new Float32Array(pixels * depth);
  const partial = new Float32Array(groupOut * depth);
  dw.fill(0);
  for (let n = 0; n < s.batch; n++) {
    for (let g = 0; g < s.groups; g++) {
      const inStart = (n * s.inChannels + g * groupIn) * inPlane;
      im2colTransposed(colT, input.subarray(inStart, inStart + groupIn * inPlane), groupIn, s);
      const dyStart = (n * s.outChannels + g * groupOut) * pixels;
      // partial (groupOut, depth) = dy (groupOut, pixels) @ colT (pixels, depth)
      matmulForward(partial, dy.subarray(dyStart, dyStart + groupOut * pixels), colT, groupOut, depth, pixels);
      const base = g * groupOut * depth;
      for (let i = 0; i < partial.length; i++) dw[base + i]! += partial[i]!;
    }
  }
}

/** db (M) = sum of dy (N, M, P) over images and pixels. */
export function channelBiasBackward(db: Float32Array, dy: Float32Array, batch: number, channels: number, pixels: number): void {
  const acc = new Float64Array(channels);
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      const start = (n * channels + c) * pixels;
      let sum = 0;
      for (let p = start; p < start + pixels; p++) sum += dy[p]!;
      acc[c]! += sum;
    }
  }
  for (let c = 0; c < channels; c++) db[c] = acc[c]!;
}

/**
 * colT (oH*oW, C*kH*kW): row p holds the input taps output pixel p reads (zero in the padding).
 * input is (C, H, W). The transpose of conv2d.ts's im2col, laid out for the weight-gradient GEMM.
 */
function im2colTransposed(colT: Float32Array, input: Float32Array, channels: number, s: Conv2dShape): void {
  const { inHeight: H, inWidth: W, outHeight: oH, outWidth: oW, kernelHeight: kH, kernelWidth: kW } = s;
  const depth = channels * kH * kW;
  for (let oh = 0; oh < oH; oh++) {
    for (let ow = 0; ow < oW; ow++) {
      const row = (oh * oW + ow) * depth;
      let k = 0;
      for (let c = 0; c < channels; c++) {
        const plane = c * H * W;
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * s.strideHeight - s.padTop + kh * s.dilationHeight;
          const rowInside = ih >= 0 && ih < H;
          for (let kw = 0; kw < kW; kw++, k++) {
            const iw = ow * s.strideWidth - s.padLeft + kw * s.dilationWidth;
            colT[row + k] = rowInside && iw >= 0 && iw < W ? input[plane + ih * W + iw]! : 0;
          }
        }
      }
    }
  }
}

/** All three gradients of a Conv by the definition, accumulated in double. Any may be undefined. */
export function conv2dBackwardReference(
  dx: Float32Array | undefined,
  dw: Float32Array | undefined,
  db: Float32Array | undefined,
  dy: Float32Array,
  input: Float32Array,
  weight: Float32Array,
  s: Conv2dShape,
): void {
  const groupIn = s.inChannels / s.groups;
  const groupOut = s.outChannels / s.groups;
  const ax = new Float64Array(input.length);
  const aw = new Float64Array(weight.length);
  const ab = new Float64Array(s.outChannels);
  for (let n = 0; n < s.batch; n++) {
    for (let m = 0; m < s.outChannels; m++) {
      const g = Math.floor(m / groupOut);
      for (let oh = 0; oh < s.outHeight; oh++) {
        for (let ow = 0; ow < s.outWidth; ow++) {
          const grad = dy[((n * s.outChannels + m) * s.outHeight + oh) * s.outWidth + ow]!;
          ab[m]! += grad;
          for (let c = 0; c < groupIn; c++) {
            for (let kh = 0; kh < s.kernelHeight; kh++) {
              for (let kw = 0; kw < s.kernelWidth; kw++) {
                const ih = oh * s.strideHeight - s.padTop + kh * s.dilationHeight;
                const iw = ow * s.strideWidth - s.padLeft + kw * s.dilationWidth;
                if (ih < 0 || ih >= s.inHeight || iw < 0 || iw >= s.inWidth) continue;
                const xi = ((n * s.inChannels + g * groupIn + c) * s.inHeight + ih) * s.inWidth + iw;
                const wi = ((m * groupIn + c) * s.kernelHeight + kh) * s.kernelWidth + kw;
                ax[xi]! += grad * weight[wi]!;
                aw[wi]! += grad * input[xi]!;
              }
            }
          }
        }
      }
    }
  }
  if (dx) dx.set(ax);
  if (dw) dw.set(aw);
  if (db) db.set(ab);
}

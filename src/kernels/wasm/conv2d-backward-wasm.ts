/**
 * Conv gradients on the WebAssembly SIMD kernels, as conv2dBackwardInput / conv2dBackwardWeight
 * in ../conv2d-backward.ts (false when unavailable or too big: the caller runs its TypeScript).
 *
 * - Input gradient. A stride-1 conv's adjoint is itself a stride-1 conv: dx = conv(dy, W'), W'
 *   the weights with input and output channels exchanged (per group) and the taps flipped, padded
 *   by (k - 1) * dilation - pad. That runs on the forward kernel (im2col panel by panel in L1);
 *   other strides take conv_backward_input (GEMM then col2im) or depthwise_backward_input.
 * - Weight gradient: partial sums per fixed chunk of WEIGHT_GRAD_CHUNK images, added in chunk
 *   order, with the bias gradient in the same pass; bit-identical whatever the thread count.
 *   Winograd-class convs take winograd-wgrad-wasm.ts instead where it wins.
 */
import type { Conv2dShape } from '../conv2d.js';
import { runDynamic } from '../parallel.js';
import { beginConvCall, phaseImageFloats, shareCount, sizes, writeGeometry } from './conv-call.js';
import { runFastestConvForward } from './winograd-wasm.js';
import { runWinogradWeightGrad, winogradWeightGradWins } from './winograd-wgrad-wasm.js';

/** Images per partial weight gradient: fixed, so the order of float additions is too. */
export const WEIGHT_GRAD_CHUNK = 4;

/** The geometry of the adjoint of a stride-1 conv, itself a stride-1 conv from dy to dx. */
function adjointShape(s: Conv2dShape): Conv2dShape {
  return {
    ...s,
    inChannels: s.outChannels, inHeight: s.outHeight, inWidth: s.outWidth,
    outChannels: s.inChannels, outHeight: s.inHeight, outWidth: s.inWidth,
    padTop: (s.kernelHeight - 1) * s.dilationHeight - s.padTop,
    padLeft: (s.kernelWidth - 1) * s.dilationWidth - s.padLeft,
  };
}

/** W' (C, M/g, kH, kW) of the adjoint: W'[g*Cg + c][m][kh][kw] = W[g*Mg + m][c][kH-1-kh][kW-1-kw]. */
export function adjointWeights(weight: Float32Array, s: Conv2dShape): Float32Array {
  const Cg = s.inChannels / s.groups;
  const Mg = s.outChannels / s.groups;
  const taps = s.kernelHeight * s.kernelWidth;
  const out = new Float32Array(weight.length);
  for (let g = 0; g < s.groups; g++) {
    for (let m = 0; m < Mg; m++) {
      for (let c = 0; c < Cg; c++) {
        const src = ((g * Mg + m) * Cg + c) * taps;
        const dst = ((g * Cg + c) * Mg + m) * taps;
        for (let t = 0; t < taps; t++) out[dst + t] = weight[src + taps - 1 - t]!;
      }
    }
  }
  return out;
}

/** Scratch of depthwise_backward_weight (depthwise.c): a phase image with a wider row pitch, zeros, dy's grid. */
function depthwiseWeightScratch(s: Conv2dShape): number {
  const rows = (s.outHeight - 1) * s.strideHeight + (s.kernelHeight - 1) * s.dilationHeight + 1;
  const reach = Math.floor(((s.kernelWidth - 1) * s.dilationWidth) / s.strideWidth);
  const pitch = s.outWidth + 2 * reach;
  return (s.strideWidth * rows + 1) * pitch + ((s.outHeight - 1) * s.strideHeight + 1) * pitch;
}

/** dx (N, C, H, W) = the input gradient (overwritten) of conv(x, weight) given dy. */
export function wasmConv2dBackwardInput(dx: Float32Array, dy: Float32Array, weight: Float32Array, s: Conv2dShape): boolean {
  if (s.strideHeight === 1 && s.strideWidth === 1) {
    return runFastestConvForward(dx, dy, adjointWeights(weight, s), undefined, adjointShape(s));
  }
  const call = beginConvCall();
  if (!call) return false;
  const { arena } = call;
  const z = sizes(s);
  const scratchFloats = z.depthwise ? 0 : z.depth * z.groupOut + z.padded(z.pixels) * z.groupOut + z.depth * z.pixels;
  const pDy = arena.input(dy);
  const pW = arena.input(weight);
  const pDx = arena.output(dx);
  const scratch = Array.from({ length: shareCount(z.macs, s.batch) }, () => arena.reserve(scratchFloats));
  if (!arena.commit()) return false;
  writeGeometry(call, s);
  // Images claimed one at a time by whichever thread is free (arguments 4, 5: the image range).
  const name = z.depthwise ? 'depthwise_backward_input' : 'conv_backward_input';
  runDynamic(call.kernels, name, scratch.map((at) => [pDx, pDy, pW, call.geometry, 0, 0, at]), 4, s.batch, 1);
  arena.finish();
  return true;
}

/**
 * dw (M, C/g, kH, kW) = the weight gradient (overwritten), as conv2dBackwardWeight; with `db`,
 * also the bias gradient (the sum of dy per channel, as channelBiasBackward).
 */
export function wasmConv2dBackwardWeight(dw: Float32Array, dy: Float32Array, input: Float32Array, s: Conv2dShape, db?: Float32Array): boolean {
  if (winogradWeightGradWins(s) && runWinogradWeightGrad(dw, dy, input, s, db)) return true;
  const call = beginConvCall();
  if (!call) return false;
  const { arena } = call;
  const z = sizes(s);
  // conv.c: the phase image, K tap offsets (rounded to 4) and dy^T in panels; depthwise.c: one channel's columns.
  const scratchFloats = z.depthwise
    ? depthwiseWeightScratch(s)
    : phaseImageFloats(s) + Math.ceil(z.depth / 4) * 4 + z.padded(z.groupOut) * z.pixels;
  const chunks = Math.ceil(s.batch / WEIGHT_GRAD_CHUNK);
  const pDy = arena.input(dy);
  const pIn = arena.input(input);
  const pParts = arena.reserve(chunks * dw.length);
  const pDw = arena.output(dw);
  const pDbParts = db ? arena.reserve(chunks * db.length) : 0;
  const pDb = db ? arena.output(db) : 0;
  const pSum = z.depthwise ? 0 : arena.reserve(dw.length);
  const scratch = Array.from({ length: shareCount(z.macs, chunks) }, () => arena.reserve(scratchFloats));
  if (!arena.commit()) return false;
  writeGeometry(call, s);
  const name = z.depthwise ? 'depthwise_backward_weight' : 'conv_backward_weight';
  // Chunks claimed one at a time (arguments 5, 6): each chunk's partial sum lands in its own slot.
  runDynamic(call.kernels, name, scratch.map((at) => [pParts, pDbParts, pDy, pIn, call.geometry, 0, 0, WEIGHT_GRAD_CHUNK, at]), 5, chunks, 1);
  const run = call.kernels.exports;
  if (z.depthwise) {
    run['sum_parts']!(pDw, pParts, chunks, dw.length);
  } else {
    // conv.c sums each group's gradient transposed (K x M/g); turn the total back.
    run['sum_parts']!(pSum, pParts, chunks, dw.length);
    run['conv_weight_grad_finish']!(pDw, pSum, call.geometry);
  }
  if (db) run['sum_parts']!(pDb, pDbParts, chunks, db.length);
  arena.finish();
  return true;
}

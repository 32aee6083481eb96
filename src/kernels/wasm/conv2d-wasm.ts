/**
 * Conv forward and backward on the WebAssembly SIMD kernels (wasm/src/conv_forward.c, conv.c,
 * depthwise.c), with the signatures of the TypeScript kernels they stand in for (conv2dForward in
 * ../conv2d.ts, conv2dBackwardInput / conv2dBackwardWeight in ../conv2d-backward.ts). Each returns
 * false when the kernels are unavailable or the call does not fit in memory; the caller then runs
 * its own TypeScript. Images are split across threads; weight gradients are summed per fixed
 * chunk of WEIGHT_GRAD_CHUNK images and the chunks added in order, so every result is
 * bit-identical whatever the thread count. The forward also applies a node's fused Relu/Clip in
 * the same pass. The backward lives in conv2d-backward-wasm.ts, re-exported here.
 */
import type { Conv2dShape } from '../conv2d.js';
import { runFastestConvForward } from './winograd-wasm.js';

export { WEIGHT_GRAD_CHUNK, wasmConv2dBackwardInput, wasmConv2dBackwardWeight } from './conv2d-backward-wasm.js';

/**
 * out = conv(input, weight) + bias, plus `residual` (shaped as out) when given, clamped to [lo, hi]
 * when `clamp` is given (a node's fused Relu/Clip, see activationBounds in
 * engine/fused-activation.ts); as conv2dForward, then the Add, then the clamp.
 */
export function wasmConv2dForward(
  out: Float32Array, input: Float32Array, weight: Float32Array, bias: Float32Array | undefined, s: Conv2dShape,
  clamp?: readonly [number, number], residual?: Float32Array,
): boolean {
  return runFastestConvForward(out, input, weight, bias, s, clamp, residual);
}

/**
 * Winograd F(4x4, 3x3) conv forward on the WebAssembly SIMD kernel (wasm/src/winograd.c), and the
 * dispatcher every 2-D conv forward of the kernels goes through (the model's forward, and the
 * stride-1 input gradient, itself a conv of dy with the flipped weights): Winograd where it
 * computes the conv and wins over the direct kernel (winogradWins), else runConvForward.
 *
 * The weights are transformed once per call, output channels split across threads
 * (wasm/src/winograd_weights.c: U is 36 x M x C floats); then runs of images (one image, or several
 * when an image has few tiles) are claimed by whichever thread is free, as for the direct kernel.
 * Results do not depend on the thread count. Outputs differ from the direct kernel's by ~2e-6 x
 * sum |w x| (test/kernels/winograd.test.ts). EDGEC_WINOGRAD=off turns the path off (for
 * before/after measurements and exact comparisons).
 */
import type { Conv2dShape } from '../conv2d.js';
import { runDynamic, runShares, splitRange, threadCount } from '../parallel.js';
import { winogradApplies } from '../winograd.js';
import { beginConvCall, runConvForward, shareCount, sizes, writeGeometry } from './conv-call.js';

/**
 * Channels (in and out) below which the direct kernel is as fast: the transforms cost per channel
 * what the GEMM saves per channel pair. bench/winograd.ts, batch 32, 1 thread, CPU time: 4->16 and
 * 16->4 at 32x32 1.26x and 1.28x faster by Winograd, 3->16 (resnet8's stem) 1.10x and its
 * adjoint 16->3 1.05x, within the noise, so those stay direct.
 */
const MIN_CHANNELS = 4;
/** Floats of V plus Mx per tile block: 512 KiB, well inside a 2 MiB L2. */
const BLOCK_FLOATS = 131072;

/** TILE_INTS of wasm/src/winograd.c: ints per tile of a block's tile table. */
const TILE_INTS = 4;

/**
 * Tiles below which images share a call of winograd_forward (and its tile blocks): at 8x8 outputs
 * an image has 4 tiles, and a GEMM over 4 tiles reads every transformed weight for one use.
 */
const TILES_PER_CALL = 16;

/** Images per call of winograd_forward (claimed together by one thread). */
export function winogradImagesPerCall(s: Conv2dShape): number {
  const tiles = Math.ceil(s.outHeight / 4) * Math.ceil(s.outWidth / 4);
  return Math.max(1, Math.min(s.batch, Math.ceil(TILES_PER_CALL / tiles)));
}

/** Tiles (a multiple of 8, at least 8) per block, so that V and Mx of one block stay in cache. */
export function winogradBlock(s: Conv2dShape): number {
  const tiles = Math.ceil(s.outHeight / 4) * Math.ceil(s.outWidth / 4) * winogradImagesPerCall(s);
  const cap = Math.max(8, Math.floor(BLOCK_FLOATS / (36 * (s.inChannels + s.outChannels)) / 8) * 8);
  const blocks = Math.ceil(tiles / cap);
  return Math.ceil(tiles / blocks / 8) * 8;
}

/** Floats of scratch per thread of winograd_forward: padded images, V and Mx of one block, the tile table. */
function winogradScratchFloats(s: Conv2dShape, block: number): number {
  const paddedPlane = (4 * Math.ceil(s.outHeight / 4) + 2) * (4 * Math.ceil(s.outWidth / 4) + 4);
  return winogradImagesPerCall(s) * s.inChannels * paddedPlane + 36 * (s.inChannels + s.outChannels) * block + TILE_INTS * block;
}

/** Whether the forward of this conv takes the Winograd kernel. */
export function winogradWins(s: Conv2dShape): boolean {
  if (process.env['EDGEC_WINOGRAD'] === 'off') return false;
  return winogradApplies(s) && s.inChannels >= MIN_CHANNELS && s.outChannels >= MIN_CHANNELS;
}

/** out = clamp(conv(input, weight) + bias [+ residual]) by winograd_forward; false when the kernels are unavailable or it does not fit. */
export function runWinogradForward(
  out: Float32Array, input: Float32Array, weight: Float32Array, bias: Float32Array | undefined, s: Conv2dShape,
  clamp?: readonly [number, number], residual?: Float32Array,
): boolean {
  const call = beginConvCall();
  if (!call) return false;
  const { arena } = call;
  const block = winogradBlock(s);
  const imagesPerCall = winogradImagesPerCall(s);
  const pIn = arena.input(input);
  const pW = arena.input(weight);
  // 36 matrices M x C, each 16 floats longer (u_plane in wasm/src/winograd.h).
  const pU = arena.reserve(36 * (s.outChannels * s.inChannels + 16));
  const pB = bias ? arena.input(bias) : 0;
  const pRes = residual ? arena.input(residual) : 0;
  const pOut = arena.output(out);
  const scratchFloats = winogradScratchFloats(s, block);
  const runs = Math.ceil(s.batch / imagesPerCall);
  const scratch = Array.from({ length: shareCount(sizes(s).macs, runs) }, () => arena.reserve(scratchFloats));
  if (!arena.commit()) return false;
  writeGeometry(call, s, clamp);
  // Output channels split across threads (each writes its own rows of U): serial, it left the
  // workers idle for ~0.1 ms a call.
  const weightShares = splitRange(s.outChannels, Math.min(threadCount(), Math.floor(s.outChannels / 8)));
  runShares(call.kernels, 'winograd_weights', weightShares.map(([k0, k1]) => [pU, pW, s.outChannels, s.inChannels, k0, k1]));
  // Image runs claimed by whichever thread is free (arguments 5, 6: the image range).
  const shares = scratch.map((at) => [pOut, pIn, pU, pB, call.geometry, 0, 0, at, block, pRes]);
  runDynamic(call.kernels, 'winograd_forward', shares, 5, s.batch, imagesPerCall);
  arena.finish();
  return true;
}

/** The conv forward on the fastest WebAssembly kernel for its shape; false as runConvForward. */
export function runFastestConvForward(
  out: Float32Array, input: Float32Array, weight: Float32Array, bias: Float32Array | undefined, s: Conv2dShape,
  clamp?: readonly [number, number], residual?: Float32Array,
): boolean {
  if (winogradWins(s) && runWinogradForward(out, input, weight, bias, s, clamp, residual)) return true;
  return runConvForward(out, input, weight, bias, s, clamp, residual);
}

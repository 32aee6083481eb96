/**
 * The weight gradient of a Winograd-class conv (group-1, 3x3, stride-1, dilation-1) on the
 * WebAssembly SIMD kernel wasm/src/winograd_wgrad.c: dU = sum over tiles of (A dy A^T) .* (B^T d B)
 * as 36 GEMMs M x C, then dw = G^T dU G once per call. wasmConv2dBackwardWeight tries it first.
 *
 * Determinism: the batch is cut into chunks of a fixed number of images (wgradImagesPerChunk, a
 * function of the shape only); each chunk sums into its own dU slot, claimed by whichever thread
 * is free, and the slots are added in chunk order (sum_parts), so the result does not depend on
 * the thread count or timing. Differs from the direct kernel by ~1e-6 x sum |x dy| (test/kernels/
 * winograd-wgrad.test.ts). EDGEC_WINOGRAD=off turns it off, as for the forward.
 */
import type { Conv2dShape } from '../conv2d.js';
import { runDynamic } from '../parallel.js';
import { beginConvCall, shareCount, sizes, writeGeometry } from './conv-call.js';
import { winogradWins } from './winograd-wasm.js';

/** TILE_INTS of wasm/src/winograd.h, and the ints of its Tiling struct. */
const TILE_INTS = 4;
const TILING_INTS = 8;

/**
 * Tiles per chunk the chunk size aims at: the GEMM sums each accumulator across its lanes once per
 * block, so a block of few tiles (an 8x8 image has 4) pays that per handful of multiply-adds.
 */
const TILES_PER_CHUNK = 128;
/** At most this many images per chunk, so that a batch of 32 still gives 4 chunks to share out. */
const MAX_IMAGES_PER_CHUNK = 16;

function tilesPerImage(s: Conv2dShape): number {
  return Math.ceil(s.outHeight / 4) * Math.ceil(s.outWidth / 4);
}

/** Images per chunk (a function of the shape alone, never of the thread count). */
export function wgradImagesPerChunk(s: Conv2dShape): number {
  return Math.max(1, Math.min(MAX_IMAGES_PER_CHUNK, s.batch, Math.ceil(TILES_PER_CHUNK / tilesPerImage(s))));
}

/** Floats of V plus dM per tile block: 512 KiB, well inside a 2 MiB L2 (as BLOCK_FLOATS of winograd-wasm.ts). */
const BLOCK_FLOATS = 131072;

/**
 * Tiles (a multiple of 8) per block of a chunk: as many as fit BLOCK_FLOATS, evened out over the
 * chunk's blocks. Every accumulator of the GEMM is summed across its lanes once per block.
 */
export function wgradBlock(s: Conv2dShape): number {
  const tiles = tilesPerImage(s) * wgradImagesPerChunk(s);
  const cap = Math.max(8, Math.floor(BLOCK_FLOATS / (36 * (s.inChannels + s.outChannels)) / 8) * 8);
  const blocks = Math.ceil(tiles / cap);
  return Math.ceil(tiles / blocks / 8) * 8;
}

/** Floats of scratch per thread: padded images and tiled dy of a chunk, V and dM of a block, the tile table, the Tiling. */
function wgradScratchFloats(s: Conv2dShape, chunk: number, block: number): number {
  const th = Math.ceil(s.outHeight / 4);
  const tw = Math.ceil(s.outWidth / 4);
  const paddedPlane = (4 * th + 2) * (4 * tw + 4);
  const tiles = Math.ceil((chunk * th * tw) / 4) * 4;
  // V and dM: block / 4 quads of (36 x channels + 4) vectors (quad_stride in wasm/src/winograd_wgrad.c).
  return chunk * s.inChannels * paddedPlane + s.outChannels * tiles * 16 + (36 * (s.inChannels + s.outChannels) + 8) * block +
    TILE_INTS * block + TILING_INTS;
}

/**
 * Whether the weight gradient of this conv takes the Winograd kernel: where the forward does
 * (bench/winograd.ts: 1.2-2.5x less CPU at resnet8's shapes and 4 to 16 channels; resnet8's
 * 3-channel stem is slower by Winograd, 0.7x, and stays direct). EDGEC_WINOGRAD_WGRAD=off turns
 * off this one alone (before/after measurements of the training step).
 */
export function winogradWeightGradWins(s: Conv2dShape): boolean {
  return process.env['EDGEC_WINOGRAD_WGRAD'] !== 'off' && winogradWins(s);
}

/**
 * dw (M, C, 3, 3) = the weight gradient (overwritten) and, with `db`, the bias gradient, by
 * winograd_weight_grad; false when the kernels are unavailable or the arena cannot hold it.
 */
export function runWinogradWeightGrad(dw: Float32Array, dy: Float32Array, input: Float32Array, s: Conv2dShape, db?: Float32Array): boolean {
  const call = beginConvCall();
  if (!call) return false;
  const { arena } = call;
  const chunk = wgradImagesPerChunk(s);
  const chunks = Math.ceil(s.batch / chunk);
  const block = wgradBlock(s);
  // One chunk's dU: 36 matrices M x C and 4 floats the finish's last vector may read past the end.
  const duSize = 36 * s.outChannels * s.inChannels + 4;
  const pDy = arena.input(dy);
  const pIn = arena.input(input);
  const pParts = arena.reserve(chunks * duSize);
  const pSum = arena.reserve(duSize);
  const pTmp = arena.reserve(108);
  const pDw = arena.output(dw);
  const pDbParts = db ? arena.reserve(chunks * s.outChannels) : 0;
  const pDb = db ? arena.output(db) : 0;
  const scratchFloats = wgradScratchFloats(s, chunk, block);
  const scratch = Array.from({ length: shareCount(sizes(s).macs, chunks) }, () => arena.reserve(scratchFloats));
  if (!arena.commit()) return false;
  writeGeometry(call, s);
  // Chunks claimed one at a time (arguments 5, 6: the chunk range); each lands in its own slot.
  const shares = scratch.map((at) => [pParts, pDbParts, pDy, pIn, call.geometry, 0, 0, chunk, at, block]);
  runDynamic(call.kernels, 'winograd_weight_grad', shares, 5, chunks, 1);
  const run = call.kernels.exports;
  run['sum_parts']!(pSum, pParts, chunks, duSize);
  run['winograd_weight_grad_finish']!(pDw, pSum, s.outChannels, s.inChannels, pTmp);
  if (db) run['sum_parts']!(pDb, pDbParts, chunks, s.outChannels);
  arena.finish();
  return true;
}

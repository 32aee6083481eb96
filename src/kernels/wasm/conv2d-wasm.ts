/**
 * Conv forward and backward on the WebAssembly SIMD kernels (wasm/src/conv.c, depthwise.c), with
 * the signatures of the TypeScript kernels they stand in for (conv2dForward in ../conv2d.ts,
 * conv2dBackwardInput / conv2dBackwardWeight in ../conv2d-backward.ts). Each returns false when
 * the kernels are unavailable or the call does not fit in memory; the caller then runs its own
 * TypeScript. Images are split across threads; weight gradients are summed per fixed chunk of
 * WEIGHT_GRAD_CHUNK images and the chunks added in order, so every result is bit-identical
 * whatever the thread count.
 */
import type { Conv2dShape } from '../conv2d.js';
import { runShares, splitRange, threadCount } from '../parallel.js';
import { Arena } from './arena.js';
import { wasmKernels, type WasmKernels } from './module.js';

/** Images per partial weight gradient: fixed, so the order of float additions is too. */
export const WEIGHT_GRAD_CHUNK = 4;
/** Multiply-accumulates below which a worker's wake-up costs more than it saves. */
const MACS_PER_THREAD = 200_000;
const PANEL = 8;

/** The ConvGeom struct of wasm/src/kernels.h, field for field. */
function geometryInts(s: Conv2dShape): Int32Array {
  return Int32Array.from([
    s.batch, s.inChannels, s.inHeight, s.inWidth, s.outChannels, s.outHeight, s.outWidth,
    s.kernelHeight, s.kernelWidth, s.strideHeight, s.strideWidth, s.dilationHeight, s.dilationWidth,
    s.padTop, s.padLeft, s.groups,
  ]);
}

/** Derived sizes the scratch layouts of conv.c and depthwise.c are computed from. */
function sizes(s: Conv2dShape) {
  const pixels = s.outHeight * s.outWidth;
  const groupOut = s.outChannels / s.groups;
  const depth = (s.inChannels / s.groups) * s.kernelHeight * s.kernelWidth;
  const padded = (n: number) => Math.ceil(n / PANEL) * PANEL;
  return {
    pixels,
    groupOut,
    depth,
    padded,
    depthwise: s.inChannels === s.groups && s.groups > 1,
    macs: s.batch * s.outChannels * pixels * depth,
  };
}

/** Threads worth waking for `macs` of work over `items` independent items. */
function shareCount(macs: number, items: number): number {
  return Math.max(1, Math.min(threadCount(), items, Math.ceil(macs / MACS_PER_THREAD)));
}

interface Call {
  kernels: WasmKernels;
  arena: Arena;
  geometry: number;
}

function begin(s: Conv2dShape): Call | undefined {
  const kernels = wasmKernels();
  if (!kernels) return undefined;
  const arena = new Arena(kernels);
  return { kernels, arena, geometry: arena.reserve(16) };
}

export function wasmConv2dForward(out: Float32Array, input: Float32Array, weight: Float32Array, bias: Float32Array | undefined, s: Conv2dShape): boolean {
  const call = begin(s);
  if (!call) return false;
  const { arena } = call;
  const z = sizes(s);
  const scratchFloats = z.depthwise ? 0 : z.padded(z.pixels) * z.depth;
  const pIn = arena.reserve(input.length);
  const pW = arena.reserve(weight.length);
  const pB = bias ? arena.reserve(bias.length) : 0;
  const pOut = arena.reserve(out.length);
  const ranges = splitRange(s.batch, shareCount(z.macs, s.batch));
  const scratch = ranges.map(() => arena.reserve(scratchFloats));
  if (!arena.commit()) return false;
  arena.write(call.geometry, geometryInts(s));
  arena.write(pIn, input);
  arena.write(pW, weight);
  if (bias) arena.write(pB, bias);
  const name = z.depthwise ? 'depthwise_forward' : 'conv_forward';
  runShares(call.kernels, name, ranges.map(([n0, n1], i) => [pOut, pIn, pW, pB, call.geometry, n0, n1, scratch[i]!]));
  arena.read(out, pOut);
  return true;
}

export function wasmConv2dBackwardInput(dx: Float32Array, dy: Float32Array, weight: Float32Array, s: Conv2dShape): boolean {
  const call = begin(s);
  if (!call) return false;
  const { arena } = call;
  const z = sizes(s);
  const scratchFloats = z.depthwise ? 0 : z.depth * z.groupOut + z.padded(z.pixels) * z.groupOut + z.depth * z.pixels;
  const pDy = arena.reserve(dy.length);
  const pW = arena.reserve(weight.length);
  const pDx = arena.reserve(dx.length);
  const ranges = splitRange(s.batch, shareCount(z.macs, s.batch));
  const scratch = ranges.map(() => arena.reserve(scratchFloats));
  if (!arena.commit()) return false;
  arena.write(call.geometry, geometryInts(s));
  arena.write(pDy, dy);
  arena.write(pW, weight);
  if (z.depthwise) {
    runShares(call.kernels, 'depthwise_backward_input', ranges.map(([n0, n1]) => [pDx, pDy, pW, call.geometry, n0, n1]));
  } else {
    runShares(call.kernels, 'conv_backward_input', ranges.map(([n0, n1], i) => [pDx, pDy, pW, call.geometry, n0, n1, scratch[i]!]));
  }
  arena.read(dx, pDx);
  return true;
}

/** dw (M, C/g, kH, kW) = the weight gradient (overwritten), as conv2dBackwardWeight. */
export function wasmConv2dBackwardWeight(dw: Float32Array, dy: Float32Array, input: Float32Array, s: Conv2dShape): boolean {
  const call = begin(s);
  if (!call) return false;
  const { arena } = call;
  const z = sizes(s);
  const scratchFloats = z.depthwise
    ? s.kernelHeight * s.kernelWidth * z.pixels
    : z.depth * z.pixels + z.padded(z.depth) * z.pixels;
  const chunks = Math.ceil(s.batch / WEIGHT_GRAD_CHUNK);
  const pDy = arena.reserve(dy.length);
  const pIn = arena.reserve(input.length);
  const pParts = arena.reserve(chunks * dw.length);
  const pDw = arena.reserve(dw.length);
  const ranges = splitRange(chunks, shareCount(z.macs, chunks));
  const scratch = ranges.map(() => arena.reserve(scratchFloats));
  if (!arena.commit()) return false;
  arena.write(call.geometry, geometryInts(s));
  arena.write(pDy, dy);
  arena.write(pIn, input);
  const name = z.depthwise ? 'depthwise_backward_weight' : 'conv_backward_weight';
  runShares(call.kernels, name, ranges.map(([c0, c1], i) => [pParts, 0, pDy, pIn, call.geometry, c0, c1, WEIGHT_GRAD_CHUNK, scratch[i]!]));
  call.kernels.exports['sum_parts']!(pDw, pParts, chunks, dw.length);
  arena.read(dw, pDw);
  return true;
}

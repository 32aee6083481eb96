/**
 * What every conv kernel call on the WebAssembly side shares (wasm/src/conv_forward.c, conv.c,
 * depthwise.c): the ConvGeom struct as laid out in memory, the sizes its scratch layouts are
 * computed from, how many threads a call is worth, and the forward itself, which the stride-1
 * input gradient reuses (conv2d-backward-wasm.ts).
 */
import type { Conv2dShape } from '../conv2d.js';
import { runDynamic, threadCount } from '../parallel.js';
import { Arena } from './arena.js';
import { wasmKernels, type WasmKernels } from './module.js';

/** Multiply-accumulates below which a worker's wake-up costs more than it saves. */
const MACS_PER_THREAD = 200_000;
/** Columns per packed GEMM panel (PANEL in wasm/src/kernels.h). */
export const PANEL = 8;
/** Int32 slots of the ConvGeom struct. */
const GEOMETRY_SLOTS = 18;
const NO_CLAMP = [-Infinity, Infinity] as const;

/** The ConvGeom struct of wasm/src/kernels.h, field for field: 16 ints, then the clamp as 2 floats. */
function geometryInts(s: Conv2dShape, clamp: readonly [number, number] = NO_CLAMP): Int32Array {
  const slots = Int32Array.from([
    s.batch, s.inChannels, s.inHeight, s.inWidth, s.outChannels, s.outHeight, s.outWidth,
    s.kernelHeight, s.kernelWidth, s.strideHeight, s.strideWidth, s.dilationHeight, s.dilationWidth,
    s.padTop, s.padLeft, s.groups, 0, 0,
  ]);
  new Float32Array(slots.buffer).set(clamp, 16);
  return slots;
}

/** Derived sizes the scratch layouts of the kernels are computed from. */
export function sizes(s: Conv2dShape) {
  const pixels = s.outHeight * s.outWidth;
  const groupOut = s.outChannels / s.groups;
  const depth = (s.inChannels / s.groups) * s.kernelHeight * s.kernelWidth;
  return {
    pixels,
    groupOut,
    depth,
    padded: (n: number) => Math.ceil(n / PANEL) * PANEL,
    depthwise: s.inChannels === s.groups && s.groups > 1,
    /** is_pointwise of kernels.h: the input is the GEMM's matrix, no im2col. */
    pointwise: s.kernelHeight === 1 && s.kernelWidth === 1 && s.strideHeight === 1 && s.strideWidth === 1 &&
      s.padTop === 0 && s.padLeft === 0 && s.outHeight === s.inHeight && s.outWidth === s.inWidth,
    macs: s.batch * s.outChannels * pixels * depth,
  };
}

/** Threads worth waking for `macs` of work over `items` independent items. */
export function shareCount(macs: number, items: number): number {
  return Math.max(1, Math.min(threadCount(), items, Math.ceil(macs / MACS_PER_THREAD)));
}

export interface ConvCall {
  kernels: WasmKernels;
  arena: Arena;
  /** Address of the ConvGeom struct (written by `writeGeometry` after the arena's commit). */
  geometry: number;
}

/** A fresh arena with the geometry reserved first; undefined when the kernels are unavailable. */
export function beginConvCall(): ConvCall | undefined {
  const kernels = wasmKernels();
  if (!kernels) return undefined;
  const arena = new Arena(kernels);
  return { kernels, arena, geometry: arena.reserve(GEOMETRY_SLOTS) };
}

export function writeGeometry(call: ConvCall, s: Conv2dShape, clamp?: readonly [number, number]): void {
  call.arena.write(call.geometry, geometryInts(s, clamp));
}

/**
 * Scratch per thread of conv_forward.c: its phase image and K tap offsets on the shifted path
 * (whole 8-pixel panels per output row, not a 1x1: shifted_path in conv_forward.c), else one K x 8
 * column panel.
 */
function forwardScratchFloats(s: Conv2dShape, depth: number, pointwise: boolean): number {
  if (s.outWidth % PANEL !== 0 || pointwise || (s.kernelHeight === 1 && s.kernelWidth === 1)) return PANEL * depth;
  return phaseImageFloats(s) + depth;
}

/**
 * Scratch of depthwise_forward (depthwise.c): on its flat path (stride 1, fewer than 16 output
 * columns) the padded plane with a zero row, and the output grid, each rounded to whole vectors.
 */
function depthwiseForwardScratch(s: Conv2dShape): number {
  if (s.strideHeight !== 1 || s.strideWidth !== 1 || s.outWidth >= 16) return 0;
  const reach = (s.kernelWidth - 1) * s.dilationWidth;
  const pitch = s.outWidth + 2 * reach;
  const rows = s.outHeight + (s.kernelHeight - 1) * s.dilationHeight;
  return (rows + 1) * pitch + Math.ceil((s.outHeight * pitch) / 4) * 4 + 4;
}

/** Floats of one group's phase image (phase_size in wasm/src/kernels.h): C/g x stride_w x Hp x Wq. */
export function phaseImageFloats(s: Conv2dShape): number {
  const rows = (s.outHeight - 1) * s.strideHeight + (s.kernelHeight - 1) * s.dilationHeight + 1;
  const columns = s.outWidth + Math.floor(((s.kernelWidth - 1) * s.dilationWidth) / s.strideWidth);
  return (s.inChannels / s.groups) * s.strideWidth * rows * columns;
}

/**
 * out = clamp(conv(input, weight) + bias [+ residual]) on conv_forward / depthwise_forward; false
 * if it does not fit, or for a residual on a depthwise conv (depthwise.c takes none).
 */
export function runConvForward(
  out: Float32Array, input: Float32Array, weight: Float32Array, bias: Float32Array | undefined, s: Conv2dShape,
  clamp?: readonly [number, number], residual?: Float32Array,
): boolean {
  const z = sizes(s);
  if (residual && z.depthwise) return false;
  const call = beginConvCall();
  if (!call) return false;
  const { arena } = call;
  const scratchFloats = z.depthwise ? depthwiseForwardScratch(s) : forwardScratchFloats(s, z.depth, z.pointwise);
  // Stride-2 panels read one float past the last tap (im2col.c): that float must be readable, which
  // it is in the scratch region and, after a resident block, in the next block or unused memory.
  const pIn = arena.input(input);
  arena.reserve(4);
  const pW = arena.input(weight);
  const pB = bias ? arena.input(bias) : 0;
  const pRes = residual ? arena.input(residual) : 0;
  const pOut = arena.output(out);
  const scratch = Array.from({ length: shareCount(z.macs, s.batch) }, () => arena.reserve(scratchFloats));
  if (!arena.commit()) return false;
  writeGeometry(call, s, clamp);
  const name = z.depthwise ? 'depthwise_forward' : 'conv_forward';
  // Images claimed one at a time by whichever thread is free (arguments 5, 6: the image range).
  runDynamic(call.kernels, name, scratch.map((at) => [pOut, pIn, pW, pB, call.geometry, 0, 0, at, pRes]), 5, s.batch, 1);
  arena.finish();
  return true;
}

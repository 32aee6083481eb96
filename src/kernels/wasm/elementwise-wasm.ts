/**
 * The training engine's elementwise glue on the WebAssembly kernels (wasm/src/elementwise.c): the
 * residual Add with its fused Relu/Clip, a fused activation's gradient mask, the sum of two
 * gradients. As JavaScript loops these ran at 2-3 ns an element on the main thread while the
 * workers waited; in 128-bit SIMD, on tensors resident in the shared memory (no copies), several
 * times faster. Results are bit-identical to the TypeScript references (../add-fused.ts,
 * src/train/grad-buffers.ts), so which path runs never shows.
 *
 * Each function returns false when the kernels are unavailable, the arrays are too short to be
 * worth a call, or the call does not fit in memory; the caller then runs its TypeScript loop.
 */
import { runShares, splitRange, threadCount } from '../parallel.js';
import { Arena } from './arena.js';
import { wasmKernels } from './module.js';

/** Elements below which the JavaScript loop is as quick as the copies and the call. */
const MIN_ELEMENTS = 4096;
/** Elements per thread below which a worker's wake-up costs more than it saves (memory-bound). */
const ELEMENTS_PER_THREAD = 1 << 16;

/**
 * out[i] = kernel(inputs...[i]) over the whole arrays, in place where they are resident (arena.ts);
 * out may be one of the inputs (elementwise, so that is safe). `bounds`, when given, are passed as
 * a pointer to two floats after the inputs.
 */
function runElementwise(name: string, out: Float32Array, inputs: Float32Array[], bounds?: readonly [number, number]): boolean {
  const n = out.length;
  if (n < MIN_ELEMENTS) return false;
  const kernels = wasmKernels();
  if (!kernels) return false;
  const arena = new Arena(kernels);
  const pInputs = inputs.map((t) => arena.input(t));
  const pOut = arena.output(out, true);
  const pBounds = bounds ? arena.reserve(2) : -1;
  if (!arena.commit()) return false;
  if (bounds) arena.write(pBounds, Float32Array.from(bounds));
  const shares = Math.max(1, Math.min(threadCount(), Math.floor(n / ELEMENTS_PER_THREAD)));
  const fixed = bounds ? [pOut, ...pInputs, pBounds] : [pOut, ...pInputs];
  runShares(kernels, name, splitRange(n, shares).map(([first, end]) => [...fixed, first, end]));
  arena.finish();
  return true;
}

/** out = clamp(a + b, lo, hi) elementwise (out may be a or b); as addClampedReference. */
export function wasmAddClamped(out: Float32Array, a: Float32Array, b: Float32Array, lo: number, hi: number): boolean {
  return runElementwise('add_clamp', out, [a, b], [lo, hi]);
}

/** out = x > 0 ? dy : 0 (out may be x or dy). */
export function wasmReluMask(out: Float32Array, x: Float32Array, dy: Float32Array): boolean {
  return runElementwise('relu_mask', out, [x, dy]);
}

/** out = lo <= x <= hi ? dy : 0 (out may be x or dy). */
export function wasmClipMask(out: Float32Array, x: Float32Array, dy: Float32Array, lo: number, hi: number): boolean {
  return runElementwise('clip_mask', out, [x, dy], [lo, hi]);
}

/** out = a + b (out may be a or b). */
export function wasmAddInto(out: Float32Array, a: Float32Array, b: Float32Array): boolean {
  return runElementwise('add_into', out, [a, b]);
}

/**
 * Max and average pooling, forward and backward, on the WebAssembly kernels (wasm/src/pool.c),
 * with the signatures of ../pool2d.ts and ../pool2d-backward.ts. Planes (one channel of one
 * image) are split across threads; each output depends on one plane only, so results do not
 * depend on the thread count. Each returns false when the kernels are unavailable (or the call
 * does not fit in memory) and the caller runs its TypeScript instead.
 */
import type { Pool2dShape } from '../pool2d.js';
import { runShares, splitRange, threadCount } from '../parallel.js';
import { Arena } from './arena.js';
import { wasmKernels } from './module.js';

/** Window taps below which a worker's wake-up costs more than it saves. */
const TAPS_PER_THREAD = 400_000;

/** The PoolGeom struct of wasm/src/kernels.h, field for field. */
function geometryInts(s: Pool2dShape, countIncludePad: boolean): Int32Array {
  return Int32Array.from([
    s.planes, s.inHeight, s.inWidth, s.outHeight, s.outWidth, s.kernelHeight, s.kernelWidth,
    s.strideHeight, s.strideWidth, s.dilationHeight, s.dilationWidth, s.padTop, s.padLeft, s.padBottom, s.padRight,
    countIncludePad ? 1 : 0,
  ]);
}

/**
 * Runs `name` over every plane on `inputs`, writing `result` (both in place when resident, arena.ts). Arguments per share: result, inputs..., geometry, first plane, end plane.
 */
function runPool(name: string, result: Float32Array, inputs: Float32Array[], s: Pool2dShape, countIncludePad: boolean): boolean {
  const kernels = wasmKernels();
  if (!kernels) return false;
  const arena = new Arena(kernels);
  const geometry = arena.reserve(16);
  const pInputs = inputs.map((t) => arena.input(t));
  const pResult = arena.output(result);
  if (!arena.commit()) return false;
  arena.write(geometry, geometryInts(s, countIncludePad));
  const taps = s.planes * s.outHeight * s.outWidth * s.kernelHeight * s.kernelWidth;
  const shares = Math.max(1, Math.min(threadCount(), s.planes, Math.ceil(taps / TAPS_PER_THREAD)));
  runShares(kernels, name, splitRange(s.planes, shares).map(([p0, p1]) => [pResult, ...pInputs, geometry, p0, p1]));
  arena.finish();
  return true;
}

/** out (planes, oH, oW) = window maxima of input; as maxPool2dForward without indices. */
export function wasmMaxPool2dForward(out: Float32Array, input: Float32Array, s: Pool2dShape): boolean {
  return runPool('max_pool_forward', out, [input], s, false);
}

/** out (planes, oH, oW) = window means of input; as averagePool2dForward. */
export function wasmAveragePool2dForward(out: Float32Array, input: Float32Array, s: Pool2dShape, countIncludePad: boolean): boolean {
  return runPool('avg_pool_forward', out, [input], s, countIncludePad);
}

/** dx (overwritten) from dy: each gradient to its window's first maximum; as maxPool2dBackward. */
export function wasmMaxPool2dBackward(dx: Float32Array, dy: Float32Array, input: Float32Array, s: Pool2dShape): boolean {
  return runPool('max_pool_backward', dx, [dy, input], s, false);
}

/** dx (overwritten) from dy: dy / count over each window; as averagePool2dBackward. */
export function wasmAveragePool2dBackward(dx: Float32Array, dy: Float32Array, s: Pool2dShape, countIncludePad: boolean): boolean {
  return runPool('avg_pool_backward', dx, [dy], s, countIncludePad);
}

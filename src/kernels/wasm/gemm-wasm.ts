/**
 * Matrix multiply on the WebAssembly SIMD GEMM (wasm/src/gemm.c), with the signature of
 * matmulForward in ../gemm.ts: the right-hand matrix is packed once into 8-column panels, then
 * the rows of the left-hand one are split across threads. Each element's sum over depth runs in
 * the same order whatever the split, so results do not depend on the thread count. Returns false
 * when the kernels are unavailable (or it does not fit) and the caller runs its TypeScript.
 */
import { runShares, splitRange, threadCount } from '../parallel.js';
import { Arena } from './arena.js';
import { wasmKernels } from './module.js';

/** Products below which copying in and out costs more than the SIMD kernel saves. */
export const WASM_MATMUL_MIN_MACS = 16_384;
/** Multiply-accumulates below which a worker's wake-up costs more than it saves. */
const MACS_PER_THREAD = 200_000;
const PANEL = 8;

/** out (M,N) = a (M,K) @ b (K,N); out is overwritten. */
export function wasmMatmul(out: Float32Array, a: Float32Array, b: Float32Array, M: number, N: number, K: number): boolean {
  const kernels = wasmKernels();
  if (!kernels) return false;
  const arena = new Arena(kernels);
  const pA = arena.input(a.subarray(0, M * K));
  const pB = arena.input(b.subarray(0, K * N));
  const pPacked = arena.reserve(Math.ceil(N / PANEL) * PANEL * K);
  const pOut = arena.output(out.subarray(0, M * N));
  if (!arena.commit()) return false;
  kernels.exports['pack_rows']!(pPacked, pB, N, K, N);
  const shares = Math.max(1, Math.min(threadCount(), Math.ceil(M / 4), Math.ceil((M * N * K) / MACS_PER_THREAD)));
  // Row ranges in multiples of 4, the micro-kernel's height, except the last.
  const ranges = splitRange(Math.ceil(M / 4), shares).map(([r0, r1]) => [r0 * 4, Math.min(M, r1 * 4)] as const);
  runShares(kernels, 'gemm_packed', ranges.map(([r0, r1]) => [pOut + r0 * N * 4, N, pA + r0 * K * 4, K, pPacked, r1 - r0, N, K, 0]));
  arena.finish();
  return true;
}

/**
 * Single-precision matrix multiply: the kernel under Conv (after im2col), ConvTranspose, Gemm and
 * MatMul. `matmulForward` is the fast path, `matmulReference` the obvious triple loop it is tested
 * against. Both are pure functions over flat row-major Float32Arrays with explicit sizes, so a
 * WebAssembly SIMD version can later replace the fast one behind the same signature.
 */
import { WASM_MATMUL_MIN_MACS, wasmMatmul } from './wasm/gemm-wasm.js';

/** Columns of `b`/`out` processed together: 256 floats of each row stay in L1 across a k-block. */
const COL_BLOCK = 256;
/** Rows of `b` per block: COL_BLOCK x DEPTH_BLOCK floats (64 KiB) is reused by every row of `a`. */
const DEPTH_BLOCK = 64;

/**
 * out (M,N) = a (M,K) @ b (K,N); out is overwritten.
 * Blocked over columns and depth; inside a block, i-k-j order (unit-stride inner loop) with a
 * 2-row x 4-deep register tile: each loaded element of `b` feeds two output rows, and each output
 * element is loaded and stored once per four rows of `b` rather than once per row.
 */
export function matmulForward(out: Float32Array, a: Float32Array, b: Float32Array, M: number, N: number, K: number): void {
  // The WebAssembly SIMD GEMM on worker threads when built (wasm/) and worth the copies.
  if (M * N * K >= WASM_MATMUL_MIN_MACS && wasmMatmul(out, a, b, M, N, K)) return;
  out.fill(0, 0, M * N);
  for (let j0 = 0; j0 < N; j0 += COL_BLOCK) {
    const j1 = Math.min(N, j0 + COL_BLOCK);
    for (let k0 = 0; k0 < K; k0 += DEPTH_BLOCK) {
      const k1 = Math.min(K, k0 + DEPTH_BLOCK);
      let i = 0;
      for (; i + 2 <= M; i += 2) accumulateRowPair(out, a, b, i, N, K, j0, j1, k0, k1);
      if (i < M) accumulateRow(out, a, b, i, N, K, j0, j1, k0, k1);
    }
  }
}

/** out[i..i+1, j0..j1) += a[i..i+1, k0..k1) @ b[k0..k1, j0..j1). */
function accumulateRowPair(
  out: Float32Array, a: Float32Array, b: Float32Array, i: number, N: number, K: number,
  j0: number, j1: number, k0: number, k1: number,
): void {
  const out0 = i * N;
  const out1 = out0 + N;
  const a0 = i * K;
  const a1 = a0 + K;
  let k = k0;
  for (; k + 4 <= k1; k += 4) {
    const p0 = a[a0 + k]!, p1 = a[a0 + k + 1]!, p2 = a[a0 + k + 2]!, p3 = a[a0 + k + 3]!;
    const q0 = a[a1 + k]!, q1 = a[a1 + k + 1]!, q2 = a[a1 + k + 2]!, q3 = a[a1 + k + 3]!;
    const b0 = k * N;
    const b1 = b0 + N;
    const b2 = b1 + N;
    const b3 = b2 + N;
    for (let j = j0; j < j1; j++) {
      const y0 = b[b0 + j]!, y1 = b[b1 + j]!, y2 = b[b2 + j]!, y3 = b[b3 + j]!;
      out[out0 + j]! += p0 * y0 + p1 * y1 + p2 * y2 + p3 * y3;
      out[out1 + j]! += q0 * y0 + q1 * y1 + q2 * y2 + q3 * y3;
    }
  }
  for (; k < k1; k++) {
    const p = a[a0 + k]!;
    const q = a[a1 + k]!;
    const bk = k * N;
    for (let j = j0; j < j1; j++) {
      const y = b[bk + j]!;
      out[out0 + j]! += p * y;
      out[out1 + j]! += q * y;
    }
  }
}

/** out[i, j0..j1) += a[i, k0..k1) @ b[k0..k1, j0..j1): the odd last row. */
function accumulateRow(
  out: Float32Array, a: Float32Array, b: Float32Array, i: number, N: number, K: number,
  j0: number, j1: number, k0: number, k1: number,
): void {
  const outRow = i * N;
  for (let k = k0; k < k1; k++) {
    const p = a[i * K + k]!;
    const bk = k * N;
    for (let j = j0; j < j1; j++) out[outRow + j]! += p * b[bk + j]!;
  }
}

/** out (M,N) = a (M,K) @ b (K,N), one dot product per element, accumulated in double. */
export function matmulReference(out: Float32Array, a: Float32Array, b: Float32Array, M: number, N: number, K: number): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += a[i * K + k]! * b[k * N + j]!;
      out[i * N + j] = sum;
    }
  }
}

/** out (cols,rows) = transpose of src (rows,cols). */
export function transposeMatrix(out: Float32Array, src: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const srcRow = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = src[srcRow + c]!;
  }
}

/**
 * out (M,N) = op(a) @ op(b), where op transposes when asked: a is (M,K) or, with transA, (K,M);
 * b is (K,N) or, with transB, (N,K). Transposed operands are copied once into row-major scratch
 * (O(MK + KN), small beside the O(MNK) product) so the inner loop always runs at unit stride.
 */
export function gemmForward(
  out: Float32Array,
  a: Float32Array,
  b: Float32Array,
  M: number,
  N: number,
  K: number,
  transA: boolean,
  transB: boolean,
): void {
  let left = a;
  if (transA) {
    left = new Float32Array(M * K);
    transposeMatrix(left, a, K, M);
  }
  let right = b;
  if (transB) {
    right = new Float32Array(K * N);
    transposeMatrix(right, b, N, K);
  }
  matmulForward(out, left, right, M, N, K);
}

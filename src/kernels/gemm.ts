/**
 * Single-precision matrix multiply: the kernel under Conv (after im2col), ConvTranspose, Gemm and
 * MatMul. `matmulForward` is the fast path, `matmulReference` the obvious triple loop it is tested
 * against. Both are pure functions over flat row-major Float32Arrays with explicit sizes, so a
 * WebAssembly SIMD version can later replace the fast one behind the same signature.
 */

/** Columns of `b`/`out` processed together: 256 floats of each row stay in L1 across a k-block. */
const COL_BLOCK = 256;
/** Rows of `b` per block: COL_BLOCK x DEPTH_BLOCK floats (64 KiB) is reused by every row of `a`. */
const DEPTH_BLOCK = 64;

/**
 * out (M,N) = a (M,K) @ b (K,N); out is overwritten.
 * Blocked over columns and depth, i-k-j order inside a block (unit-stride inner loop), four rows
 * of `b` per pass so each output element is loaded and stored a quarter as often.
 */
export function matmulForward(out: Float32Array, a: Float32Array, b: Float32Array, M: number, N: number, K: number): void {
  out.fill(0, 0, M * N);
  for (let j0 = 0; j0 < N; j0 += COL_BLOCK) {
    const j1 = Math.min(N, j0 + COL_BLOCK);
    for (let k0 = 0; k0 < K; k0 += DEPTH_BLOCK) {
      const k1 = Math.min(K, k0 + DEPTH_BLOCK);
      for (let i = 0; i < M; i++) {
        const outRow = i * N;
        const aRow = i * K;
        let k = k0;
        for (; k + 4 <= k1; k += 4) {
          const a0 = a[aRow + k]!;
          const a1 = a[aRow + k + 1]!;
          const a2 = a[aRow + k + 2]!;
          const a3 = a[aRow + k + 3]!;
          const b0 = k * N;
          const b1 = b0 + N;
          const b2 = b1 + N;
          const b3 = b2 + N;
          for (let j = j0; j < j1; j++) {
            out[outRow + j]! += a0 * b[b0 + j]! + a1 * b[b1 + j]! + a2 * b[b2 + j]! + a3 * b[b3 + j]!;
          }
        }
        for (; k < k1; k++) {
          const ak = a[aRow + k]!;
          const bk = k * N;
          for (let j = j0; j < j1; j++) out[outRow + j]! += ak * b[bk + j]!;
        }
      }
    }
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

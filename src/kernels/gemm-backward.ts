/**
 * Gradients of the matrix products of gemm.ts, as matrix products again (so the fast GEMM, or a
 * WebAssembly one behind the same signature, does the work):
 *   Y = op(A) @ op(B):  d op(A) = dY @ op(B)^T,  d op(B) = op(A)^T @ dY,
 * where op transposes when the operand is stored transposed; a transposed operand's gradient is
 * stored transposed too, which turns each product around (see gemmBackward).
 */
import { gemmForward } from './gemm.js';

/**
 * For out (M,N) = op(a) @ op(b) with a (M,K) or, transA, (K,M) and b (K,N) or, transB, (N,K):
 * da and db (each in its operand's stored layout) from dy (M,N). Either may be undefined.
 */
export function gemmBackward(
  da: Float32Array | undefined,
  db: Float32Array | undefined,
  dy: Float32Array,
  a: Float32Array,
  b: Float32Array,
  M: number,
  N: number,
  K: number,
  transA: boolean,
  transB: boolean,
): void {
  if (da) {
    // op(A) gradient (M,K) = dY (M,N) @ op(B)^T; stored transposed: (K,M) = op(B) @ dY^T.
    if (transA) gemmForward(da, b, dy, K, M, N, transB, true);
    else gemmForward(da, dy, b, M, K, N, false, !transB);
  }
  if (db) {
    // op(B) gradient (K,N) = op(A)^T @ dY; stored transposed: (N,K) = dY^T @ op(A).
    if (transB) gemmForward(db, dy, a, N, K, M, true, transA);
    else gemmForward(db, a, dy, K, N, M, !transA, false);
  }
}

/**
 * Batched, broadcast MatMul: for each of `count` output matrices i, Y_i (M,N) = A[aIndex[i]] (M,K)
 * @ B[bIndex[i]] (K,N). Gradients of matrices read by several outputs add up.
 */
export function batchedMatmulBackward(
  da: Float32Array | undefined,
  db: Float32Array | undefined,
  dy: Float32Array,
  a: Float32Array,
  b: Float32Array,
  M: number,
  N: number,
  K: number,
  aIndex: Int32Array,
  bIndex: Int32Array,
): void {
  const tmpA = new Float32Array(M * K);
  const tmpB = new Float32Array(K * N);
  da?.fill(0);
  db?.fill(0);
  for (let i = 0; i < aIndex.length; i++) {
    const aStart = aIndex[i]! * M * K;
    const bStart = bIndex[i]! * K * N;
    const g = dy.subarray(i * M * N, (i + 1) * M * N);
    gemmBackward(
      da && tmpA,
      db && tmpB,
      g,
      a.subarray(aStart, aStart + M * K),
      b.subarray(bStart, bStart + K * N),
      M,
      N,
      K,
      false,
      false,
    );
    if (da) for (let k = 0; k < tmpA.length; k++) da[aStart + k]! += tmpA[k]!;
    if (db) for (let k = 0; k < tmpB.length; k++) db[bStart + k]! += tmpB[k]!;
  }
}

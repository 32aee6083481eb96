/**
 * The weight gradient of a conv computed the Winograd F(4x4, 3x3) way, in plain loops: the
 * reference wasm/src/winograd_wgrad.c is tested against, derived from the forward of
 * ./winograd.ts. Per 4x4 output tile t the forward is y_kt = A^T [sum_c U_kc .* V_ct] A with
 * U_kc = G g_kc G^T and V_ct = B^T d_ct B; its adjoint, step by step:
 *
 *   dM_kt = A dy_kt A^T           (dy_kt: the tile of dy, zero where the tile reaches past y)
 *   dU_kc = sum over tiles and images of dM_kt .* V_ct
 *   dg_kc = G^T dU_kc G
 *
 * For the layer class of winogradApplies (group-1, 3x3, stride-1, dilation-1, any padding);
 * arithmetic in float64, stored as float32.
 */
import type { Conv2dShape } from './conv2d.js';
import { WINOGRAD_AT, WINOGRAD_BT, WINOGRAD_G } from './winograd.js';

type Matrix = readonly (readonly number[])[];

function transpose(m: Matrix): number[][] {
  return m[0]!.map((_, j) => m.map((row) => row[j]!));
}

/** a (r x n) @ b (n x c). */
function matmul(a: Matrix, b: Matrix): number[][] {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((sum, v, i) => sum + v * b[i]![j]!, 0)));
}

const A = transpose(WINOGRAD_AT);
const G_T = transpose(WINOGRAD_G);
const B = transpose(WINOGRAD_BT);

/** dw (M, C, 3, 3) = the weight gradient of conv(input, w) given dy (N, M, oH, oW), by the Winograd adjoint. */
export function winogradWeightGradReference(dw: Float32Array, dy: Float32Array, input: Float32Array, s: Conv2dShape): void {
  const C = s.inChannels;
  const M = s.outChannels;
  const dU = Array.from({ length: M * C }, () => Array.from({ length: 6 }, () => new Array<number>(6).fill(0)));
  const pixel = (n: number, c: number, y: number, x: number) =>
    y < 0 || y >= s.inHeight || x < 0 || x >= s.inWidth ? 0 : input[((n * C + c) * s.inHeight + y) * s.inWidth + x]!;
  const gradient = (n: number, k: number, y: number, x: number) =>
    y >= s.outHeight || x >= s.outWidth ? 0 : dy[((n * M + k) * s.outHeight + y) * s.outWidth + x]!;
  for (let n = 0; n < s.batch; n++) {
    for (let oy = 0; oy < s.outHeight; oy += 4) {
      for (let ox = 0; ox < s.outWidth; ox += 4) {
        const V = Array.from({ length: C }, (_, c) => {
          const d = Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => pixel(n, c, oy + i - s.padTop, ox + j - s.padLeft)));
          return matmul(matmul(WINOGRAD_BT, d), B);
        });
        for (let k = 0; k < M; k++) {
          const tile = Array.from({ length: 4 }, (_, i) => Array.from({ length: 4 }, (_, j) => gradient(n, k, oy + i, ox + j)));
          const dM = matmul(matmul(A, tile), WINOGRAD_AT);
          for (let c = 0; c < C; c++) {
            const u = dU[k * C + c]!;
            const v = V[c]!;
            for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) u[i]![j]! += dM[i]![j]! * v[i]![j]!;
          }
        }
      }
    }
  }
  dU.forEach((u, kc) => {
    const g = matmul(matmul(G_T, u), WINOGRAD_G);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) dw[kc * 9 + i * 3 + j] = g[i]![j]!;
  });
}

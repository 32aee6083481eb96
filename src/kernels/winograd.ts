/**
 * Winograd F(4x4, 3x3) convolution in plain loops: the reference the WebAssembly kernel
 * (wasm/src/winograd.c) is tested against, written from the transform matrices of Lavin & Gray,
 * "Fast Algorithms for Convolutional Neural Networks" (2016), with nothing fused or vectorised.
 *
 * For each image, output channel k and 4x4 output tile: y = A^T [sum_c (G g_kc G^T) .* (B^T d_c B)] A,
 * d_c the tile's 6x6 input patch (zero outside the image), g_kc the 3x3 kernel. Applies to
 * group-1, 3x3, stride-1, dilation-1 convs with any padding (see winogradApplies); arithmetic in
 * float64, stored as float32.
 */
import type { Conv2dShape } from './conv2d.js';

/** B^T (6x6): the input transform. */
export const WINOGRAD_BT: readonly (readonly number[])[] = [
  [4, 0, -5, 0, 1, 0],
  [0, -4, -4, 1, 1, 0],
  [0, 4, -4, -1, 1, 0],
  [0, -2, -1, 2, 1, 0],
  [0, 2, -1, -2, 1, 0],
  [0, 4, 0, -5, 0, 1],
];

/** G (6x3): the weight transform. */
export const WINOGRAD_G: readonly (readonly number[])[] = [
  [1 / 4, 0, 0],
  [-1 / 6, -1 / 6, -1 / 6],
  [-1 / 6, 1 / 6, -1 / 6],
  [1 / 24, 1 / 12, 1 / 6],
  [1 / 24, -1 / 12, 1 / 6],
  [0, 0, 1],
];

/** A^T (4x6): the output transform. */
export const WINOGRAD_AT: readonly (readonly number[])[] = [
  [1, 1, 1, 1, 1, 0],
  [0, 1, -1, 2, -2, 0],
  [0, 1, 1, 4, 4, 0],
  [0, 1, -1, 8, -8, 1],
];

/** Whether Winograd F(4x4, 3x3) computes this conv: one group, 3x3 taps, stride 1, dilation 1. */
export function winogradApplies(s: Conv2dShape): boolean {
  return s.groups === 1 && s.kernelHeight === 3 && s.kernelWidth === 3 && s.strideHeight === 1 &&
    s.strideWidth === 1 && s.dilationHeight === 1 && s.dilationWidth === 1;
}

/** left (r x n) @ x (n x n as rows) @ right^T where right is (c x n): an r x c matrix. */
function sandwich(left: readonly (readonly number[])[], x: number[][], right: readonly (readonly number[])[]): number[][] {
  const inner = left.map((row) => x[0]!.map((_, j) => row.reduce((sum, l, i) => sum + l * x[i]![j]!, 0)));
  return inner.map((row) => right.map((r) => r.reduce((sum, v, j) => sum + v * row[j]!, 0)));
}

/** out (N, M, oH, oW) = conv(input, weight) + bias by Winograd F(4x4, 3x3); the shape must satisfy winogradApplies. */
export function winogradConv2dReference(
  out: Float32Array, input: Float32Array, weight: Float32Array, bias: Float32Array | undefined, s: Conv2dShape,
): void {
  const C = s.inChannels;
  const M = s.outChannels;
  const transformed = Array.from({ length: M * C }, (_, kc) => {
    const g = [0, 1, 2].map((i) => [0, 1, 2].map((j) => weight[kc * 9 + i * 3 + j]!));
    return sandwich(WINOGRAD_G, g, WINOGRAD_G);
  });
  const pixel = (n: number, c: number, y: number, x: number) =>
    y < 0 || y >= s.inHeight || x < 0 || x >= s.inWidth ? 0 : input[((n * C + c) * s.inHeight + y) * s.inWidth + x]!;
  for (let n = 0; n < s.batch; n++) {
    for (let oy = 0; oy < s.outHeight; oy += 4) {
      for (let ox = 0; ox < s.outWidth; ox += 4) {
        const patches = Array.from({ length: C }, (_, c) => {
          const d = Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => pixel(n, c, oy + i - s.padTop, ox + j - s.padLeft)));
          return sandwich(WINOGRAD_BT, d, WINOGRAD_BT);
        });
        for (let k = 0; k < M; k++) {
          const m = Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) =>
            patches.reduce((sum, v, c) => sum + transformed[k * C + c]![i]![j]! * v[i]![j]!, 0)));
          const y = sandwich(WINOGRAD_AT, m, WINOGRAD_AT);
          for (let i = 0; i < 4 && oy + i < s.outHeight; i++) {
            for (let j = 0; j < 4 && ox + j < s.outWidth; j++) {
              out[((n * M + k) * s.outHeight + oy + i) * s.outWidth + ox + j] = y[i]![j]! + (bias ? bias[k]! : 0);
            }
          }
        }
      }
    }
  }
}

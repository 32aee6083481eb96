/*
 * The 36 small GEMMs of a Winograd tile block (winograd.c): Mx[q][k][xi] = sum_c U[xi][k][c] V[q][c][xi],
 * one per position xi of the 6x6 transformed tile, each vector of V and Mx four tiles. The sum over
 * input channels is the only part of the conv whose cost grows with C x M, so it gets the register
 * tiles: 4 output channels x 2 quads (8 tiles), 8 or 4 x 1 quad for a block's odd quad, and
 * 1-row tiles for output channels past a multiple of 4. Consecutive channels of one quad and position
 * are 36 vectors apart. Each output adds its C products in ascending order of c, from zero.
 */
#include "kernels.h"
#include "winograd.h"

#define MAC(acc, x, b) acc = madd(x, b, acc)

/* Output channels k..k+3 of quads q and q + 1: v at V[q][0][xi], next quad `quad` vectors on; o likewise. */
static void tile_4x8(v128_t *o, long oquad, const float *u, int C, const v128_t *v, long quad) {
  v128_t c00 = wasm_f32x4_splat(0.0f), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const float *u0 = u, *u1 = u + C, *u2 = u1 + C, *u3 = u2 + C;
  for (int c = 0; c < C; c++, v += 36) {
    const v128_t b0 = v[0], b1 = v[quad];
    v128_t x;
    x = wasm_v128_load32_splat(u0 + c); MAC(c00, x, b0); MAC(c01, x, b1);
    x = wasm_v128_load32_splat(u1 + c); MAC(c10, x, b0); MAC(c11, x, b1);
    x = wasm_v128_load32_splat(u2 + c); MAC(c20, x, b0); MAC(c21, x, b1);
    x = wasm_v128_load32_splat(u3 + c); MAC(c30, x, b0); MAC(c31, x, b1);
  }
  o[0] = c00; o[oquad] = c01; o += 36;
  o[0] = c10; o[oquad] = c11; o += 36;
  o[0] = c20; o[oquad] = c21; o += 36;
  o[0] = c30; o[oquad] = c31;
}

static void tile_4x4(v128_t *o, const float *u, int C, const v128_t *v) {
  v128_t c0 = wasm_f32x4_splat(0.0f), c1 = c0, c2 = c0, c3 = c0;
  const float *u0 = u, *u1 = u + C, *u2 = u1 + C, *u3 = u2 + C;
  for (int c = 0; c < C; c++, v += 36) {
    const v128_t b = v[0];
    MAC(c0, wasm_v128_load32_splat(u0 + c), b);
    MAC(c1, wasm_v128_load32_splat(u1 + c), b);
    MAC(c2, wasm_v128_load32_splat(u2 + c), b);
    MAC(c3, wasm_v128_load32_splat(u3 + c), b);
  }
  o[0] = c0; o[36] = c1; o[72] = c2; o[108] = c3;
}

/* Output channels k..k+7 of one quad: eight independent accumulators where 4 x 4 has four. */
static void tile_8x4(v128_t *o, const float *u, int C, const v128_t *v) {
  v128_t c0 = wasm_f32x4_splat(0.0f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
  for (int c = 0; c < C; c++, v += 36) {
    const v128_t b = v[0];
    const float *uc = u + c;
    MAC(c0, wasm_v128_load32_splat(uc), b);
    MAC(c1, wasm_v128_load32_splat(uc + C), b);
    MAC(c2, wasm_v128_load32_splat(uc + 2 * C), b);
    MAC(c3, wasm_v128_load32_splat(uc + 3 * C), b);
    MAC(c4, wasm_v128_load32_splat(uc + 4 * C), b);
    MAC(c5, wasm_v128_load32_splat(uc + 5 * C), b);
    MAC(c6, wasm_v128_load32_splat(uc + 6 * C), b);
    MAC(c7, wasm_v128_load32_splat(uc + 7 * C), b);
  }
  o[0] = c0; o[36] = c1; o[72] = c2; o[108] = c3; o[144] = c4; o[180] = c5; o[216] = c6; o[252] = c7;
}

/* One output channel of one quad. */
static void tile_1x4(v128_t *o, const float *u, int C, const v128_t *v) {
  v128_t acc = wasm_f32x4_splat(0.0f);
  for (int c = 0; c < C; c++, v += 36) MAC(acc, wasm_v128_load32_splat(u + c), v[0]);
  o[0] = acc;
}

void winograd_gemm(v128_t *Mx, const float *U, const v128_t *V, int M, int C, int nb) {
  const int quads = nb / 4;
  const long vquad = 36L * C, oquad = 36L * M;
  for (int xi = 0; xi < 36; xi++) {
    const float *u = U + xi * u_plane(M, C);
    const int pairs = quads & ~1, M4 = M & ~3;
    /* Quads in pairs: 4 x 8 tiles, then the rows past a multiple of 4. */
    for (int k = 0; k < M4; k += 4)
      for (int q = 0; q < pairs; q += 2) tile_4x8(Mx + q * oquad + k * 36L + xi, oquad, u + (long)k * C, C, V + q * vquad + xi, vquad);
    for (int k = M4; k < M; k++)
      for (int q = 0; q < pairs; q++) tile_1x4(Mx + q * oquad + k * 36L + xi, u + (long)k * C, C, V + q * vquad + xi);
    /* The odd quad (the only one at four tiles per block): 8 x 4, 4 x 4, 1 x 4 tiles. */
    if (pairs < quads) {
      const long q = pairs;
      int k = 0;
      for (; k + 8 <= M; k += 8) tile_8x4(Mx + q * oquad + k * 36L + xi, u + (long)k * C, C, V + q * vquad + xi);
      for (; k + 4 <= M; k += 4) tile_4x4(Mx + q * oquad + k * 36L + xi, u + (long)k * C, C, V + q * vquad + xi);
      for (; k < M; k++) tile_1x4(Mx + q * oquad + k * 36L + xi, u + (long)k * C, C, V + q * vquad + xi);
    }
  }
}

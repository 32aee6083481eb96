/*
 * The 36 small GEMMs of a Winograd tile block (winograd.c): Mx[xi] = U[xi] @ V[xi], one per
 * position xi of the 6x6 transformed tile. The sum over input channels C is the only part of the
 * conv whose cost grows with C x M, so it gets the register tiles: 4 output channels x 8 tiles,
 * 4 x 4 for a block's last four tiles, and 1-row tiles for output channels past a multiple of 4.
 * Each output adds its C products in ascending order of c, starting from zero.
 */
#include "kernels.h"
#include "winograd.h"

#define MAC(acc, x, b) acc = madd(x, b, acc)

static void tile_4x8(float *o, int ldo, const float *u, int C, const float *v, int ldv) {
  v128_t c00 = wasm_f32x4_splat(0.0f), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const float *u0 = u, *u1 = u + C, *u2 = u1 + C, *u3 = u2 + C;
  for (int c = 0; c < C; c++, v += ldv) {
    const v128_t b0 = wasm_v128_load(v), b1 = wasm_v128_load(v + 4);
    v128_t x;
    x = wasm_v128_load32_splat(u0 + c); MAC(c00, x, b0); MAC(c01, x, b1);
    x = wasm_v128_load32_splat(u1 + c); MAC(c10, x, b0); MAC(c11, x, b1);
    x = wasm_v128_load32_splat(u2 + c); MAC(c20, x, b0); MAC(c21, x, b1);
    x = wasm_v128_load32_splat(u3 + c); MAC(c30, x, b0); MAC(c31, x, b1);
  }
  wasm_v128_store(o, c00); wasm_v128_store(o + 4, c01); o += ldo;
  wasm_v128_store(o, c10); wasm_v128_store(o + 4, c11); o += ldo;
  wasm_v128_store(o, c20); wasm_v128_store(o + 4, c21); o += ldo;
  wasm_v128_store(o, c30); wasm_v128_store(o + 4, c31);
}

static void tile_4x4(float *o, int ldo, const float *u, int C, const float *v, int ldv) {
  v128_t c0 = wasm_f32x4_splat(0.0f), c1 = c0, c2 = c0, c3 = c0;
  const float *u0 = u, *u1 = u + C, *u2 = u1 + C, *u3 = u2 + C;
  for (int c = 0; c < C; c++, v += ldv) {
    const v128_t b = wasm_v128_load(v);
    MAC(c0, wasm_v128_load32_splat(u0 + c), b);
    MAC(c1, wasm_v128_load32_splat(u1 + c), b);
    MAC(c2, wasm_v128_load32_splat(u2 + c), b);
    MAC(c3, wasm_v128_load32_splat(u3 + c), b);
  }
  wasm_v128_store(o, c0); wasm_v128_store(o + ldo, c1); wasm_v128_store(o + 2 * ldo, c2); wasm_v128_store(o + 3 * ldo, c3);
}

/* One output channel over four tiles (called twice for eight). */
static void tile_1x4(float *o, const float *u, int C, const float *v, int ldv) {
  v128_t acc = wasm_f32x4_splat(0.0f);
  for (int c = 0; c < C; c++, v += ldv) MAC(acc, wasm_v128_load32_splat(u + c), wasm_v128_load(v));
  wasm_v128_store(o, acc);
}

void winograd_gemm(float *Mx, long ms, const float *U, const float *V, long vs, int M, int C, int nb) {
  for (int xi = 0; xi < 36; xi++) {
    const float *u = U + (long)xi * M * C, *v = V + xi * vs;
    float *mo = Mx + xi * ms;
    int k = 0;
    for (; k + 4 <= M; k += 4) {
      int t = 0;
      for (; t + 8 <= nb; t += 8) tile_4x8(mo + (long)k * nb + t, nb, u + (long)k * C, C, v + t, nb);
      if (t < nb) tile_4x4(mo + (long)k * nb + t, nb, u + (long)k * C, C, v + t, nb);
    }
    for (; k < M; k++)
      for (int t = 0; t < nb; t += 4) tile_1x4(mo + (long)k * nb + t, u + (long)k * C, C, v + t, nb);
  }
}

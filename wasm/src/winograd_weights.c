/*
 * The weight transform of Winograd F(4x4, 3x3) (winograd.c): U[xi][k][c] = (G g_kc G^T)[xi] for
 * the 3x3 kernels g_kc of a (M, C, 3, 3) weight, laid out as the GEMM of winograd_gemm.c reads it
 * (36 matrices M x C, u_plane floats apart). Run once per conv call, before the images.
 */
#include "kernels.h"
#include "winograd.h"

static inline v128_t splat(float f) { return wasm_f32x4_splat(f); }

/* G (6x3) on three vectors, into x[0], x[s], ..., x[5s]. */
static inline __attribute__((always_inline)) void weight_1d(v128_t a, v128_t b, v128_t c, v128_t *x, int s) {
  const v128_t sum = wasm_f32x4_add(a, c);
  const v128_t p = wasm_f32x4_add(wasm_f32x4_mul(splat(1.0f / 24), a), wasm_f32x4_mul(splat(1.0f / 6), c));
  const v128_t q = wasm_f32x4_mul(splat(1.0f / 12), b);
  x[0] = wasm_f32x4_mul(splat(0.25f), a);
  x[s] = wasm_f32x4_mul(splat(-1.0f / 6), wasm_f32x4_add(sum, b));
  x[2 * s] = wasm_f32x4_mul(splat(-1.0f / 6), wasm_f32x4_sub(sum, b));
  x[3 * s] = wasm_f32x4_add(p, q);
  x[4 * s] = wasm_f32x4_sub(p, q);
  x[5 * s] = c;
}

/*
 * U[xi][k][c] for output channels [k0, k1), four input channels per vector (lanes past C are
 * zero and not stored). w is (M, C, 3, 3).
 */
void EXPORT(winograd_weights)(float *U, const float *w, int M, int C, int k0, int k1) {
  const long plane = u_plane(M, C);
  for (int k = k0; k < k1; k++) {
    for (int c0 = 0; c0 < C; c0 += 4) {
      const int lanes = C - c0 < 4 ? C - c0 : 4;
      const float *g = w + ((long)k * C + c0) * 9;
      v128_t tap[9], x[36];
#pragma clang loop unroll(full)
      for (int t = 0; t < 9; t++) {
        v128_t v = wasm_f32x4_splat(0.0f);
        v = wasm_f32x4_replace_lane(v, 0, g[t]);
        if (lanes > 1) v = wasm_f32x4_replace_lane(v, 1, g[9 + t]);
        if (lanes > 2) v = wasm_f32x4_replace_lane(v, 2, g[18 + t]);
        if (lanes > 3) v = wasm_f32x4_replace_lane(v, 3, g[27 + t]);
        tap[t] = v;
      }
      /* Columns first (G g: 6 x 3 in x[i*6 + j], j < 3), then rows (. G^T). */
#pragma clang loop unroll(full)
      for (int j = 0; j < 3; j++) weight_1d(tap[j], tap[3 + j], tap[6 + j], x + j, 6);
#pragma clang loop unroll(full)
      for (int i = 0; i < 6; i++) weight_1d(x[i * 6], x[i * 6 + 1], x[i * 6 + 2], x + i * 6, 1);
      float *dst = U + (long)k * C + c0;
#pragma clang loop unroll(full)
      for (int xi = 0; xi < 36; xi++, dst += plane) {
        if (lanes == 4) {
          wasm_v128_store(dst, x[xi]);
        } else {
          dst[0] = wasm_f32x4_extract_lane(x[xi], 0);
          if (lanes > 1) dst[1] = wasm_f32x4_extract_lane(x[xi], 1);
          if (lanes > 2) dst[2] = wasm_f32x4_extract_lane(x[xi], 2);
        }
      }
    }
  }
}

/*
 * Single-precision GEMM with 128-bit SIMD: C (m x n) (+)= A (m x k) @ B (k x n), row-major.
 *
 * B is first packed into panels of PANEL (8) columns, each panel k rows deep and contiguous
 * (dst[panel][k][8], zero-padded past n), so the micro-kernel streams it with unit stride. The
 * micro-kernel keeps a 4 x 8 tile of C in eight vector registers and, per step of depth, loads
 * one panel row (two vectors) and broadcasts four elements of A: 8 multiplies and 8 adds per
 * 6 loads. Depth is taken in blocks of KC so a panel block stays in L1 while every row of A
 * passes over it. Baseline WebAssembly SIMD has no fused multiply-add, so the plain build rounds
 * each product before adding it; the relaxed-SIMD build fuses them (madd, kernels.h). Either way
 * the sum over depth runs in ascending order, the same for every element wherever it sits in a
 * tile, so results do not depend on how work is split.
 */
#include "kernels.h"

#define KC 256

/* dst[panel][k][8] = b[k][panel*8 + j], b being k x n with row stride ldb. */
void EXPORT(pack_rows)(float *dst, const float *b, int ldb, int k, int n) {
  for (int j0 = 0; j0 < n; j0 += PANEL) {
    int cols = n - j0 < PANEL ? n - j0 : PANEL;
    for (int r = 0; r < k; r++, dst += PANEL) {
      const float *src = b + (long)r * ldb + j0;
      if (cols == PANEL) {
        wasm_v128_store(dst, wasm_v128_load(src));
        wasm_v128_store(dst + 4, wasm_v128_load(src + 4));
      } else {
        for (int j = 0; j < PANEL; j++) dst[j] = j < cols ? src[j] : 0.0f;
      }
    }
  }
}

/* The same panels from the transpose: B's column j is row j of bt (n x k, row stride ldbt). */
void EXPORT(pack_cols)(float *dst, const float *bt, int ldbt, int k, int n) {
  for (int j0 = 0; j0 < n; j0 += PANEL) {
    int cols = n - j0 < PANEL ? n - j0 : PANEL;
    for (int j = 0; j < PANEL; j++) {
      if (j < cols) {
        const float *src = bt + (long)(j0 + j) * ldbt;
        for (int r = 0; r < k; r++) dst[r * PANEL + j] = src[r];
      } else {
        for (int r = 0; r < k; r++) dst[r * PANEL + j] = 0.0f;
      }
    }
    dst += (long)k * PANEL;
  }
}

/* C[0..4, 0..cols) (+)= A[0..4, 0..kc) @ panel[0..kc, 0..8). */
static void kernel_4x8(float *c, int ldc, const float *a, int lda, const float *p, int kc, int cols, int accumulate) {
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00;
  v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const float *a0 = a, *a1 = a + lda, *a2 = a1 + lda, *a3 = a2 + lda;
  for (int r = 0; r < kc; r++, p += PANEL) {
    v128_t b0 = wasm_v128_load(p), b1 = wasm_v128_load(p + 4);
    v128_t x = wasm_f32x4_splat(a0[r]);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = wasm_f32x4_splat(a1[r]);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = wasm_f32x4_splat(a2[r]);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = wasm_f32x4_splat(a3[r]);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
  }
  store_tile_row(c, c00, c01, cols, accumulate);
  store_tile_row(c + ldc, c10, c11, cols, accumulate);
  store_tile_row(c + 2 * ldc, c20, c21, cols, accumulate);
  store_tile_row(c + 3 * ldc, c30, c31, cols, accumulate);
}

/* The 1 x 8 tile for the rows left over when m is not a multiple of 4. */
static void kernel_1x8(float *c, const float *a, const float *p, int kc, int cols, int accumulate) {
  v128_t c0 = wasm_f32x4_splat(0), c1 = c0;
  for (int r = 0; r < kc; r++, p += PANEL) {
    v128_t x = wasm_f32x4_splat(a[r]);
    c0 = madd(x, wasm_v128_load(p), c0);
    c1 = madd(x, wasm_v128_load(p + 4), c1);
  }
  store_tile_row(c, c0, c1, cols, accumulate);
}

/* C (m x n, row stride ldc) = or += A (m x k, row stride lda) @ B, B packed by pack_rows/pack_cols. */
void EXPORT(gemm_packed)(float *c, int ldc, const float *a, int lda, const float *bp, int m, int n, int k, int accumulate) {
  for (int k0 = 0; k0 < k; k0 += KC) {
    int kc = k - k0 < KC ? k - k0 : KC;
    int acc = accumulate || k0 > 0;
    for (int j0 = 0; j0 < n; j0 += PANEL) {
      const float *panel = bp + (long)(j0 / PANEL) * k * PANEL + (long)k0 * PANEL;
      int cols = n - j0 < PANEL ? n - j0 : PANEL;
      int i = 0;
      for (; i + 4 <= m; i += 4) kernel_4x8(c + (long)i * ldc + j0, ldc, a + (long)i * lda + k0, lda, panel, kc, cols, acc);
      for (; i < m; i++) kernel_1x8(c + (long)i * ldc + j0, a + (long)i * lda + k0, panel, kc, cols, acc);
    }
  }
}

/* dst (cols x rows) = transpose of src (rows x cols). */
void EXPORT(transpose)(float *dst, const float *src, int rows, int cols) {
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < cols; c++) dst[(long)c * rows + r] = src[(long)r * cols + c];
}

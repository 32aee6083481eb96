/*
 * Convolution forward and backward for images [n0, n1) of a batch (a thread's share), grouped or
 * not, as im2col + the packed GEMM of gemm.c. Depthwise convs (one input channel per group) are in
 * depthwise.c, the forward in conv_forward.c. Scratch sizes per thread are computed by src/kernels/wasm/conv2d-wasm.ts.
 *
 * - conv_backward_input: dx_n = col2im(W^T @ dy_n)
 * - conv_backward_weight: for each chunk c of `chunk` images, dw_part[c] = sum_n (dy_n @ im2col(x_n)^T)^T,
 *   im2col read in place from the phase image (im2col.c),
 *   and db_part[c] = sum_n sum_p dy_n: partial sums per fixed chunk, added in chunk order by
 *   sum_parts, so the result is the same whatever the number of threads.
 * (A stride-1 conv's input gradient is itself a conv, of dy with the flipped weights: the
 * TypeScript side runs conv_forward for it; conv_backward_input is for the other strides.)
 */
#include "kernels.h"

void EXPORT(conv_backward_input)(float *dx, const float *dy, const float *w, const ConvGeom *g, int n0, int n1, float *scratch) {
  const int G = g->groups, Cg = g->in_c / G, Mg = g->out_c / G, P = g->out_h * g->out_w;
  const int K = Cg * g->k_h * g->k_w, plane = g->in_h * g->in_w, pointwise = is_pointwise(g);
  const int panels = (P + PANEL - 1) / PANEL;
  float *wt = scratch;                          /* K x Mg: one group's W transposed */
  float *packed = wt + (long)K * Mg;            /* dy_n of the group, packed: panels x Mg x 8 */
  float *dcol = packed + (long)panels * PANEL * Mg; /* K x P */
  for (int grp = 0; grp < G; grp++) {
    transpose(wt, w + (long)grp * Mg * K, Mg, K);
    for (int n = n0; n < n1; n++) {
      float *dxg = dx + ((long)n * g->in_c + (long)grp * Cg) * plane;
      pack_rows(packed, dy + ((long)n * g->out_c + (long)grp * Mg) * P, P, Mg, P);
      if (pointwise) {
        gemm_packed(dxg, P, wt, Mg, packed, K, P, Mg, 0);
      } else {
        gemm_packed(dcol, P, wt, Mg, packed, K, P, Mg, 0);
        for (long i = 0; i < (long)Cg * plane; i++) dxg[i] = 0.0f;
        col2im_add(dxg, dcol, Cg, g);
      }
    }
  }
}

#define MAC(c, x, b) c = madd(x, b, c)

/*
 * dwt[0..rows, 0..cols) (+)= sum over pixels of tap values x dy: rows (1-4) taps read in place
 * from the phase image at off[0..rows), times 8 output channels of dy^T packed (P x 8). A tile of
 * fewer than 4 taps computes the missing rows from tap 0 and does not store them: one pass over
 * the packed dy instead of one per tap.
 */
static void wgrad_tile(float *dwt, int ldc, const float *phases, const int *off, int rows, const float *bp, const ConvGeom *g,
                       int Wq, int cols, int accumulate) {
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const float *a0 = phases + off[0], *a1 = phases + off[rows > 1 ? 1 : 0];
  const float *a2 = phases + off[rows > 2 ? 2 : 0], *a3 = phases + off[rows > 3 ? 3 : 0];
  for (int oh = 0; oh < g->out_h; oh++) {
    const long row = (long)oh * g->stride_h * Wq;
    for (int ow = 0; ow < g->out_w; ow++, bp += PANEL) {
      const long at = row + ow;
      v128_t b0 = wasm_v128_load(bp), b1 = wasm_v128_load(bp + 4), x;
      x = wasm_v128_load32_splat(a0 + at); MAC(c00, x, b0); MAC(c01, x, b1);
      x = wasm_v128_load32_splat(a1 + at); MAC(c10, x, b0); MAC(c11, x, b1);
      x = wasm_v128_load32_splat(a2 + at); MAC(c20, x, b0); MAC(c21, x, b1);
      x = wasm_v128_load32_splat(a3 + at); MAC(c30, x, b0); MAC(c31, x, b1);
    }
  }
  store_tile_row(dwt, c00, c01, cols, accumulate);
  if (rows > 1) store_tile_row(dwt + ldc, c10, c11, cols, accumulate);
  if (rows > 2) store_tile_row(dwt + 2 * ldc, c20, c21, cols, accumulate);
  if (rows > 3) store_tile_row(dwt + 3 * ldc, c30, c31, cols, accumulate);
}

/*
 * scratch: the phase image (Cg x stride_w x Hp x Wq), K tap offsets, then dy_g^T packed into
 * panels of 8 output channels (P deep). dw_parts[c] holds each group's gradient transposed
 * (K x Mg): dW_g^T = im2col(x_n) @ dy_g^T, the column matrix read in place from the phase image
 * (never built), each element's sum over pixels in order; conv_weight_grad_finish transposes
 * the chunks' total back.
 */
void EXPORT(conv_backward_weight)(float *dw_parts, float *db_parts, const float *dy, const float *in, const ConvGeom *g,
                                  int chunk0, int chunk1, int chunk, float *scratch) {
  const int G = g->groups, Cg = g->in_c / G, Mg = g->out_c / G, P = g->out_h * g->out_w;
  const int K = Cg * g->k_h * g->k_w, plane = g->in_h * g->in_w;
  const long wsize = (long)g->out_c * K;
  const Phases f = phase_size(g);
  float *phases = scratch;
  int *off = (int *)(phases + (long)Cg * g->stride_w * f.Hp * f.Wq);
  float *packed = (float *)(off + ((K + 3) & ~3));
  tap_offsets(off, Cg, g, f.Hp, f.Wq);
  for (int c = chunk0; c < chunk1; c++) {
    int first = c * chunk, last = first + chunk < g->batch ? first + chunk : g->batch;
    float *dwt = dw_parts + c * wsize;
    for (int n = first; n < last; n++) {
      for (int grp = 0; grp < G; grp++) {
        phase_image(phases, in + ((long)n * g->in_c + (long)grp * Cg) * plane, Cg, g, f.Hp, f.Wq);
        pack_cols(packed, dy + ((long)n * g->out_c + (long)grp * Mg) * P, P, P, Mg);
        float *dg = dwt + (long)grp * Mg * K;
        for (int m0 = 0; m0 < Mg; m0 += PANEL) {
          const float *bp = packed + (long)(m0 / PANEL) * P * PANEL;
          const int cols = Mg - m0 < PANEL ? Mg - m0 : PANEL;
          for (int r = 0; r < K; r += 4)
            wgrad_tile(dg + (long)r * Mg + m0, Mg, phases, off + r, K - r < 4 ? K - r : 4, bp, g, f.Wq, cols, n > first);
        }
      }
      if (db_parts) {
        float *db = db_parts + (long)c * g->out_c;
        for (int m = 0; m < g->out_c; m++) {
          const float *row = dy + ((long)n * g->out_c + m) * P;
          v128_t acc = wasm_f32x4_splat(0);
          int p = 0;
          for (; p + 4 <= P; p += 4) acc = wasm_f32x4_add(acc, wasm_v128_load(row + p));
          float s = (wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1)) +
                    (wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3));
          for (; p < P; p++) s += row[p];
          db[m] = n > first ? db[m] + s : s;
        }
      }
    }
  }
}

/* dw (per group Mg x K) = the transpose of each group's K x Mg block of dwt. */
void EXPORT(conv_weight_grad_finish)(float *dw, const float *dwt, const ConvGeom *g) {
  const int G = g->groups, Mg = g->out_c / G, K = (g->in_c / G) * g->k_h * g->k_w;
  for (int grp = 0; grp < G; grp++) transpose(dw + (long)grp * Mg * K, dwt + (long)grp * Mg * K, K, Mg);
}

/* dst (len) = parts[0] + parts[1] + ... + parts[count-1], added in that order. */
void EXPORT(sum_parts)(float *dst, const float *parts, int count, int len) {
  for (int i = 0; i < len; i++) dst[i] = parts[i];
  for (int c = 1; c < count; c++) {
    const float *src = parts + (long)c * len;
    int i = 0;
    for (; i + 4 <= len; i += 4) wasm_v128_store(dst + i, wasm_f32x4_add(wasm_v128_load(dst + i), wasm_v128_load(src + i)));
    for (; i < len; i++) dst[i] += src[i];
  }
}

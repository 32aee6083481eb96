/*
 * Convolution forward and backward for images [n0, n1) of a batch (a thread's share), grouped or
 * not, as im2col + the packed GEMM of gemm.c. Depthwise convs (one input channel per group) are in
 * depthwise.c. Scratch sizes per thread are computed by src/kernels/wasm/conv2d-wasm.ts.
 *
 * - conv_forward:        out_n = W @ im2col(x_n) + b
 * - conv_backward_input: dx_n = col2im(W^T @ dy_n)
 * - conv_backward_weight: for each chunk c of `chunk` images, dw_part[c] = sum_n dy_n @ im2col(x_n)^T
 *   and db_part[c] = sum_n sum_p dy_n: partial sums per fixed chunk, added in chunk order by
 *   sum_parts, so the result is the same whatever the number of threads.
 */
#include "kernels.h"

static int is_pointwise(const ConvGeom *g) {
  return g->k_h == 1 && g->k_w == 1 && g->stride_h == 1 && g->stride_w == 1 && g->pad_t == 0 && g->pad_l == 0 &&
         g->out_h == g->in_h && g->out_w == g->in_w;
}

/* out (rows, pixels) += bias[row] on every pixel of the row. */
static void add_row_bias(float *out, const float *bias, int rows, int pixels) {
  for (int r = 0; r < rows; r++) {
    float *row = out + (long)r * pixels;
    v128_t b = wasm_f32x4_splat(bias[r]);
    int p = 0;
    for (; p + 4 <= pixels; p += 4) wasm_v128_store(row + p, wasm_f32x4_add(wasm_v128_load(row + p), b));
    for (; p < pixels; p++) row[p] += bias[r];
  }
}

void EXPORT(conv_forward)(float *out, const float *in, const float *w, const float *bias, const ConvGeom *g, int n0, int n1, float *scratch) {
  const int G = g->groups, Cg = g->in_c / G, Mg = g->out_c / G, P = g->out_h * g->out_w;
  const int K = Cg * g->k_h * g->k_w, plane = g->in_h * g->in_w, pointwise = is_pointwise(g);
  for (int n = n0; n < n1; n++) {
    for (int grp = 0; grp < G; grp++) {
      const float *x = in + ((long)n * g->in_c + (long)grp * Cg) * plane;
      if (pointwise) pack_rows(scratch, x, P, K, P);
      else im2col_packed(scratch, x, Cg, g);
      float *y = out + ((long)n * g->out_c + (long)grp * Mg) * P;
      gemm_packed(y, P, w + (long)grp * Mg * K, K, scratch, Mg, P, K, 0);
      if (bias) add_row_bias(y, bias + grp * Mg, Mg, P);
    }
  }
}

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

void EXPORT(conv_backward_weight)(float *dw_parts, float *db_parts, const float *dy, const float *in, const ConvGeom *g,
                                  int chunk0, int chunk1, int chunk, float *scratch) {
  const int G = g->groups, Cg = g->in_c / G, Mg = g->out_c / G, P = g->out_h * g->out_w;
  const int K = Cg * g->k_h * g->k_w, plane = g->in_h * g->in_w, pointwise = is_pointwise(g);
  const long wsize = (long)g->out_c * K;
  float *col = scratch;                              /* K x P, plain */
  float *packed = col + (pointwise ? 0 : (long)K * P); /* im2col^T packed: panels over K, depth P */
  for (int c = chunk0; c < chunk1; c++) {
    int first = c * chunk, last = first + chunk < g->batch ? first + chunk : g->batch;
    float *dw = dw_parts + c * wsize;
    for (int n = first; n < last; n++) {
      for (int grp = 0; grp < G; grp++) {
        const float *x = in + ((long)n * g->in_c + (long)grp * Cg) * plane;
        const float *dyg = dy + ((long)n * g->out_c + (long)grp * Mg) * P;
        if (pointwise) {
          pack_cols(packed, x, P, P, K);
        } else {
          im2col_plain(col, x, Cg, g);
          pack_cols(packed, col, P, P, K);
        }
        /* dw_g (Mg x K) (+)= dy_g (Mg x P) @ col^T (P x K) */
        gemm_packed(dw + (long)grp * Mg * K, K, dyg, P, packed, Mg, K, P, n > first);
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

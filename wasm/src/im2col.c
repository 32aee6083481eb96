/*
 * im2col and its adjoint col2im for one image (and one group of channels): row (c, kh, kw) of the
 * column matrix holds the input pixels that kernel tap meets at each output position, zero where
 * the tap falls in the padding. Two layouts: plain (K x P row-major, P = out_h * out_w) and packed
 * straight into the GEMM's panels (see gemm.c), which saves the packing pass in the forward conv.
 */
#include "kernels.h"

static inline int ceil_div_nonneg(int a, int b) { return a <= 0 ? 0 : (a + b - 1) / b; }

/* Output columns [lo, hi) whose tap at input offset `offset` lands inside [0, size). */
static inline void inside_range(int offset, int size, int stride, int out, int *lo, int *hi) {
  int l = ceil_div_nonneg(-offset, stride);
  int h = size - 1 - offset < 0 ? 0 : (size - 1 - offset) / stride + 1;
  if (l > out) l = out;
  if (h > out) h = out;
  if (h < l) h = l;
  *lo = l;
  *hi = h;
}

/* Where element (row, p) of the column matrix goes in either layout. */
static inline long col_index(int packed, int row, int p, int rows, int pixels) {
  return packed ? (long)(p / PANEL) * rows * PANEL + (long)row * PANEL + (p % PANEL) : (long)row * pixels + p;
}

static inline __attribute__((always_inline)) void im2col_any(float *col, const float *in, int channels, const ConvGeom *g, int packed) {
  const int H = g->in_h, W = g->in_w, oH = g->out_h, oW = g->out_w, P = oH * oW;
  const int rows = channels * g->k_h * g->k_w;
  int row = 0;
  for (int c = 0; c < channels; c++) {
    const float *plane = in + (long)c * H * W;
    for (int kh = 0; kh < g->k_h; kh++) {
      for (int kw = 0; kw < g->k_w; kw++, row++) {
        int iw_off = kw * g->dil_w - g->pad_l, lo, hi;
        inside_range(iw_off, W, g->stride_w, oW, &lo, &hi);
        for (int oh = 0; oh < oH; oh++) {
          int ih = oh * g->stride_h - g->pad_t + kh * g->dil_h;
          int p = oh * oW;
          if (ih < 0 || ih >= H) {
            for (int ow = 0; ow < oW; ow++) col[col_index(packed, row, p + ow, rows, P)] = 0.0f;
            continue;
          }
          const float *src = plane + (long)ih * W + iw_off;
          for (int ow = 0; ow < lo; ow++) col[col_index(packed, row, p + ow, rows, P)] = 0.0f;
          if (!packed && g->stride_w == 1) {
            float *dst = col + (long)row * P + p;
            for (int ow = lo; ow < hi; ow++) dst[ow] = src[ow];
          } else {
            for (int ow = lo; ow < hi; ow++) col[col_index(packed, row, p + ow, rows, P)] = src[ow * g->stride_w];
          }
          for (int ow = hi; ow < oW; ow++) col[col_index(packed, row, p + ow, rows, P)] = 0.0f;
        }
      }
    }
  }
  if (packed && P % PANEL) {
    /* The lanes of the last panel past P must be zero: the GEMM reads them. */
    float *last = col + (long)(P / PANEL) * rows * PANEL;
    for (int r = 0; r < rows; r++)
      for (int j = P % PANEL; j < PANEL; j++) last[r * PANEL + j] = 0.0f;
  }
}

void EXPORT(im2col_plain)(float *col, const float *in, int channels, const ConvGeom *g) { im2col_any(col, in, channels, g, 0); }
void EXPORT(im2col_packed)(float *col, const float *in, int channels, const ConvGeom *g) { im2col_any(col, in, channels, g, 1); }

/* in_grad (channels, H, W) += the adjoint of im2col_plain applied to col (K x P). */
void EXPORT(col2im_add)(float *in_grad, const float *col, int channels, const ConvGeom *g) {
  const int H = g->in_h, W = g->in_w, oH = g->out_h, oW = g->out_w, P = oH * oW;
  int row = 0;
  for (int c = 0; c < channels; c++) {
    float *plane = in_grad + (long)c * H * W;
    for (int kh = 0; kh < g->k_h; kh++) {
      for (int kw = 0; kw < g->k_w; kw++, row++) {
        int iw_off = kw * g->dil_w - g->pad_l, lo, hi;
        inside_range(iw_off, W, g->stride_w, oW, &lo, &hi);
        for (int oh = 0; oh < oH; oh++) {
          int ih = oh * g->stride_h - g->pad_t + kh * g->dil_h;
          if (ih < 0 || ih >= H) continue;
          float *dst = plane + (long)ih * W + iw_off;
          const float *src = col + (long)row * P + (long)oh * oW;
          for (int ow = lo; ow < hi; ow++) dst[ow * g->stride_w] += src[ow];
        }
      }
    }
  }
}

/*
 * im2col and its adjoint col2im for one image (and one group of channels): row (c, kh, kw) of the
 * column matrix holds the input pixels that kernel tap meets at each output position, zero where
 * the tap falls in the padding. Two layouts: plain (K x P row-major, P = out_h * out_w) and packed
 * straight into the GEMM's panels (see gemm.c), which saves the packing pass in the forward conv.
 * And the phase image, which lets the kernels read every tap in place instead (phase_image).
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

/*
 * A cursor over one row of the column matrix in either layout: in the packed one, consecutive
 * pixels are consecutive floats within a panel, and the next panel is rows x PANEL floats on.
 */
typedef struct {
  float *at;
  int lane, jump;
} Cursor;

static inline Cursor cursor(float *col, int packed, int row, int p, int rows, int pixels) {
  Cursor c;
  if (packed) {
    c.at = col + (long)(p / PANEL) * rows * PANEL + (long)row * PANEL + (p % PANEL);
    c.lane = p % PANEL;
    c.jump = (rows - 1) * PANEL;
  } else {
    c.at = col + (long)row * pixels + p;
    c.lane = 0;
    c.jump = 0;
  }
  return c;
}

static inline void put(Cursor *c, int packed, float v) {
  *c->at++ = v;
  if (packed && ++c->lane == PANEL) {
    c->lane = 0;
    c->at += c->jump;
  }
}

static inline __attribute__((always_inline)) void im2col_any(float *col, const float *in, int channels, const ConvGeom *g, int packed) {
  const int H = g->in_h, W = g->in_w, oH = g->out_h, oW = g->out_w, P = oH * oW, sw = g->stride_w;
  const int rows = channels * g->k_h * g->k_w;
  int row = 0;
  for (int c = 0; c < channels; c++) {
    const float *plane = in + (long)c * H * W;
    for (int kh = 0; kh < g->k_h; kh++) {
      for (int kw = 0; kw < g->k_w; kw++, row++) {
        int iw_off = kw * g->dil_w - g->pad_l, lo, hi;
        inside_range(iw_off, W, sw, oW, &lo, &hi);
        Cursor cur = cursor(col, packed, row, 0, rows, P);
        for (int oh = 0; oh < oH; oh++) {
          int ih = oh * g->stride_h - g->pad_t + kh * g->dil_h;
          if (ih < 0 || ih >= H) {
            for (int ow = 0; ow < oW; ow++) put(&cur, packed, 0.0f);
            continue;
          }
          const float *src = plane + (long)ih * W + iw_off;
          int ow = 0;
          for (; ow < lo; ow++) put(&cur, packed, 0.0f);
          if (sw == 1) {
            /* Whole panel rows straight from the input row, two vectors at a time. */
            for (; ow < hi && packed && cur.lane != 0; ow++) put(&cur, packed, src[ow]);
            for (; ow + PANEL <= hi; ow += PANEL) {
              wasm_v128_store(cur.at, wasm_v128_load(src + ow));
              wasm_v128_store(cur.at + 4, wasm_v128_load(src + ow + 4));
              cur.at += PANEL + cur.jump;
            }
          }
          for (; ow < hi; ow++) put(&cur, packed, src[ow * sw]);
          for (; ow < oW; ow++) put(&cur, packed, 0.0f);
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
/* One tap's value at output pixel (oh, ow), zero in the padding. */
static inline float tap(const float *plane, const ConvGeom *g, int oh, int ow, int kh, int kw) {
  int ih = oh * g->stride_h - g->pad_t + kh * g->dil_h, iw = ow * g->stride_w - g->pad_l + kw * g->dil_w;
  return ih >= 0 && ih < g->in_h && iw >= 0 && iw < g->in_w ? plane[(long)ih * g->in_w + iw] : 0.0f;
}

/*
 * One panel of im2col straight into the GEMM's layout: pixels [p0, p0 + PANEL) of every row
 * (c, kh, kw), col[row][8], zero past the last pixel. The writes are sequential, and the eight
 * pixels of a panel that lie in one output row read eight input pixels of one row (stride 1: two
 * vector loads; stride 2: four loads and two shuffles).
 */
void im2col_panel(float *col, const float *in, int channels, const ConvGeom *g, int p0) {
  const int oW = g->out_w, P = g->out_h * oW, sw = g->stride_w, W = g->in_w;
  const int oh = p0 / oW, ow0 = p0 % oW, one_row = ow0 + PANEL <= oW;
  for (int c = 0; c < channels; c++) {
    const float *plane = in + (long)c * g->in_h * W;
    for (int kh = 0; kh < g->k_h; kh++) {
      const int ih = oh * g->stride_h - g->pad_t + kh * g->dil_h, row_inside = ih >= 0 && ih < g->in_h;
      for (int kw = 0; kw < g->k_w; kw++, col += PANEL) {
        const int iw0 = ow0 * sw - g->pad_l + kw * g->dil_w;
        if (one_row && row_inside && iw0 >= 0 && iw0 + (PANEL - 1) * sw < W && sw <= 2) {
          const float *src = plane + (long)ih * W + iw0;
          if (sw == 1) {
            wasm_v128_store(col, wasm_v128_load(src));
            wasm_v128_store(col + 4, wasm_v128_load(src + 4));
          } else {
            /* Reads one float past the last tap: still inside linear memory (see conv2d-wasm.ts). */
            wasm_v128_store(col, wasm_i32x4_shuffle(wasm_v128_load(src), wasm_v128_load(src + 4), 0, 2, 4, 6));
            wasm_v128_store(col + 4, wasm_i32x4_shuffle(wasm_v128_load(src + 8), wasm_v128_load(src + 12), 0, 2, 4, 6));
          }
        } else if (one_row && !row_inside) {
          wasm_v128_store(col, wasm_f32x4_splat(0));
          wasm_v128_store(col + 4, wasm_f32x4_splat(0));
        } else if (one_row) {
          /* A panel that reaches into the left or right padding. */
          const float *src = plane + (long)ih * W;
          for (int j = 0, iw = iw0; j < PANEL; j++, iw += sw) col[j] = iw >= 0 && iw < W ? src[iw] : 0.0f;
        } else {
          int h = oh, w = ow0;
          for (int j = 0; j < PANEL; j++) {
            col[j] = p0 + j < P ? tap(plane, g, h, w, kh, kw) : 0.0f;
            if (++w == oW) w = 0, h++;
          }
        }
      }
    }
  }
}

/* The whole column matrix in panels: panel after panel, each rows x PANEL floats. */
void EXPORT(im2col_packed)(float *col, const float *in, int channels, const ConvGeom *g) {
  const int P = g->out_h * g->out_w, rows = channels * g->k_h * g->k_w;
  for (int p0 = 0; p0 < P; p0 += PANEL, col += (long)rows * PANEL) im2col_panel(col, in, channels, g, p0);
}

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

/*
 * The padded image split into column phases: plane (c, ph) row r holds padded columns ph,
 * ph + s, ph + 2s, ... (s = stride_w), zero where they meet the padding. Output column ow of tap
 * kw reads padded column s*ow + kw*dil_w: phase (kw*dil_w) % s, position ow + (kw*dil_w) / s, so
 * eight neighbouring outputs read eight consecutive floats whatever the stride.
 */
void phase_image(float *dst, const float *x, int channels, const ConvGeom *g, int Hp, int Wq) {
  const int s = g->stride_w;
  for (int c = 0; c < channels; c++) {
    const float *plane = x + (long)c * g->in_h * g->in_w;
    for (int ph = 0; ph < s; ph++) {
      for (int r = 0; r < Hp; r++, dst += Wq) {
        const int ih = r - g->pad_t;
        if (ih < 0 || ih >= g->in_h) {
          for (int q = 0; q < Wq; q++) dst[q] = 0.0f;
          continue;
        }
        const float *row = plane + (long)ih * g->in_w;
        if (s == 1) {
          /* Zeros, the row from column pad_l (clipped to Wq) four at a time, zeros. */
          const int lo = g->pad_l < 0 ? 0 : g->pad_l < Wq ? g->pad_l : Wq;
          const int end = g->pad_l + g->in_w, hi = end < Wq ? end : Wq;
          const float *src = row - g->pad_l;
          int q = 0;
          for (; q < lo; q++) dst[q] = 0.0f;
          for (; q + 4 <= hi; q += 4) wasm_v128_store(dst + q, wasm_v128_load(src + q));
          for (; q < hi; q++) dst[q] = src[q];
          for (; q < Wq; q++) dst[q] = 0.0f;
          continue;
        }
        int q = 0, iw = ph - g->pad_l;
        if (s == 2) {
          /* Up to the first column inside the row, then four at a time from two vectors (the even
           * lanes) while all eight floats read lie in the row, then the rest one by one. */
          for (; q < Wq && iw < 0; q++, iw += 2) dst[q] = 0.0f;
          for (; q + 4 <= Wq && iw + 8 <= g->in_w; q += 4, iw += 8)
            wasm_v128_store(dst + q, wasm_i32x4_shuffle(wasm_v128_load(row + iw), wasm_v128_load(row + iw + 4), 0, 2, 4, 6));
        }
        for (; q < Wq; q++, iw += s) dst[q] = iw >= 0 && iw < g->in_w ? row[iw] : 0.0f;
      }
    }
  }
}

/* Tap r = (c, kh, kw)'s offset from a panel's base in the phase image. */
void tap_offsets(int *off, int channels, const ConvGeom *g, int Hp, int Wq) {
  const int s = g->stride_w;
  for (int c = 0, r = 0; c < channels; c++)
    for (int kh = 0; kh < g->k_h; kh++)
      for (int kw = 0; kw < g->k_w; kw++) {
        const int col = kw * g->dil_w;
        off[r++] = ((c * s + col % s) * Hp + kh * g->dil_h) * Wq + col / s;
      }
}

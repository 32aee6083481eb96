/*
 * Max and average pooling, forward and backward, over planes [p0, p1) (a plane is one channel of
 * one image), with the semantics of src/kernels/pool2d.ts: dilated, padded windows; max ignores
 * the padding, picks the first maximum and lets NaN never win (onnxruntime); average divides by
 * the taps inside the input, or with count_include_pad by those inside the explicit padding.
 * Max-pool backward recomputes the window's first maximum rather than storing indices.
 */
#include "kernels.h"

#define LOWEST_FLOAT32 (-3.4028234663852886e38f)

static inline int floor_div(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
static inline int ceil_div(int a, int b) { return -floor_div(-a, b); }

/* Taps [lo, hi) of a window starting at `start` whose positions fall inside [from, to). */
static inline void tap_range(int start, int from, int to, int kernel, int dil, int *lo, int *hi) {
  int l = ceil_div(from - start, dil);
  if (l < 0) l = 0;
  if (l > kernel) l = kernel;
  int h = floor_div(to - 1 - start, dil) + 1;
  if (h > kernel) h = kernel;
  if (h < l) h = l;
  *lo = l;
  *hi = h;
}

void EXPORT(max_pool_forward)(float *out, const float *in, const PoolGeom *g, int p0, int p1) {
  const int H = g->in_h, W = g->in_w, oH = g->out_h, oW = g->out_w;
  for (int pl = p0; pl < p1; pl++) {
    const float *plane = in + (long)pl * H * W;
    for (int oh = 0; oh < oH; oh++) {
      int ih0 = oh * g->stride_h - g->pad_t, khl, khh;
      tap_range(ih0, 0, H, g->k_h, g->dil_h, &khl, &khh);
      for (int ow = 0; ow < oW; ow++) {
        int iw0 = ow * g->stride_w - g->pad_l, kwl, kwh;
        tap_range(iw0, 0, W, g->k_w, g->dil_w, &kwl, &kwh);
        float best = LOWEST_FLOAT32;
        for (int kh = khl; kh < khh; kh++) {
          const float *row = plane + (long)(ih0 + kh * g->dil_h) * W + iw0;
          for (int kw = kwl; kw < kwh; kw++) {
            float v = row[kw * g->dil_w];
            if (v > best) best = v;
          }
        }
        out[((long)pl * oH + oh) * oW + ow] = best;
      }
    }
  }
}

/* dx (planes, H, W) = each dy routed to its window's first maximum in `in` (dx is overwritten). */
void EXPORT(max_pool_backward)(float *dx, const float *dy, const float *in, const PoolGeom *g, int p0, int p1) {
  const int H = g->in_h, W = g->in_w, oH = g->out_h, oW = g->out_w;
  for (int pl = p0; pl < p1; pl++) {
    const float *plane = in + (long)pl * H * W;
    float *grad = dx + (long)pl * H * W;
    for (int i = 0; i < H * W; i++) grad[i] = 0.0f;
    for (int oh = 0; oh < oH; oh++) {
      int ih0 = oh * g->stride_h - g->pad_t, khl, khh;
      tap_range(ih0, 0, H, g->k_h, g->dil_h, &khl, &khh);
      for (int ow = 0; ow < oW; ow++) {
        int iw0 = ow * g->stride_w - g->pad_l, kwl, kwh;
        tap_range(iw0, 0, W, g->k_w, g->dil_w, &kwl, &kwh);
        float best = LOWEST_FLOAT32;
        long at = -1;
        for (int kh = khl; kh < khh; kh++) {
          long row = (long)(ih0 + kh * g->dil_h) * W + iw0;
          for (int kw = kwl; kw < kwh; kw++) {
            float v = plane[row + kw * g->dil_w];
            if (v > best) {
              best = v;
              at = row + kw * g->dil_w;
            }
          }
        }
        if (at >= 0) grad[at] += dy[((long)pl * oH + oh) * oW + ow];
      }
    }
  }
}

/* The divisor of output (oh, ow): taps inside the input, or inside the explicit padding. */
static inline int window_count(const PoolGeom *g, int ih0, int iw0, int khl, int khh, int kwl, int kwh) {
  if (!g->count_include_pad) return (khh - khl) * (kwh - kwl);
  int phl, phh, pwl, pwh;
  tap_range(ih0, -g->pad_t, g->in_h + g->pad_b, g->k_h, g->dil_h, &phl, &phh);
  tap_range(iw0, -g->pad_l, g->in_w + g->pad_r, g->k_w, g->dil_w, &pwl, &pwh);
  return (phh - phl) * (pwh - pwl);
}

void EXPORT(avg_pool_forward)(float *out, const float *in, const PoolGeom *g, int p0, int p1) {
  const int H = g->in_h, W = g->in_w, oH = g->out_h, oW = g->out_w;
  for (int pl = p0; pl < p1; pl++) {
    const float *plane = in + (long)pl * H * W;
    for (int oh = 0; oh < oH; oh++) {
      int ih0 = oh * g->stride_h - g->pad_t, khl, khh;
      tap_range(ih0, 0, H, g->k_h, g->dil_h, &khl, &khh);
      for (int ow = 0; ow < oW; ow++) {
        int iw0 = ow * g->stride_w - g->pad_l, kwl, kwh;
        tap_range(iw0, 0, W, g->k_w, g->dil_w, &kwl, &kwh);
        float sum = 0.0f;
        for (int kh = khl; kh < khh; kh++) {
          const float *row = plane + (long)(ih0 + kh * g->dil_h) * W + iw0;
          for (int kw = kwl; kw < kwh; kw++) sum += row[kw * g->dil_w];
        }
        int count = window_count(g, ih0, iw0, khl, khh, kwl, kwh);
        out[((long)pl * oH + oh) * oW + ow] = count > 0 ? sum / (float)count : __builtin_nanf("");
      }
    }
  }
}

/* dx (planes, H, W) = each dy / count spread over its window's taps inside the input. */
void EXPORT(avg_pool_backward)(float *dx, const float *dy, const PoolGeom *g, int p0, int p1) {
  const int H = g->in_h, W = g->in_w, oH = g->out_h, oW = g->out_w;
  for (int pl = p0; pl < p1; pl++) {
    float *grad = dx + (long)pl * H * W;
    for (int i = 0; i < H * W; i++) grad[i] = 0.0f;
    for (int oh = 0; oh < oH; oh++) {
      int ih0 = oh * g->stride_h - g->pad_t, khl, khh;
      tap_range(ih0, 0, H, g->k_h, g->dil_h, &khl, &khh);
      for (int ow = 0; ow < oW; ow++) {
        int iw0 = ow * g->stride_w - g->pad_l, kwl, kwh;
        tap_range(iw0, 0, W, g->k_w, g->dil_w, &kwl, &kwh);
        int count = window_count(g, ih0, iw0, khl, khh, kwl, kwh);
        if (count <= 0) continue;
        float share = dy[((long)pl * oH + oh) * oW + ow] / (float)count;
        for (int kh = khl; kh < khh; kh++) {
          float *row = grad + (long)(ih0 + kh * g->dil_h) * W + iw0;
          for (int kw = kwl; kw < kwh; kw++) row[kw * g->dil_w] += share;
        }
      }
    }
  }
}

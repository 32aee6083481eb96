/*
 * Depthwise convolution (in_c == groups; out_c = groups x multiplier), forward and backward, for
 * images [n0, n1). The forward and the input gradient go tap by tap over shifted rows; the weight
 * gradient is one long dot product per tap over a phase image of the channel and dy on its grid. Weight gradients are partial sums per fixed chunk of images, as in
 * conv.c, so the result does not depend on the number of threads.
 */
#include "kernels.h"

static float dot(const float *a, const float *b, int len) {
  v128_t acc = wasm_f32x4_splat(0);
  int i = 0;
  for (; i + 4 <= len; i += 4) acc = madd(wasm_v128_load(a + i), wasm_v128_load(b + i), acc);
  float s = (wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1)) +
            (wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3));
  for (; i < len; i++) s += a[i] * b[i];
  return s;
}

/* Output columns [lo, hi) whose tap at input offset `offset` lands inside [0, size). */
static inline void inside(int offset, int size, int stride, int out, int *lo, int *hi) {
  int l = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  int h = size - 1 - offset < 0 ? 0 : (size - 1 - offset) / stride + 1;
  if (l > out) l = out;
  if (h > out) h = out;
  *lo = l;
  *hi = h < l ? l : h;
}

/* y = clamp(y) per element (the fused Relu/Clip), NaN passing through. */
static void clamp_plane(float *y, int len, float lo, float hi) {
  const v128_t l = wasm_f32x4_splat(lo), h = wasm_f32x4_splat(hi);
  int i = 0;
  for (; i + 4 <= len; i += 4) wasm_v128_store(y + i, wasm_f32x4_pmin(wasm_f32x4_pmax(wasm_v128_load(y + i), l), h));
  for (; i < len; i++) y[i] = y[i] < lo ? lo : y[i] > hi ? hi : y[i];
}

/*
 * One channel's padded image split into column phases (as phase_image in im2col.c) with a row
 * pitch of `pitch` >= Wq floats, zero past column Wq: a tap's reads that run past an output row
 * then meet zeros, not the next row.
 */
static void phase_plane(float *dst, const float *plane, const ConvGeom *g, int Hp, int Wq, int pitch) {
  const int s = g->stride_w;
  for (int ph = 0; ph < s; ph++) {
    for (int r = 0; r < Hp; r++, dst += pitch) {
      const int ih = r - g->pad_t;
      const float *row = plane + (long)ih * g->in_w;
      for (int q = 0, iw = ph - g->pad_l; q < pitch; q++, iw += s)
        dst[q] = q < Wq && ih >= 0 && ih < g->in_h && iw >= 0 && iw < g->in_w ? row[iw] : 0.0f;
    }
  }
}

/*
 * Narrow stride-1 planes (DS-CNN's are 5 wide) as one long run: the output is computed on the
 * padded grid (row pitch `pitch`), where every tap is the input grid shifted by a constant, so
 * each tap is one vector loop over the whole plane; the grid's extra columns are then dropped.
 * Same order of additions as the row-by-row loop: the bias, then the taps in (kh, kw) order.
 */
static void depthwise_plane_flat(float *y, const float *x, const float *wm, float b, const ConvGeom *g, float *scratch) {
  const int reach = (g->k_w - 1) * g->dil_w, Hp = g->out_h + (g->k_h - 1) * g->dil_h;
  const int Wq = g->out_w + reach, pitch = Wq + reach, len = g->out_h * pitch;
  float *phases = scratch, *grid = scratch + (long)(Hp + 1) * pitch;
  phase_plane(phases, x, g, Hp, Wq, pitch);
  const v128_t bv = wasm_f32x4_splat(b);
  for (int q = 0; q < len; q += 4) wasm_v128_store(grid + q, bv);
  for (int kh = 0, k = 0; kh < g->k_h; kh++) {
    for (int kw = 0; kw < g->k_w; kw++, k++) {
      const float *a = phases + (long)kh * g->dil_h * pitch + kw * g->dil_w;
      const v128_t wv = wasm_f32x4_splat(wm[k]);
      for (int q = 0; q < len; q += 4)
        wasm_v128_store(grid + q, madd(wv, wasm_v128_load(a + q), wasm_v128_load(grid + q)));
    }
  }
  for (int oh = 0; oh < g->out_h; oh++)
    for (int ow = 0; ow < g->out_w; ow++) y[(long)oh * g->out_w + ow] = grid[(long)oh * pitch + ow];
}

/* Whether depthwise_forward takes the flat path (depthwiseForwardScratch in conv-call.ts sizes it). */
static int flat_path(const ConvGeom *g) {
  return g->stride_h == 1 && g->stride_w == 1 && g->out_w < 16;
}

/*
 * Direct, tap by tap: the output plane starts at the bias and each of the kh*kw taps adds
 * w * (the input shifted by the tap) over the columns where the tap lands inside the input, four
 * at a time at stride 1. Every output sums its taps in (kh, kw) order, then is clamped (fused activation).
 */
void EXPORT(depthwise_forward)(float *out, const float *in, const float *w, const float *bias, const ConvGeom *g, int n0, int n1, float *scratch) {
  const int mult = g->out_c / g->groups, H = g->in_h, W = g->in_w, oH = g->out_h, oW = g->out_w, sw = g->stride_w;
  const int flat = flat_path(g);
  for (int n = n0; n < n1; n++) {
    for (int m = 0; m < g->out_c; m++) {
      const float *x = in + ((long)n * g->in_c + m / mult) * H * W;
      float *y = out + ((long)n * g->out_c + m) * oH * oW;
      const float b = bias ? bias[m] : 0.0f;
      if (flat) {
        depthwise_plane_flat(y, x, w + (long)m * g->k_h * g->k_w, b, g, scratch);
        clamp_plane(y, oH * oW, g->act_lo, g->act_hi);
        continue;
      }
      for (int i = 0; i < oH * oW; i++) y[i] = b;
      for (int kh = 0; kh < g->k_h; kh++) {
        for (int kw = 0; kw < g->k_w; kw++) {
          const float wk = w[((long)m * g->k_h + kh) * g->k_w + kw];
          const v128_t wv = wasm_f32x4_splat(wk);
          const int iw_off = kw * g->dil_w - g->pad_l;
          int lo, hi;
          inside(iw_off, W, sw, oW, &lo, &hi);
          for (int oh = 0; oh < oH; oh++) {
            const int ih = oh * g->stride_h - g->pad_t + kh * g->dil_h;
            if (ih < 0 || ih >= H) continue;
            const float *src = x + (long)ih * W + iw_off;
            float *dst = y + (long)oh * oW;
            int ow = lo;
            if (sw == 1)
              for (; ow + 4 <= hi; ow += 4)
                wasm_v128_store(dst + ow, madd(wv, wasm_v128_load(src + ow), wasm_v128_load(dst + ow)));
            for (; ow < hi; ow++) dst[ow] += wk * src[ow * sw];
          }
        }
      }
      clamp_plane(y, oH * oW, g->act_lo, g->act_hi);
    }
  }
}

void EXPORT(depthwise_backward_input)(float *dx, const float *dy, const float *w, const ConvGeom *g, int n0, int n1) {
  const int mult = g->out_c / g->groups, H = g->in_h, W = g->in_w, oH = g->out_h, oW = g->out_w;
  for (int n = n0; n < n1; n++) {
    for (int c = 0; c < g->in_c; c++) {
      float *plane = dx + ((long)n * g->in_c + c) * H * W;
      for (int i = 0; i < H * W; i++) plane[i] = 0.0f;
      for (int m = c * mult; m < (c + 1) * mult; m++) {
        const float *dym = dy + ((long)n * g->out_c + m) * oH * oW;
        for (int kh = 0; kh < g->k_h; kh++) {
          for (int kw = 0; kw < g->k_w; kw++) {
            const float wk = w[((long)m * g->k_h + kh) * g->k_w + kw];
            const int iw_off = kw * g->dil_w - g->pad_l;
            for (int oh = 0; oh < oH; oh++) {
              int ih = oh * g->stride_h - g->pad_t + kh * g->dil_h;
              if (ih < 0 || ih >= H) continue;
              float *dst = plane + (long)ih * W + iw_off;
              const float *src = dym + (long)oh * oW;
              for (int ow = 0; ow < oW; ow++) {
                int iw = iw_off + ow * g->stride_w;
                if (iw >= 0 && iw < W) dst[ow * g->stride_w] += wk * src[ow];
              }
            }
          }
        }
      }
    }
  }
}

/*
 * Weight (and bias) gradient, partial sums per chunk of images. Per channel, the input is laid out
 * as a phase image and dy on the same grid (row pitch `pitch`, stride_h rows apart, zero between),
 * so each tap's gradient is one long dot product of two contiguous runs instead of a short one
 * per output row (DS-CNN's planes are 5 wide). scratch: depthwise_weight_scratch floats.
 */
void EXPORT(depthwise_backward_weight)(float *dw_parts, float *db_parts, const float *dy, const float *in, const ConvGeom *g,
                                       int chunk0, int chunk1, int chunk, float *scratch) {
  const int mult = g->out_c / g->groups, taps = g->k_h * g->k_w, P = g->out_h * g->out_w, plane = g->in_h * g->in_w;
  const int s = g->stride_w, Hp = (g->out_h - 1) * g->stride_h + (g->k_h - 1) * g->dil_h + 1;
  const int reach = (g->k_w - 1) * g->dil_w / s, Wq = g->out_w + reach, pitch = Wq + reach;
  const int rows = (g->out_h - 1) * g->stride_h + 1, len = rows * pitch;
  float *phases = scratch;                               /* s x Hp x pitch, then `pitch` zeros */
  float *grid = phases + (long)(s * Hp + 1) * pitch;     /* rows x pitch */
  for (int i = 0; i < pitch; i++) phases[(long)s * Hp * pitch + i] = 0.0f;
  for (int i = 0; i < len; i++) grid[i] = 0.0f;
  for (int ch = chunk0; ch < chunk1; ch++) {
    int first = ch * chunk, last = first + chunk < g->batch ? first + chunk : g->batch;
    float *dw = dw_parts + (long)ch * g->out_c * taps;
    float *db = db_parts ? db_parts + (long)ch * g->out_c : 0;
    for (int n = first; n < last; n++) {
      for (int c = 0; c < g->in_c; c++) {
        phase_plane(phases, in + ((long)n * g->in_c + c) * plane, g, Hp, Wq, pitch);
        for (int m = c * mult; m < (c + 1) * mult; m++) {
          const float *dym = dy + ((long)n * g->out_c + m) * P;
          for (int oh = 0; oh < g->out_h; oh++)
            for (int ow = 0; ow < g->out_w; ow++) grid[(long)oh * g->stride_h * pitch + ow] = dym[(long)oh * g->out_w + ow];
          for (int kh = 0, k = 0; kh < g->k_h; kh++) {
            for (int kw = 0; kw < g->k_w; kw++, k++) {
              const int col = kw * g->dil_w;
              const float *a = phases + ((long)(col % s) * Hp + kh * g->dil_h) * pitch + col / s;
              float v = dot(a, grid, len);
              dw[(long)m * taps + k] = n > first ? dw[(long)m * taps + k] + v : v;
            }
          }
          if (db) {
            float v = 0.0f;
            for (int p = 0; p < P; p++) v += dym[p];
            db[m] = n > first ? db[m] + v : v;
          }
        }
      }
    }
  }
}

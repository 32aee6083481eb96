/*
 * Depthwise convolution (in_c == groups; out_c = groups x multiplier), forward and backward, for
 * images [n0, n1). im2col of a single channel is only kh*kw rows, so each output channel is a
 * weighted sum of those rows, computed four pixels at a time; the same rows give the weight
 * gradient as dot products. Weight gradients are partial sums per fixed chunk of images, as in
 * conv.c, so the result does not depend on the number of threads.
 */
#include "kernels.h"

static float dot(const float *a, const float *b, int len) {
  v128_t acc = wasm_f32x4_splat(0);
  int i = 0;
  for (; i + 4 <= len; i += 4) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
  float s = (wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1)) +
            (wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3));
  for (; i < len; i++) s += a[i] * b[i];
  return s;
}

void EXPORT(depthwise_forward)(float *out, const float *in, const float *w, const float *bias, const ConvGeom *g, int n0, int n1, float *col) {
  const int mult = g->out_c / g->groups, taps = g->k_h * g->k_w, P = g->out_h * g->out_w, plane = g->in_h * g->in_w;
  for (int n = n0; n < n1; n++) {
    for (int c = 0; c < g->in_c; c++) {
      im2col_plain(col, in + ((long)n * g->in_c + c) * plane, 1, g);
      for (int m = c * mult; m < (c + 1) * mult; m++) {
        float *y = out + ((long)n * g->out_c + m) * P;
        const float *wm = w + (long)m * taps;
        float b = bias ? bias[m] : 0.0f;
        int p = 0;
        for (; p + 4 <= P; p += 4) {
          v128_t acc = wasm_f32x4_splat(b);
          for (int k = 0; k < taps; k++)
            acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_f32x4_splat(wm[k]), wasm_v128_load(col + (long)k * P + p)));
          wasm_v128_store(y + p, acc);
        }
        for (; p < P; p++) {
          float acc = b;
          for (int k = 0; k < taps; k++) acc += wm[k] * col[(long)k * P + p];
          y[p] = acc;
        }
      }
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

void EXPORT(depthwise_backward_weight)(float *dw_parts, float *db_parts, const float *dy, const float *in, const ConvGeom *g,
                                       int chunk0, int chunk1, int chunk, float *col) {
  const int mult = g->out_c / g->groups, taps = g->k_h * g->k_w, P = g->out_h * g->out_w, plane = g->in_h * g->in_w;
  for (int ch = chunk0; ch < chunk1; ch++) {
    int first = ch * chunk, last = first + chunk < g->batch ? first + chunk : g->batch;
    float *dw = dw_parts + (long)ch * g->out_c * taps;
    float *db = db_parts ? db_parts + (long)ch * g->out_c : 0;
    for (int n = first; n < last; n++) {
      for (int c = 0; c < g->in_c; c++) {
        im2col_plain(col, in + ((long)n * g->in_c + c) * plane, 1, g);
        for (int m = c * mult; m < (c + 1) * mult; m++) {
          const float *dym = dy + ((long)n * g->out_c + m) * P;
          for (int k = 0; k < taps; k++) {
            float s = dot(col + (long)k * P, dym, P);
            dw[(long)m * taps + k] = n > first ? dw[(long)m * taps + k] + s : s;
          }
          if (db) {
            float s = 0.0f;
            for (int p = 0; p < P; p++) s += dym[p];
            db[m] = n > first ? db[m] + s : s;
          }
        }
      }
    }
  }
}

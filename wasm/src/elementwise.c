/*
 * Elementwise float32 kernels of the training engine's glue, which ran as JavaScript loops on the
 * main thread (2-3 ns an element, several megabytes a node) while the workers waited:
 * - add_clamp: the residual Add with its fused Relu/Clip (src/kernels/add-fused.ts);
 * - relu_mask, clip_mask: a fused activation's gradient (src/train/grad-buffers.ts);
 * - add_into: the sum of a value's gradients from two readers (the same);
 * - zero_floats: clearing a resident tensor for reuse;
 * - add_residual: a conv's fused residual Add (conv_forward.c, winograd.c), as add_clamp does it.
 * Each works on [first, end) of flat arrays so a caller may split them across threads, and gives
 * bit for bit what its TypeScript reference gives: one float32 rounding per sum; the clamp by
 * pmax/pmin (v < lo ? lo : v, then v > hi ? hi : v), which keeps -0 and NaN as the comparisons do;
 * the masks by comparison and bitwise and, which passes dy's bits through untouched. `out` may be
 * any of the inputs (each element is read before it is written). Bounds [lo, hi] are read from
 * memory: the worker threads pass arguments as int32.
 */
#include "kernels.h"

void EXPORT(add_clamp)(float *out, const float *a, const float *b, const float *bounds, int first, int end) {
  const float lo = bounds[0], hi = bounds[1];
  const v128_t lv = wasm_f32x4_splat(lo), hv = wasm_f32x4_splat(hi);
  int i = first;
  for (; i + 4 <= end; i += 4) {
    v128_t v = wasm_f32x4_add(wasm_v128_load(a + i), wasm_v128_load(b + i));
    wasm_v128_store(out + i, wasm_f32x4_pmin(wasm_f32x4_pmax(v, lv), hv));
  }
  for (; i < end; i++) {
    float v = a[i] + b[i];
    v = v < lo ? lo : v;
    out[i] = v > hi ? hi : v;
  }
}

void EXPORT(relu_mask)(float *out, const float *x, const float *dy, int first, int end) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  int i = first;
  for (; i + 4 <= end; i += 4)
    wasm_v128_store(out + i, wasm_v128_and(wasm_v128_load(dy + i), wasm_f32x4_gt(wasm_v128_load(x + i), zero)));
  for (; i < end; i++) out[i] = x[i] > 0.0f ? dy[i] : 0.0f;
}

void EXPORT(clip_mask)(float *out, const float *x, const float *dy, const float *bounds, int first, int end) {
  const float lo = bounds[0], hi = bounds[1];
  const v128_t lv = wasm_f32x4_splat(lo), hv = wasm_f32x4_splat(hi);
  int i = first;
  for (; i + 4 <= end; i += 4) {
    v128_t v = wasm_v128_load(x + i);
    v128_t inside = wasm_v128_and(wasm_f32x4_ge(v, lv), wasm_f32x4_le(v, hv));
    wasm_v128_store(out + i, wasm_v128_and(wasm_v128_load(dy + i), inside));
  }
  for (; i < end; i++) out[i] = x[i] >= lo && x[i] <= hi ? dy[i] : 0.0f;
}

void EXPORT(add_into)(float *out, const float *a, const float *b, int first, int end) {
  int i = first;
  for (; i + 4 <= end; i += 4) wasm_v128_store(out + i, wasm_f32x4_add(wasm_v128_load(a + i), wasm_v128_load(b + i)));
  for (; i < end; i++) out[i] = a[i] + b[i];
}

/*
 * Zeroes n floats at p: a block the resident heap hands out again (src/kernels/wasm/resident-heap.ts).
 * TypedArray.fill on the memory's SharedArrayBuffer takes a slow path in V8 (~8x a plain array's);
 * memory.fill (-mbulk-memory) runs at memset speed.
 */
void EXPORT(zero_floats)(float *p, int n) { __builtin_memset(p, 0, (unsigned long)n * sizeof(float)); }

/*
 * The residual Add a conv computes in its own call (src/engine/fused-residual.ts), over an image's
 * output while it is still in cache: y = clamp(y + res) with the conv's clamp bounds, after the
 * conv stored y unclamped; the same float32 operations, in the same order, as the Add node.
 */
void add_residual(float *y, const float *res, long n, const ConvGeom *g) {
  const v128_t lv = wasm_f32x4_splat(g->act_lo), hv = wasm_f32x4_splat(g->act_hi);
  long i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t v = wasm_f32x4_add(wasm_v128_load(y + i), wasm_v128_load(res + i));
    wasm_v128_store(y + i, wasm_f32x4_pmin(wasm_f32x4_pmax(v, lv), hv));
  }
  for (; i < n; i++) {
    float v = y[i] + res[i];
    v = v < g->act_lo ? g->act_lo : v;
    y[i] = v > g->act_hi ? g->act_hi : v;
  }
}

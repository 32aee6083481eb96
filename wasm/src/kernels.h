/*
 * Shared declarations of edgec's WebAssembly SIMD kernels (the .c files beside it, built by wasm/build.mjs).
 *
 * Every thread runs its own instance of the module over one shared linear memory, so the kernels
 * keep no state, allocate nothing and use no shadow stack (the build checks the last): the
 * TypeScript side lays out inputs, outputs and a scratch area per thread and passes pointers.
 * Tensors are flat NCHW float32, as in src/kernels/.
 */
#ifndef EDGEC_KERNELS_H
#define EDGEC_KERNELS_H

#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name))) name

/*
 * madd(a, b, c) = a * b + c, lane by lane: the multiply-accumulate every kernel uses. The relaxed-SIMD
 * build (wasm/build.mjs, -DEDGEC_RELAXED_SIMD) makes it one f32x4.relaxed_madd, which V8 turns into a
 * fused multiply-add where the CPU has one (one rounding instead of two: results may differ from the
 * plain build in the last bits); the plain build keeps mul then add (c + a * b, as the kernels had
 * it). The instruction's standard encoding (0xfd 0x105) needs clang 16 or later, which build.mjs
 * picks for that build only.
 */
#if defined(EDGEC_RELAXED_SIMD)
#if !__has_builtin(__builtin_wasm_relaxed_madd_f32x4)
#error "the relaxed-SIMD build needs clang >= 16 (__builtin_wasm_relaxed_madd_f32x4)"
#endif
static inline v128_t madd(v128_t a, v128_t b, v128_t c) {
  return (v128_t)__builtin_wasm_relaxed_madd_f32x4((__f32x4)a, (__f32x4)b, (__f32x4)c);
}
#else
static inline v128_t madd(v128_t a, v128_t b, v128_t c) { return wasm_f32x4_add(c, wasm_f32x4_mul(a, b)); }
#endif

/* Columns per packed panel of the GEMM's right-hand matrix (two 128-bit vectors). */
#define PANEL 8

/*
 * The geometry of one 2-D convolution, field for field geometryInts in src/kernels/wasm/conv2d-wasm.ts;
 * act_lo/act_hi clamp the forward's output (the node's fused Relu or Clip; -inf/inf for none).
 */
typedef struct {
  int batch, in_c, in_h, in_w, out_c, out_h, out_w;
  int k_h, k_w, stride_h, stride_w, dil_h, dil_w, pad_t, pad_l, groups;
  float act_lo, act_hi;
} ConvGeom;

/* The geometry of one 2-D pooling over `planes` (N*C) planes; as Pool2dShape in pool2d.ts. */
typedef struct {
  int planes, in_h, in_w, out_h, out_w, k_h, k_w, stride_h, stride_w, dil_h, dil_w;
  int pad_t, pad_l, pad_b, pad_r, count_include_pad;
} PoolGeom;

/* Stores one 8-wide output row of a register tile, shared by the GEMM and conv kernels. */
/* Writes (or adds) the first `cols` lanes of the pair (v0, v1) at dst. */
static inline void store_tail(float *dst, v128_t v0, v128_t v1, int cols, int accumulate) {
  /* Lane by lane, not through a local array: a local array would need the shadow stack. */
#define PUT(i, v, l) if (cols > (i)) dst[i] = (accumulate ? dst[i] : 0.0f) + wasm_f32x4_extract_lane(v, l)
  PUT(0, v0, 0); PUT(1, v0, 1); PUT(2, v0, 2); PUT(3, v0, 3);
  PUT(4, v1, 0); PUT(5, v1, 1); PUT(6, v1, 2); PUT(7, v1, 3);
#undef PUT
}

static inline void store_tile_row(float *dst, v128_t v0, v128_t v1, int cols, int accumulate) {
  if (cols == PANEL) {
    if (accumulate) {
      v0 = wasm_f32x4_add(wasm_v128_load(dst), v0);
      v1 = wasm_f32x4_add(wasm_v128_load(dst + 4), v1);
    }
    wasm_v128_store(dst, v0);
    wasm_v128_store(dst + 4, v1);
  } else {
    store_tail(dst, v0, v1, cols, accumulate);
  }
}

/* A 1x1, stride-1, unpadded conv: the input already is the GEMM's right-hand matrix. */
static inline int is_pointwise(const ConvGeom *g) {
  return g->k_h == 1 && g->k_w == 1 && g->stride_h == 1 && g->stride_w == 1 && g->pad_t == 0 && g->pad_l == 0 &&
         g->out_h == g->in_h && g->out_w == g->in_w;
}

/* gemm.c */
void pack_rows(float *dst, const float *b, int ldb, int k, int n);
void pack_cols(float *dst, const float *bt, int ldbt, int k, int n);
void gemm_packed(float *c, int ldc, const float *a, int lda, const float *bp, int m, int n, int k, int accumulate);
void transpose(float *dst, const float *src, int rows, int cols);

/* im2col.c */
void im2col_plain(float *col, const float *in, int channels, const ConvGeom *g);
void im2col_packed(float *col, const float *in, int channels, const ConvGeom *g);
void im2col_panel(float *col, const float *in, int channels, const ConvGeom *g, int p0);

/* The padded image split into stride_w column phases, each Hp x Wq (im2col.c). */
typedef struct {
  int Hp, Wq;
} Phases;
static inline Phases phase_size(const ConvGeom *g) {
  Phases f;
  f.Hp = (g->out_h - 1) * g->stride_h + (g->k_h - 1) * g->dil_h + 1;
  f.Wq = g->out_w + ((g->k_w - 1) * g->dil_w) / g->stride_w;
  return f;
}
void phase_image(float *dst, const float *x, int channels, const ConvGeom *g, int Hp, int Wq);
void tap_offsets(int *off, int channels, const ConvGeom *g, int Hp, int Wq);
void col2im_add(float *in_grad, const float *col, int channels, const ConvGeom *g);
/* y[0..n) = clamp(y + res) by g's act_lo/act_hi: a conv's residual Add (elementwise.c). */
void add_residual(float *y, const float *res, long n, const ConvGeom *g);

#endif

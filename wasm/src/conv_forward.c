/*
 * Convolution forward (not depthwise: see depthwise.c) for images [n0, n1) of a batch, with the
 * bias and the node's fused Relu/Clip in the same pass: out_n = clamp(W @ im2col(x_n) + b), or with a
 * fused residual Add clamp((W @ im2col(x_n) + b) + res_n), the sum added per image while in cache.
 *
 * im2col and the GEMM are interleaved panel by panel: eight output pixels' columns (K x 8 floats,
 * K = C/g * kh * kw) are gathered into a scratch panel that stays in L1, then every row of W runs
 * over it in 4 x 8 tiles. The full column matrix (9x the input for a 3x3 conv) never goes to
 * memory, and each output tile is written once, already biased and clamped.
 *
 * Convs whose output rows are whole panels skip even that: the padded image is split into column
 * phases once (one phase at stride 1) and each tap's eight columns are read in place
 * (conv_forward_shifted).
 *
 * Each output starts at its bias and adds its K products in ascending order of depth, whatever
 * the split of images across threads, so results do not depend on the thread count.
 */
#include "kernels.h"

/* clamp(v) = v < lo ? lo : v > hi ? hi : v per lane, NaN passing through (as Relu and Clip). */
static inline v128_t clamp(v128_t v, v128_t lo, v128_t hi) {
  return wasm_f32x4_pmin(wasm_f32x4_pmax(v, lo), hi);
}

static inline void store_row(float *dst, v128_t v0, v128_t v1, int cols) {
  if (cols == PANEL) {
    wasm_v128_store(dst, v0);
    wasm_v128_store(dst + 4, v1);
    return;
  }
  /* Lane by lane, not through a local array: a local array would need the shadow stack. */
#define PUT(i, v, l) if (cols > (i)) dst[i] = wasm_f32x4_extract_lane(v, l)
  PUT(0, v0, 0); PUT(1, v0, 1); PUT(2, v0, 2); PUT(3, v0, 3);
  PUT(4, v1, 0); PUT(5, v1, 1); PUT(6, v1, 2); PUT(7, v1, 3);
#undef PUT
}

#define MAC(c, x, b) c = madd(x, b, c)

/*
 * Row i (< rows) of a tile: weights and bias of output channel i; the rows a tile of fewer than 4
 * computes but does not store read channel 0's (a 4-row tile over 1-3 channels still beats 1-row
 * tiles, which load a panel row per 2 multiply-adds instead of per 8).
 */
#define TILE_ROW(i) (rows > (i) ? (i) : 0)

/* out[0..rows, 0..cols) = clamp(bias[0..rows] + w[0..rows, 0..K) @ panel[0..K, 0..8)), rows <= 4. */
static void tile_4x8(float *out, int ldo, const float *w, int K, const float *p, const float *bias, v128_t lo, v128_t hi, int cols,
                     int rows) {
  v128_t c00 = wasm_f32x4_splat(bias ? bias[0] : 0.0f), c01 = c00;
  v128_t c10 = wasm_f32x4_splat(bias ? bias[TILE_ROW(1)] : 0.0f), c11 = c10;
  v128_t c20 = wasm_f32x4_splat(bias ? bias[TILE_ROW(2)] : 0.0f), c21 = c20;
  v128_t c30 = wasm_f32x4_splat(bias ? bias[TILE_ROW(3)] : 0.0f), c31 = c30;
  const float *w0 = w, *w1 = w + TILE_ROW(1) * K, *w2 = w + TILE_ROW(2) * K, *w3 = w + TILE_ROW(3) * K;
  for (int r = 0; r < K; r++, p += PANEL) {
    v128_t b0 = wasm_v128_load(p), b1 = wasm_v128_load(p + 4), x;
    x = wasm_v128_load32_splat(w0 + r); MAC(c00, x, b0); MAC(c01, x, b1);
    x = wasm_v128_load32_splat(w1 + r); MAC(c10, x, b0); MAC(c11, x, b1);
    x = wasm_v128_load32_splat(w2 + r); MAC(c20, x, b0); MAC(c21, x, b1);
    x = wasm_v128_load32_splat(w3 + r); MAC(c30, x, b0); MAC(c31, x, b1);
  }
  store_row(out, clamp(c00, lo, hi), clamp(c01, lo, hi), cols);
  if (rows > 1) store_row(out + ldo, clamp(c10, lo, hi), clamp(c11, lo, hi), cols);
  if (rows > 2) store_row(out + 2 * ldo, clamp(c20, lo, hi), clamp(c21, lo, hi), cols);
  if (rows > 3) store_row(out + 3 * ldo, clamp(c30, lo, hi), clamp(c31, lo, hi), cols);
}

/* panel[r][0..8) = x[r][p0..p0+8) for the K rows of a pointwise conv's input, zero past P. */
static void pointwise_panel(float *panel, const float *x, int K, int P, int p0) {
  const int cols = P - p0 < PANEL ? P - p0 : PANEL;
  for (int r = 0; r < K; r++, panel += PANEL) {
    const float *src = x + (long)r * P + p0;
    if (cols == PANEL) {
      wasm_v128_store(panel, wasm_v128_load(src));
      wasm_v128_store(panel + 4, wasm_v128_load(src + 4));
    } else {
      for (int j = 0; j < PANEL; j++) panel[j] = j < cols ? src[j] : 0.0f;
    }
  }
}

/* The tile reading its eight columns straight from a padded image: row r at base + off[r]. */
static void tile_4x8_shifted(float *out, int ldo, const float *w, int K, const float *base, const int *off, const float *bias, v128_t lo,
                             v128_t hi, int rows) {
  v128_t c00 = wasm_f32x4_splat(bias ? bias[0] : 0.0f), c01 = c00;
  v128_t c10 = wasm_f32x4_splat(bias ? bias[TILE_ROW(1)] : 0.0f), c11 = c10;
  v128_t c20 = wasm_f32x4_splat(bias ? bias[TILE_ROW(2)] : 0.0f), c21 = c20;
  v128_t c30 = wasm_f32x4_splat(bias ? bias[TILE_ROW(3)] : 0.0f), c31 = c30;
  const float *w0 = w, *w1 = w + TILE_ROW(1) * K, *w2 = w + TILE_ROW(2) * K, *w3 = w + TILE_ROW(3) * K;
  for (int r = 0; r < K; r++) {
    const float *q = base + off[r];
    v128_t b0 = wasm_v128_load(q), b1 = wasm_v128_load(q + 4), x;
    x = wasm_v128_load32_splat(w0 + r); MAC(c00, x, b0); MAC(c01, x, b1);
    x = wasm_v128_load32_splat(w1 + r); MAC(c10, x, b0); MAC(c11, x, b1);
    x = wasm_v128_load32_splat(w2 + r); MAC(c20, x, b0); MAC(c21, x, b1);
    x = wasm_v128_load32_splat(w3 + r); MAC(c30, x, b0); MAC(c31, x, b1);
  }
  store_row(out, clamp(c00, lo, hi), clamp(c01, lo, hi), PANEL);
  if (rows > 1) store_row(out + ldo, clamp(c10, lo, hi), clamp(c11, lo, hi), PANEL);
  if (rows > 2) store_row(out + 2 * ldo, clamp(c20, lo, hi), clamp(c21, lo, hi), PANEL);
  if (rows > 3) store_row(out + 3 * ldo, clamp(c30, lo, hi), clamp(c31, lo, hi), PANEL);
}

/*
 * Whether a conv takes the shifted path: whole panels per output row (and not 1x1: at stride 1
 * the input already is the matrix; a strided 1x1 reads one pixel in stride^2, which its panels
 * gather directly, where the phase image would copy every pixel), so a panel's eight columns are, for every tap, eight
 * consecutive floats of one row of one phase of the padded image.
 */
static int shifted_path(const ConvGeom *g) {
  return g->out_w % PANEL == 0 && !is_pointwise(g) && !(g->k_h == 1 && g->k_w == 1);
}

/*
 * The forward without a column matrix at all: the image is split into phases once, and the tile
 * kernels read each tap's eight columns at a fixed offset from the panel's base.
 * scratch: Cg x stride_w x Hp x Wq floats of phase image, then K int offsets.
 */
static void conv_forward_shifted(float *out, const float *in, const float *w, const float *bias, const ConvGeom *g, int n0, int n1, float *scratch,
                                 const float *res) {
  const int G = g->groups, Cg = g->in_c / G, Mg = g->out_c / G, P = g->out_h * g->out_w;
  const int K = Cg * g->k_h * g->k_w, plane = g->in_h * g->in_w;
  const Phases f = phase_size(g);
  const v128_t lo = wasm_f32x4_splat(res ? -__builtin_inff() : g->act_lo), hi = wasm_f32x4_splat(res ? __builtin_inff() : g->act_hi);
  float *phases = scratch;
  int *off = (int *)(scratch + (long)Cg * g->stride_w * f.Hp * f.Wq);
  tap_offsets(off, Cg, g, f.Hp, f.Wq);
  for (int n = n0; n < n1; n++) {
    for (int grp = 0; grp < G; grp++) {
      phase_image(phases, in + ((long)n * g->in_c + (long)grp * Cg) * plane, Cg, g, f.Hp, f.Wq);
      const float *wg = w + (long)grp * Mg * K;
      const float *bg = bias ? bias + grp * Mg : 0;
      float *y = out + ((long)n * g->out_c + (long)grp * Mg) * P;
      for (int oh = 0; oh < g->out_h; oh++) {
        for (int ow0 = 0; ow0 < g->out_w; ow0 += PANEL) {
          const float *base = phases + (long)oh * g->stride_h * f.Wq + ow0;
          float *yp = y + (long)oh * g->out_w + ow0;
          for (int m = 0; m < Mg; m += 4) {
            const int rows = Mg - m < 4 ? Mg - m : 4;
            tile_4x8_shifted(yp + (long)m * P, P, wg + (long)m * K, K, base, off, bg ? bg + m : 0, lo, hi, rows);
          }
        }
      }
    }
    if (res) add_residual(out + (long)n * g->out_c * P, res + (long)n * g->out_c * P, (long)g->out_c * P, g);
  }
}

/*
 * scratch per thread (forwardScratchFloats in src/kernels/wasm/conv-call.ts): on the shifted path
 * Cg x stride_w x Hp x Wq floats and K ints, else one K x PANEL panel. res (or 0): a tensor shaped
 * as out added before the clamp (the node's residual Add, fused: add_residual per image).
 */
void EXPORT(conv_forward)(float *out, const float *in, const float *w, const float *bias, const ConvGeom *g, int n0, int n1, float *scratch,
                          const float *res) {
  const int G = g->groups, Cg = g->in_c / G, Mg = g->out_c / G, P = g->out_h * g->out_w;
  const int K = Cg * g->k_h * g->k_w, plane = g->in_h * g->in_w, pointwise = is_pointwise(g);
  const v128_t lo = wasm_f32x4_splat(res ? -__builtin_inff() : g->act_lo), hi = wasm_f32x4_splat(res ? __builtin_inff() : g->act_hi);
  if (shifted_path(g)) {
    conv_forward_shifted(out, in, w, bias, g, n0, n1, scratch, res);
    return;
  }
  for (int n = n0; n < n1; n++) {
    for (int grp = 0; grp < G; grp++) {
      const float *x = in + ((long)n * g->in_c + (long)grp * Cg) * plane;
      const float *wg = w + (long)grp * Mg * K;
      const float *bg = bias ? bias + grp * Mg : 0;
      float *y = out + ((long)n * g->out_c + (long)grp * Mg) * P;
      for (int p0 = 0; p0 < P; p0 += PANEL) {
        const int cols = P - p0 < PANEL ? P - p0 : PANEL;
        if (pointwise) pointwise_panel(scratch, x, K, P, p0);
        else im2col_panel(scratch, x, Cg, g, p0);
        for (int m = 0; m < Mg; m += 4) {
          const int rows = Mg - m < 4 ? Mg - m : 4;
          tile_4x8(y + (long)m * P + p0, P, wg + (long)m * K, K, scratch, bg ? bg + m : 0, lo, hi, cols, rows);
        }
      }
    }
    if (res) add_residual(out + (long)n * g->out_c * P, res + (long)n * g->out_c * P, (long)g->out_c * P, g);
  }
}

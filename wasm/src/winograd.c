/*
 * Winograd F(4x4, 3x3) convolution forward for group-1, 3x3, stride-1, dilation-1 convs (any
 * padding, any sizes), images [n0, n1) of a batch, with the bias and the node's fused Relu/Clip in
 * the output pass. Each 4x4 output tile costs 36 multiplies per channel pair instead of 144.
 *
 *   U[xi][k][c] = (G g_kc G^T)[xi]        winograd_weights, once per call (split over k)
 *   V[xi][c][t] = (B^T d_ct B)[xi]        d_ct: the 6x6 input patch of tile t, channel c
 *   Mx[xi][k][t] = sum_c U[xi][k][c] V[xi][c][t]   36 small GEMMs per block of tiles
 *   y_kt = clamp(A^T Mx[.][k][t] A + b_k)
 *
 * Vectors run across four tiles: an image is first copied with its padding into scratch (so every
 * tile's patch is in bounds), each 6-float patch row of four tiles is gathered with a transpose,
 * and the output rows of four tiles are transposed back before they are stored. Tiles are
 * processed in blocks of `block` (a multiple of 4, from the TypeScript side) so V and Mx stay in
 * cache. Every output sums its channels in ascending order inside its own tile, so results do
 * not depend on the thread count or the block size. src/kernels/winograd.ts is the reference.
 */
#include "kernels.h"
#include "winograd.h"

/*
 * Floats between the 36 positions' matrices past their C x block (M x block) size: without it the
 * 36 vectors of one tile group are 4 KiB apart at 16 channels x 64 tiles, all in one L1 set.
 */
#define SKEW 16

#define TRANSPOSE4(a, b, c, d)                                      \
  do {                                                              \
    v128_t t0_ = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5);              \
    v128_t t1_ = wasm_i32x4_shuffle(c, d, 0, 4, 1, 5);              \
    v128_t t2_ = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7);              \
    v128_t t3_ = wasm_i32x4_shuffle(c, d, 2, 6, 3, 7);              \
    a = wasm_i32x4_shuffle(t0_, t1_, 0, 1, 4, 5);                   \
    b = wasm_i32x4_shuffle(t0_, t1_, 2, 3, 6, 7);                   \
    c = wasm_i32x4_shuffle(t2_, t3_, 0, 1, 4, 5);                   \
    d = wasm_i32x4_shuffle(t2_, t3_, 2, 3, 6, 7);                   \
  } while (0)

static inline v128_t splat(float f) { return wasm_f32x4_splat(f); }

/* B^T along six vectors x[0], x[s], ..., x[5s], in place. */
static inline __attribute__((always_inline)) void input_1d(v128_t *x, int s) {
  const v128_t d0 = x[0], d1 = x[s], d2 = x[2 * s], d3 = x[3 * s], d4 = x[4 * s], d5 = x[5 * s];
  const v128_t four = splat(4.0f), five = splat(5.0f);
  const v128_t a = wasm_f32x4_sub(d4, wasm_f32x4_mul(four, d2)), b = wasm_f32x4_sub(d3, wasm_f32x4_mul(four, d1));
  const v128_t c = wasm_f32x4_sub(d4, d2), e = wasm_f32x4_mul(splat(2.0f), wasm_f32x4_sub(d3, d1));
  x[0] = wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_mul(four, d0), wasm_f32x4_mul(five, d2)), d4);
  x[s] = wasm_f32x4_add(a, b);
  x[2 * s] = wasm_f32x4_sub(a, b);
  x[3 * s] = wasm_f32x4_add(c, e);
  x[4 * s] = wasm_f32x4_sub(c, e);
  x[5 * s] = wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_mul(four, d1), wasm_f32x4_mul(five, d3)), d5);
}

/* A^T: six vectors m[0], m[s], ..., m[5s] to four, o[0], o[os], ..., o[3os]. */
static inline __attribute__((always_inline)) void output_1d(const v128_t *m, int s, v128_t *o, int os) {
  const v128_t p = wasm_f32x4_add(m[s], m[2 * s]), q = wasm_f32x4_sub(m[s], m[2 * s]);
  const v128_t u = wasm_f32x4_add(m[3 * s], m[4 * s]), w = wasm_f32x4_sub(m[3 * s], m[4 * s]);
  o[0] = wasm_f32x4_add(wasm_f32x4_add(m[0], p), u);
  o[os] = madd(splat(2.0f), w, q);
  o[2 * os] = madd(splat(4.0f), u, p);
  o[3 * os] = wasm_f32x4_add(madd(splat(8.0f), w, q), m[5 * s]);
}

/* G (6x3) on three vectors, into x[0], x[s], ..., x[5s]. */
static inline __attribute__((always_inline)) void weight_1d(v128_t a, v128_t b, v128_t c, v128_t *x, int s) {
  const v128_t sum = wasm_f32x4_add(a, c);
  const v128_t p = wasm_f32x4_add(wasm_f32x4_mul(splat(1.0f / 24), a), wasm_f32x4_mul(splat(1.0f / 6), c));
  const v128_t q = wasm_f32x4_mul(splat(1.0f / 12), b);
  x[0] = wasm_f32x4_mul(splat(0.25f), a);
  x[s] = wasm_f32x4_mul(splat(-1.0f / 6), wasm_f32x4_add(sum, b));
  x[2 * s] = wasm_f32x4_mul(splat(-1.0f / 6), wasm_f32x4_sub(sum, b));
  x[3 * s] = wasm_f32x4_add(p, q);
  x[4 * s] = wasm_f32x4_sub(p, q);
  x[5 * s] = c;
}

/*
 * U[xi][k][c] for output channels [k0, k1), four input channels per vector (lanes past C are
 * zero and not stored). w is (M, C, 3, 3).
 */
void EXPORT(winograd_weights)(float *U, const float *w, int M, int C, int k0, int k1) {
  const long plane = (long)M * C;
  for (int k = k0; k < k1; k++) {
    for (int c0 = 0; c0 < C; c0 += 4) {
      const int lanes = C - c0 < 4 ? C - c0 : 4;
      const float *g = w + ((long)k * C + c0) * 9;
      v128_t tap[9], x[36];
#pragma clang loop unroll(full)
      for (int t = 0; t < 9; t++) {
        v128_t v = wasm_f32x4_splat(0.0f);
        v = wasm_f32x4_replace_lane(v, 0, g[t]);
        if (lanes > 1) v = wasm_f32x4_replace_lane(v, 1, g[9 + t]);
        if (lanes > 2) v = wasm_f32x4_replace_lane(v, 2, g[18 + t]);
        if (lanes > 3) v = wasm_f32x4_replace_lane(v, 3, g[27 + t]);
        tap[t] = v;
      }
      /* Columns first (G g: 6 x 3 in x[i*6 + j], j < 3), then rows (. G^T). */
#pragma clang loop unroll(full)
      for (int j = 0; j < 3; j++) weight_1d(tap[j], tap[3 + j], tap[6 + j], x + j, 6);
#pragma clang loop unroll(full)
      for (int i = 0; i < 6; i++) weight_1d(x[i * 6], x[i * 6 + 1], x[i * 6 + 2], x + i * 6, 1);
      float *dst = U + (long)k * C + c0;
#pragma clang loop unroll(full)
      for (int xi = 0; xi < 36; xi++, dst += plane) {
        if (lanes == 4) {
          wasm_v128_store(dst, x[xi]);
        } else {
          dst[0] = wasm_f32x4_extract_lane(x[xi], 0);
          if (lanes > 1) dst[1] = wasm_f32x4_extract_lane(x[xi], 1);
          if (lanes > 2) dst[2] = wasm_f32x4_extract_lane(x[xi], 2);
        }
      }
    }
  }
}

/* V[xi * vstride] (four tiles) = B^T d B of the patches at p0..p3 (rows `pitch` floats apart). */
static void input_tiles(float *V, long vstride, const float *p0, const float *p1, const float *p2, const float *p3, int pitch) {
  v128_t d[36];
  for (int r = 0; r < 6; r++) {
    const long at = (long)r * pitch;
    v128_t a0 = wasm_v128_load(p0 + at), a1 = wasm_v128_load(p1 + at), a2 = wasm_v128_load(p2 + at), a3 = wasm_v128_load(p3 + at);
    const v128_t b0 = wasm_v128_load(p0 + at + 4), b1 = wasm_v128_load(p1 + at + 4);
    const v128_t b2 = wasm_v128_load(p2 + at + 4), b3 = wasm_v128_load(p3 + at + 4);
    TRANSPOSE4(a0, a1, a2, a3);
    const v128_t u0 = wasm_i32x4_shuffle(b0, b1, 0, 4, 1, 5), u1 = wasm_i32x4_shuffle(b2, b3, 0, 4, 1, 5);
    d[r * 6] = a0; d[r * 6 + 1] = a1; d[r * 6 + 2] = a2; d[r * 6 + 3] = a3;
    d[r * 6 + 4] = wasm_i32x4_shuffle(u0, u1, 0, 1, 4, 5);
    d[r * 6 + 5] = wasm_i32x4_shuffle(u0, u1, 2, 3, 6, 7);
  }
  for (int j = 0; j < 6; j++) input_1d(d + j, 6);
  for (int i = 0; i < 6; i++) input_1d(d + i * 6, 1);
  for (int xi = 0; xi < 36; xi++) wasm_v128_store(V + xi * vstride, d[xi]);
}

/* Stores the first `cols` floats of v at dst. */
static inline void store_cols(float *dst, v128_t v, int cols) {
  if (cols >= 4) {
    wasm_v128_store(dst, v);
    return;
  }
  dst[0] = wasm_f32x4_extract_lane(v, 0);
  if (cols > 1) dst[1] = wasm_f32x4_extract_lane(v, 1);
  if (cols > 2) dst[2] = wasm_f32x4_extract_lane(v, 2);
}

/*
 * Where each tile of a block reads and writes, computed once per block instead of dividing by the
 * tile-row length per channel: 4 ints per tile (patch offset in a padded plane, output offset in
 * an output plane, output rows and columns inside the plane, 0 rows for the padding lanes past T).
 */
enum { AT_PATCH, AT_OUT, ROWS, COLS, TILE_INTS };

static void tile_table(int *table, int t0, int nb, int T, int tw, int Wp, int OH, int OW) {
  for (int t = 0; t < nb; t++, table += TILE_INTS) {
    const int tt = t0 + t < T ? t0 + t : T - 1, oy = 4 * (tt / tw), ox = 4 * (tt % tw);
    table[AT_PATCH] = oy * Wp + ox;
    table[AT_OUT] = oy * OW + ox;
    table[ROWS] = t0 + t < T ? (OH - oy < 4 ? OH - oy : 4) : 0;
    table[COLS] = OW - ox < 4 ? OW - ox : 4;
  }
}

/* One tile's four output rows r0..r3, plus the bias and clamped, inside the output plane at y. */
static inline __attribute__((always_inline)) void store_tile(float *y, const int *tile, int OW, v128_t r0, v128_t r1, v128_t r2, v128_t r3, v128_t bias, v128_t lo, v128_t hi) {
  const int rows = tile[ROWS], cols = tile[COLS];
  y += tile[AT_OUT];
#define ROW(r, v) if (rows > (r)) store_cols(y + (r) * OW, wasm_f32x4_pmin(wasm_f32x4_pmax(wasm_f32x4_add(v, bias), lo), hi), cols)
  ROW(0, r0); ROW(1, r1); ROW(2, r2); ROW(3, r3);
#undef ROW
}

/*
 * Four tiles of one output channel from Mx (36 vectors `mstride` floats apart, lanes = tiles):
 * A^T m A, transposed to one row vector per tile, stored in the output plane y.
 */
static void output_tiles(float *y, int OW, const float *Mk, long mstride, const int *tiles, v128_t bias, v128_t lo, v128_t hi) {
  v128_t m[36], h[24], o[16];
  for (int xi = 0; xi < 36; xi++) m[xi] = wasm_v128_load(Mk + xi * mstride);
  for (int j = 0; j < 6; j++) output_1d(m + j, 6, h + j, 6);
  for (int r = 0; r < 4; r++) output_1d(h + r * 6, 1, o + r * 4, 1);
  for (int r = 0; r < 4; r++) TRANSPOSE4(o[r * 4], o[r * 4 + 1], o[r * 4 + 2], o[r * 4 + 3]);
  store_tile(y, tiles, OW, o[0], o[4], o[8], o[12], bias, lo, hi);
  store_tile(y, tiles + TILE_INTS, OW, o[1], o[5], o[9], o[13], bias, lo, hi);
  store_tile(y, tiles + 2 * TILE_INTS, OW, o[2], o[6], o[10], o[14], bias, lo, hi);
  store_tile(y, tiles + 3 * TILE_INTS, OW, o[3], o[7], o[11], o[15], bias, lo, hi);
}

/*
 * dst (C x Hp x Wp) = the image x with its padding: padded (r, q) = x(r - pad_t, q - pad_l), zero
 * outside x (pads may be negative: the adjoint of a conv padded by more than 2).
 */
static void pad_image(float *dst, const float *x, int C, const ConvGeom *g, int Hp, int Wp) {
  const int H = g->in_h, W = g->in_w, pt = g->pad_t, pl = g->pad_l;
  const int q0 = pl > 0 ? pl : 0, q1 = W + pl < Wp ? (W + pl > q0 ? W + pl : q0) : Wp;
  const v128_t zero = wasm_f32x4_splat(0.0f);
  for (int c = 0; c < C; c++) {
    for (int r = 0; r < Hp; r++, dst += Wp) {
      for (int q = 0; q < Wp; q += 4) wasm_v128_store(dst + q, zero);
      const int ih = r - pt;
      if (ih < 0 || ih >= H) continue;
      const float *src = x + ((long)c * H + ih) * W - pl;
      int q = q0;
      for (; q + 4 <= q1; q += 4) wasm_v128_store(dst + q, wasm_v128_load(src + q));
      for (; q < q1; q++) dst[q] = src[q];
    }
  }
}

/*
 * Scratch per thread (winogradScratchFloats in src/kernels/wasm/winograd-wasm.ts): the padded image
 * C x Hp x Wp (Hp = 4 * tiles_h + 2, Wp = 4 * tiles_w + 4: the patch rows are read 8 floats wide),
 * V (36 x (C x block + SKEW)), Mx (36 x (M x block + SKEW)), the tile table (block x TILE_INTS).
 * U from winograd_weights.
 */
void EXPORT(winograd_forward)(float *out, const float *in, const float *U, const float *bias, const ConvGeom *g, int n0, int n1, float *scratch, int block) {
  const int C = g->in_c, M = g->out_c, OH = g->out_h, OW = g->out_w;
  const int th = (OH + 3) / 4, tw = (OW + 3) / 4, T = th * tw, Hp = 4 * th + 2, Wp = 4 * tw + 4;
  const long padded_plane = (long)Hp * Wp;
  const v128_t lo = splat(g->act_lo), hi = splat(g->act_hi);
  float *padded = scratch, *V = padded + (long)C * padded_plane, *Mx = V + 36L * (C * block + SKEW);
  int *tiles = (int *)(Mx + 36L * (M * block + SKEW));
  for (int n = n0; n < n1; n++) {
    pad_image(padded, in + (long)n * C * g->in_h * g->in_w, C, g, Hp, Wp);
    float *y = out + (long)n * M * OH * OW;
    for (int t0 = 0; t0 < T; t0 += block) {
      const int nb = T - t0 < block ? (T - t0 + 3) & ~3 : block;
      const long vs = (long)C * nb + SKEW, ms = (long)M * nb + SKEW;
      tile_table(tiles, t0, nb, T, tw, Wp, OH, OW);
      for (int c = 0; c < C; c++) {
        const float *plane = padded + c * padded_plane;
        for (int t = 0; t < nb; t += 4) {
          const int *at = tiles + t * TILE_INTS;
          input_tiles(V + (long)c * nb + t, vs, plane + at[AT_PATCH], plane + at[TILE_INTS + AT_PATCH],
                      plane + at[2 * TILE_INTS + AT_PATCH], plane + at[3 * TILE_INTS + AT_PATCH], Wp);
        }
      }
      winograd_gemm(Mx, ms, U, V, vs, M, C, nb);
      for (int k = 0; k < M; k++) {
        const v128_t b = splat(bias ? bias[k] : 0.0f);
        for (int t = 0; t < nb; t += 4)
          output_tiles(y + (long)k * OH * OW, OW, Mx + (long)k * nb + t, ms, tiles + t * TILE_INTS, b, lo, hi);
      }
    }
  }
}

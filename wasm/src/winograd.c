/*
 * Winograd F(4x4, 3x3) convolution forward for group-1, 3x3, stride-1, dilation-1 convs (any
 * padding, any sizes), images [n0, n1) of a batch, with the bias and the node's fused Relu/Clip in
 * the output pass. Each 4x4 output tile costs 36 multiplies per channel pair instead of 144.
 *
 *   U[xi][k][c] = (G g_kc G^T)[xi]        winograd_weights (winograd_weights.c), once per call
 *   V[q][c][xi] = (B^T d_ct B)[xi]        d_ct: the 6x6 input patch of tile t, channel c
 *   Mx[q][k][xi] = sum_c U[xi][k][c] V[q][c][xi]   36 small GEMMs per block of tiles
 *   y_kt = clamp(A^T Mx[q][k][.] A + b_k)
 *
 * Vectors run across four tiles (q: a quad of tiles; V and Mx hold one 4-lane vector per [q][c][xi]):
 * an image is first copied with its padding into scratch (so every tile's patch is in bounds),
 * each 6-float patch row of four tiles is gathered with a transpose, and the output rows of four
 * tiles are transposed back before they are stored. A quad's 36 transformed vectors are
 * consecutive, so the transforms address them by constant offsets. The tiles of a call's images
 * are numbered across the images and processed in blocks of `block` (a multiple of 4, from the
 * TypeScript side) so V and Mx stay in cache. Every output sums its channels in ascending order
 * inside its own tile, so results depend neither on the thread count nor on how images are
 * grouped into calls and blocks. src/kernels/winograd.ts is the reference.
 */
#include "kernels.h"
#include "winograd.h"

static inline v128_t splat(float f) { return wasm_f32x4_splat(f); }

/* B^T along six vectors x[0], x[s], ..., x[5s], in place (12 multiply-adds with madd fused). */
static inline __attribute__((always_inline)) void input_1d(v128_t *x, int s) {
  const v128_t d0 = x[0], d1 = x[s], d2 = x[2 * s], d3 = x[3 * s], d4 = x[4 * s], d5 = x[5 * s];
  const v128_t four = splat(4.0f), minus4 = splat(-4.0f), minus5 = splat(-5.0f), two = splat(2.0f);
  const v128_t a = madd(minus4, d2, d4), b = madd(minus4, d1, d3);
  const v128_t c = wasm_f32x4_sub(d4, d2), e = wasm_f32x4_sub(d3, d1);
  x[0] = madd(minus5, d2, madd(four, d0, d4));
  x[s] = wasm_f32x4_add(a, b);
  x[2 * s] = wasm_f32x4_sub(a, b);
  x[3 * s] = madd(two, e, c);
  x[4 * s] = madd(splat(-2.0f), e, c);
  x[5 * s] = madd(minus5, d3, madd(four, d1, d5));
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

/*
 * V[0..36) (vectors: four tiles) = B^T d B of the patches at p0..p3 (rows `pitch` floats apart),
 * in two passes through V as output_tiles does: each patch row gathered (a transpose) and
 * transformed along the row, then the columns. When the four tiles are neighbours in one tile row
 * (`adjacent`, a constant at each call), a row of all four is five loads: columns 4 and 5 of each
 * tile are columns 0 and 1 of the next.
 */
static inline __attribute__((always_inline)) void input_tiles(v128_t *V, const float *p0, const float *p1, const float *p2, const float *p3, int pitch, int adjacent) {
  for (int r = 0; r < 6; r++, p0 += pitch, p1 += pitch, p2 += pitch, p3 += pitch) {
    v128_t d[6];
    if (adjacent) {
      v128_t a0 = wasm_v128_load(p0), a1 = wasm_v128_load(p0 + 4), a2 = wasm_v128_load(p0 + 8), a3 = wasm_v128_load(p0 + 12);
      const v128_t a4 = wasm_v128_load(p0 + 16);
      TRANSPOSE4(a0, a1, a2, a3);
      d[0] = a0; d[1] = a1; d[2] = a2; d[3] = a3;
      d[4] = wasm_i32x4_shuffle(a0, a4, 1, 2, 3, 4);
      d[5] = wasm_i32x4_shuffle(a1, a4, 1, 2, 3, 5);
    } else {
      v128_t a0 = wasm_v128_load(p0), a1 = wasm_v128_load(p1), a2 = wasm_v128_load(p2), a3 = wasm_v128_load(p3);
      const v128_t b0 = wasm_v128_load(p0 + 4), b1 = wasm_v128_load(p1 + 4), b2 = wasm_v128_load(p2 + 4), b3 = wasm_v128_load(p3 + 4);
      TRANSPOSE4(a0, a1, a2, a3);
      const v128_t u0 = wasm_i32x4_shuffle(b0, b1, 0, 4, 1, 5), u1 = wasm_i32x4_shuffle(b2, b3, 0, 4, 1, 5);
      d[0] = a0; d[1] = a1; d[2] = a2; d[3] = a3;
      d[4] = wasm_i32x4_shuffle(u0, u1, 0, 1, 4, 5);
      d[5] = wasm_i32x4_shuffle(u0, u1, 2, 3, 6, 7);
    }
    input_1d(d, 1);
    for (int j = 0; j < 6; j++) V[r * 6 + j] = d[j];
  }
  for (int j = 0; j < 6; j++) input_1d(V + j, 6);
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

/* The tile table of block [t0, t0 + nb) (declared in winograd.h; the weight gradient uses it too). */
void winograd_tile_table(int *table, const Tiling *z, int t0, int nb) {
  for (int t = 0; t < nb; t++, table += TILE_INTS) {
    const int at = t0 + t < z->total ? t0 + t : z->total - 1, image = at / z->per_image, tt = at % z->per_image;
    const int oy = 4 * (tt / z->tw), ox = 4 * (tt % z->tw);
    table[AT_PATCH] = image * z->padded_image + oy * z->Wp + ox;
    table[AT_OUT] = image * z->out_image + oy * z->OW + ox;
    table[ROWS] = t0 + t < z->total ? (z->OH - oy < 4 ? z->OH - oy : 4) : 0;
    table[COLS] = z->OW - ox < 4 ? z->OW - ox : 4;
  }
}

/*
 * Four tiles of one output channel from Mk[0..36) (vectors, lanes = tiles): A^T m A + bias, in
 * two passes through Mk (its 36 vectors do not fit in registers anyway): the columns into Mk's
 * first four rows, then each row to four output vectors, transposed to one row per tile, clamped
 * when `clamped` (a constant at each call), stored inside the output plane y. The bias goes into
 * m[1][1]: column 1 of A^T is all ones, so it reaches every output once.
 */
static inline __attribute__((always_inline)) void output_tiles(float *y, int OW, v128_t *Mk, const int *tiles, v128_t bias, v128_t lo, v128_t hi, int clamped) {
  Mk[7] = wasm_f32x4_add(Mk[7], bias);
  for (int j = 0; j < 6; j++) {
    v128_t t[4];
    output_1d(Mk + j, 6, t, 1);
    Mk[j] = t[0]; Mk[6 + j] = t[1]; Mk[12 + j] = t[2]; Mk[18 + j] = t[3];
  }
  for (int r = 0; r < 4; r++) {
    v128_t o[4];
    output_1d(Mk + r * 6, 1, o, 1);
    TRANSPOSE4(o[0], o[1], o[2], o[3]);
    for (int j = 0; j < 4; j++) {
      const int *tile = tiles + j * TILE_INTS;
      const v128_t v = clamped ? wasm_f32x4_pmin(wasm_f32x4_pmax(o[j], lo), hi) : o[j];
      if (tile[ROWS] > r) store_cols(y + tile[AT_OUT] + r * OW, v, tile[COLS]);
    }
  }
}

/*
 * dst (C x Hp x Wp) = the image x with its padding: padded (r, q) = x(r - pad_t, q - pad_l), zero
 * outside x (pads may be negative: the adjoint of a conv padded by more than 2). no_builtin keeps
 * clang from turning the row loops into memory.fill/copy, which V8 runs as a call per row.
 */
__attribute__((no_builtin)) void winograd_pad_image(float *dst, const float *x, int C, const ConvGeom *g, int Hp, int Wp) {
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
 * V[q][c][.] = B^T d B for the nb tiles of a block (table `tiles`) and the C planes of `padded`;
 * quads `vquad` vectors apart (36 x C here; the weight gradient pads it against cache-set conflicts).
 */
void winograd_input_block(v128_t *V, long vquad, const float *padded, long padded_plane, const int *tiles, int C, int nb, int Wp) {
  for (int c = 0; c < C; c++) {
    const float *plane = padded + c * padded_plane;
    for (int t = 0; t < nb; t += 4) {
      const int *at = tiles + t * TILE_INTS;
      const float *p0 = plane + at[AT_PATCH], *p1 = plane + at[TILE_INTS + AT_PATCH];
      const float *p2 = plane + at[2 * TILE_INTS + AT_PATCH], *p3 = plane + at[3 * TILE_INTS + AT_PATCH];
      v128_t *v = V + (long)t / 4 * vquad + c * 36L;
      if (p1 == p0 + 4 && p2 == p0 + 8 && p3 == p0 + 12) input_tiles(v, p0, p1, p2, p3, Wp, 1);
      else input_tiles(v, p0, p1, p2, p3, Wp, 0);
    }
  }
}

/*
 * Scratch per thread (winogradScratchFloats in src/kernels/wasm/winograd-wasm.ts): the padded
 * images [n0, n1), each C x Hp x Wp (Hp = 4 * tiles_h + 2, Wp = 4 * tiles_w + 4: patch rows are
 * read 8 floats wide), V (block x C x 36 floats), Mx (block x M x 36), the tile table (block x
 * TILE_INTS). U from winograd_weights. The images of a call share tile blocks, so that images of
 * few tiles still give the GEMM several quads per U it reads. res (or 0): a tensor shaped as out
 * added before the clamp (a fused residual Add, conv_forward.c).
 */
void EXPORT(winograd_forward)(float *out, const float *in, const float *U, const float *bias, const ConvGeom *g, int n0, int n1, float *scratch, int block,
                              const float *res) {
  const int C = g->in_c, M = g->out_c, OH = g->out_h, OW = g->out_w;
  const int th = (OH + 3) / 4, tw = (OW + 3) / 4, Hp = 4 * th + 2, Wp = 4 * tw + 4;
  const long padded_plane = (long)Hp * Wp;
  const Tiling z = {(n1 - n0) * th * tw, th * tw, tw, Wp, OH, OW, C * Hp * Wp, M * OH * OW};
  const v128_t lo = splat(g->act_lo), hi = splat(g->act_hi);
  /* With a residual (or 0), the clamp comes after adding it: add_residual, once the images are done. */
  const int clamped = !res && (g->act_lo > -__builtin_inff() || g->act_hi < __builtin_inff());
  float *padded = scratch;
  v128_t *V = (v128_t *)(padded + (long)(n1 - n0) * z.padded_image), *Mx = V + 9L * C * block;
  int *tiles = (int *)(Mx + 9L * M * block);
  for (int n = n0; n < n1; n++)
    winograd_pad_image(padded + (long)(n - n0) * z.padded_image, in + (long)n * C * g->in_h * g->in_w, C, g, Hp, Wp);
  float *y = out + (long)n0 * z.out_image;
  for (int t0 = 0; t0 < z.total; t0 += block) {
    const int nb = z.total - t0 < block ? (z.total - t0 + 3) & ~3 : block;
    winograd_tile_table(tiles, &z, t0, nb);
    winograd_input_block(V, 36L * C, padded, padded_plane, tiles, C, nb, Wp);
    winograd_gemm(Mx, U, V, M, C, nb);
    for (int k = 0; k < M; k++) {
      const v128_t b = splat(bias ? bias[k] : 0.0f);
      float *yk = y + (long)k * OH * OW;
      for (int t = 0; t < nb; t += 4) {
        v128_t *Mk = Mx + ((long)t / 4 * M + k) * 36;
        if (clamped) output_tiles(yk, OW, Mk, tiles + t * TILE_INTS, b, lo, hi, 1);
        else output_tiles(yk, OW, Mk, tiles + t * TILE_INTS, b, lo, hi, 0);
      }
    }
  }
  if (res) add_residual(y, res + (long)n0 * z.out_image, (long)(n1 - n0) * z.out_image, g);
}

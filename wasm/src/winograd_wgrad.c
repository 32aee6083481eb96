/*
 * The weight gradient of a Winograd F(4x4, 3x3) conv (group-1, 3x3, stride-1, dilation-1, any
 * padding), the adjoint of winograd.c's forward. Per tile t the forward computes
 * y_kt = A^T [sum_c U_kc .* V_ct] A with U_kc = G g_kc G^T and V_ct = B^T d_ct B, so
 *
 *   dM_kt = A dy_kt A^T                       (dy_kt the 4x4 output-gradient tile, 0 outside y)
 *   dU_kc = sum_t dM_kt .* V_ct               36 GEMMs M x C, summed over the tiles
 *   dg_kc = G^T dU_kc G                       winograd_weight_grad_finish, once per call
 *
 * V comes from the forward's input transform (winograd_input_block). Tiles past the edge of y
 * read dy as zero (dy is first copied tile by tile into a zero-filled buffer), so the outputs the
 * forward discards contribute nothing. Vectors run across four tiles: each accumulator of the GEMM
 * holds four tiles' products and is summed across lanes once per block.
 *
 * Determinism: each chunk of `chunk` images (fixed by the TypeScript side, whatever the thread
 * count) sums into its own dU slot (36 x M x C floats, [xi][k][c]) in a fixed order; sum_parts
 * (conv.c) adds the slots in chunk order, then winograd_weight_grad_finish transforms the total.
 * src/kernels/winograd-wgrad.ts is the reference.
 */
#include "kernels.h"
#include "winograd.h"

static inline v128_t splat(float f) { return wasm_f32x4_splat(f); }

/* A (6x4) on four vectors o0..o3 into m[0], m[s], .., m[5s]: the adjoint of output_1d. */
static inline __attribute__((always_inline)) void adjoint_1d(v128_t o0, v128_t o1, v128_t o2, v128_t o3, v128_t *m, int s) {
  const v128_t e = wasm_f32x4_add(o0, o2), f = wasm_f32x4_add(o1, o3);
  const v128_t e4 = madd(splat(4.0f), o2, o0), f8 = madd(splat(8.0f), o3, wasm_f32x4_add(o1, o1));
  m[0] = o0;
  m[s] = wasm_f32x4_add(e, f);
  m[2 * s] = wasm_f32x4_sub(e, f);
  m[3 * s] = wasm_f32x4_add(e4, f8);
  m[4 * s] = wasm_f32x4_sub(e4, f8);
  m[5 * s] = o3;
}

/* dM[0..36) (vectors: four tiles) = A dy A^T of four consecutive 16-float tiles at src (rows 4 floats apart). */
static inline __attribute__((always_inline)) void grad_tiles(v128_t *dM, const float *src) {
#pragma clang loop unroll(full)
  for (int r = 0; r < 4; r++) {
    v128_t a0 = wasm_v128_load(src + r * 4), a1 = wasm_v128_load(src + 16 + r * 4);
    v128_t a2 = wasm_v128_load(src + 32 + r * 4), a3 = wasm_v128_load(src + 48 + r * 4);
    TRANSPOSE4(a0, a1, a2, a3);
    adjoint_1d(a0, a1, a2, a3, dM + r * 6, 1);
  }
#pragma clang loop unroll(full)
  for (int j = 0; j < 6; j++) adjoint_1d(dM[j], dM[6 + j], dM[12 + j], dM[18 + j], dM + j, 6);
}

/*
 * dyt[k][t][16] = the chunk's output gradient, tile by tile (tiles numbered across the images as
 * winograd_tile_table numbers them, tpad of them per channel: the padding tiles are zero), zero
 * where a tile reaches past the edge of y; db[k] = the sum of dy over the chunk (when db is not
 * null), four columns per vector, in the same pass.
 */
__attribute__((no_builtin)) static void tile_gradient(float *dyt, float *db, const float *dy, const ConvGeom *g, int images, int th, int tw, int tpad) {
  const int M = g->out_c, OH = g->out_h, OW = g->out_w, per_image = th * tw;
  const v128_t zero = splat(0.0f);
  for (long i = 0; i < (long)M * tpad * 4; i++) wasm_v128_store(dyt + i * 4, zero);
  for (int k = 0; k < M; k++) {
    v128_t sum = zero;
    float tail = 0.0f;
    for (int n = 0; n < images; n++) {
      const float *plane = dy + ((long)n * M + k) * OH * OW;
      float *tiles = dyt + ((long)k * tpad + (long)n * per_image) * 16;
      for (int oy = 0; oy < OH; oy++) {
        const float *row = plane + (long)oy * OW;
        float *dst = tiles + (long)(oy / 4) * tw * 16 + (oy % 4) * 4;
        int ox = 0;
        for (; ox + 4 <= OW; ox += 4, dst += 16) {
          const v128_t v = wasm_v128_load(row + ox);
          wasm_v128_store(dst, v);
          sum = wasm_f32x4_add(sum, v);
        }
        for (int j = 0; ox + j < OW; j++) {
          dst[j] = row[ox + j];
          tail += row[ox + j];
        }
      }
    }
    if (db) db[k] = (wasm_f32x4_extract_lane(sum, 0) + wasm_f32x4_extract_lane(sum, 1)) +
                    (wasm_f32x4_extract_lane(sum, 2) + wasm_f32x4_extract_lane(sum, 3)) + tail;
  }
}

/* Adds the lane sums of a0..a3 to dst[0..4). */
static inline void add_sums(float *dst, v128_t a0, v128_t a1, v128_t a2, v128_t a3) {
  TRANSPOSE4(a0, a1, a2, a3);
  const v128_t s = wasm_f32x4_add(wasm_f32x4_add(a0, a1), wasm_f32x4_add(a2, a3));
  wasm_v128_store(dst, wasm_f32x4_add(wasm_v128_load(dst), s));
}

static inline float lane_sum(v128_t a) {
  return (wasm_f32x4_extract_lane(a, 0) + wasm_f32x4_extract_lane(a, 1)) + (wasm_f32x4_extract_lane(a, 2) + wasm_f32x4_extract_lane(a, 3));
}

/*
 * Vectors from one quad's transformed tiles to the next in V and dM: 4 more than 36 x channels. The
 * GEMM's inner loop runs over quads; at 36 x 64 vectors (36 KiB, 9 x 4 KiB) apart every load of it
 * would fall in one L1 set.
 */
static inline long quad_stride(int channels) { return 36L * channels + 4; }

/*
 * dU[xi][k][c] += sum_q sum_lanes dM[q][k][xi] V[q][c][xi] over the nb / 4 quads of a block: register
 * tiles of 2 output x 4 input channels (8 accumulators, 6 loads per 8 multiply-adds), then single
 * rows and columns for the channels past those multiples.
 */
static void wgrad_gemm(float *dU, const v128_t *dM, const v128_t *V, int M, int C, int nb) {
  const int quads = nb / 4, M2 = M & ~1, C4 = C & ~3;
  const long mq = quad_stride(M), vq = quad_stride(C);
  for (int xi = 0; xi < 36; xi++) {
    float *du = dU + (long)xi * M * C;
    for (int k = 0; k < M2; k += 2) {
      for (int c = 0; c < C4; c += 4) {
        const v128_t *a = dM + k * 36L + xi, *b = V + c * 36L + xi;
        v128_t s00 = splat(0.0f), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        for (int q = 0; q < quads; q++, a += mq, b += vq) {
          const v128_t a0 = a[0], a1 = a[36], b0 = b[0], b1 = b[36], b2 = b[72], b3 = b[108];
          s00 = madd(a0, b0, s00); s01 = madd(a0, b1, s01); s02 = madd(a0, b2, s02); s03 = madd(a0, b3, s03);
          s10 = madd(a1, b0, s10); s11 = madd(a1, b1, s11); s12 = madd(a1, b2, s12); s13 = madd(a1, b3, s13);
        }
        add_sums(du + (long)k * C + c, s00, s01, s02, s03);
        add_sums(du + (long)(k + 1) * C + c, s10, s11, s12, s13);
      }
    }
    for (int k = 0; k < M; k++) {
      for (int c = k < M2 ? C4 : 0; c < C; c++) {
        const v128_t *a = dM + k * 36L + xi, *b = V + c * 36L + xi;
        v128_t s = splat(0.0f);
        for (int q = 0; q < quads; q++, a += mq, b += vq) s = madd(a[0], b[0], s);
        du[(long)k * C + c] += lane_sum(s);
      }
    }
  }
}

/*
 * For each chunk c in [chunk0, chunk1) of `chunk` images: du_parts[c] (36 x M x C + 4 floats) =
 * dU of the chunk, db_parts[c] (M) = sum of dy per channel when db_parts is not null. Scratch per
 * thread (winogradWgradScratchFloats in src/kernels/wasm/winograd-wgrad-wasm.ts): the chunk's padded
 * images, its tiled dy, V and dM of one block of `block` tiles, the tile table, the Tiling.
 */
void EXPORT(winograd_weight_grad)(float *du_parts, float *db_parts, const float *dy, const float *in, const ConvGeom *g,
                                  int chunk0, int chunk1, int chunk, float *scratch, int block) {
  const int C = g->in_c, M = g->out_c, OH = g->out_h, OW = g->out_w;
  const int th = (OH + 3) / 4, tw = (OW + 3) / 4, Hp = 4 * th + 2, Wp = 4 * tw + 4;
  const long padded_plane = (long)Hp * Wp, du_size = 36L * M * C + 4;
  const int tpad = (chunk * th * tw + 3) & ~3;
  float *padded = scratch, *dyt = padded + (long)chunk * C * padded_plane;
  v128_t *V = (v128_t *)(dyt + (long)M * tpad * 16), *dM = V + quad_stride(C) * (block / 4);
  int *tiles = (int *)(dM + quad_stride(M) * (block / 4));
  /* In scratch, not a local: winograd_tile_table (another file) takes its address, and a local would live on the shadow stack. */
  Tiling *z = (Tiling *)(tiles + TILE_INTS * block);
  for (int ch = chunk0; ch < chunk1; ch++) {
    const int first = ch * chunk, images = (first + chunk < g->batch ? first + chunk : g->batch) - first;
    *z = (Tiling){images * th * tw, th * tw, tw, Wp, OH, OW, C * Hp * Wp, 0};
    const float *dyc = dy + (long)first * M * OH * OW;
    float *du = du_parts + ch * du_size;
    for (long i = 0; i < du_size; i++) du[i] = 0.0f;
    for (int n = 0; n < images; n++)
      winograd_pad_image(padded + n * z->padded_image, in + (long)(first + n) * C * g->in_h * g->in_w, C, g, Hp, Wp);
    tile_gradient(dyt, db_parts ? db_parts + (long)ch * M : 0, dyc, g, images, th, tw, tpad);
    for (int t0 = 0; t0 < z->total; t0 += block) {
      const int nb = z->total - t0 < block ? (z->total - t0 + 3) & ~3 : block;
      winograd_tile_table(tiles, z, t0, nb);
      winograd_input_block(V, quad_stride(C), padded, padded_plane, tiles, C, nb, Wp);
      for (int k = 0; k < M; k++)
        for (int t = 0; t < nb; t += 4) grad_tiles(dM + (long)t / 4 * quad_stride(M) + k * 36L, dyt + ((long)k * tpad + t0 + t) * 16);
      wgrad_gemm(du, dM, V, M, C, nb);
    }
  }
}

/* G^T (3x6) on six vectors u0..u5 into r[0], r[rs], r[2rs] (float pointers, vectors stored unaligned): the adjoint of weight_1d. */
static inline __attribute__((always_inline)) void weight_adjoint_1d(v128_t u0, v128_t u1, v128_t u2, v128_t u3, v128_t u4, v128_t u5, float *r, long rs) {
  const v128_t sum12 = wasm_f32x4_add(u1, u2), dif12 = wasm_f32x4_sub(u1, u2);
  const v128_t sum34 = wasm_f32x4_add(u3, u4), dif34 = wasm_f32x4_sub(u3, u4);
  wasm_v128_store(r, madd(splat(1.0f / 24), sum34, madd(splat(-1.0f / 6), sum12, wasm_f32x4_mul(splat(0.25f), u0))));
  wasm_v128_store(r + rs, madd(splat(1.0f / 12), dif34, wasm_f32x4_mul(splat(-1.0f / 6), dif12)));
  wasm_v128_store(r + 2 * rs, madd(splat(1.0f / 6), wasm_f32x4_sub(sum34, sum12), u5));
}

/*
 * dw (M, C, 3, 3) = G^T dU_kc G of dU ([xi][k][c], 36 x M x C floats and 4 readable past the end),
 * four input channels per vector (lanes past C read the next floats and are dropped). No local
 * arrays (threads share the shadow stack): the column pass leaves G^T dU (18 vectors) in tmp, the
 * row pass its 9 vectors after them (tmp: 108 floats).
 */
void EXPORT(winograd_weight_grad_finish)(float *dw, const float *dU, int M, int C, float *tmp) {
  const long plane = (long)M * C;
  float *rows = tmp + 72;
  for (int k = 0; k < M; k++) {
    for (int c0 = 0; c0 < C; c0 += 4) {
      const int lanes = C - c0 < 4 ? C - c0 : 4;
      const float *x = dU + (long)k * C + c0;
#define AT(xi) wasm_v128_load(x + (xi) * plane)
#define H(i) wasm_v128_load(tmp + (i) * 4)
      for (int j = 0; j < 6; j++) weight_adjoint_1d(AT(j), AT(6 + j), AT(12 + j), AT(18 + j), AT(24 + j), AT(30 + j), tmp + j * 4, 24);
      for (int i = 0; i < 3; i++) weight_adjoint_1d(H(i * 6), H(i * 6 + 1), H(i * 6 + 2), H(i * 6 + 3), H(i * 6 + 4), H(i * 6 + 5), rows + i * 12, 4);
#undef AT
#undef H
      float *dst = dw + ((long)k * C + c0) * 9;
      for (int t = 0; t < 9; t++)
        for (int l = 0; l < lanes; l++) dst[l * 9 + t] = rows[t * 4 + l];
    }
  }
}

/*
 * What winograd.c, winograd_gemm.c and winograd_wgrad.c share (not exported: the TypeScript side
 * calls winograd.c and winograd_wgrad.c): the tile table, the padded copy and the input transform.
 */
#ifndef EDGEC_WINOGRAD_H
#define EDGEC_WINOGRAD_H

#include "kernels.h"

/*
 * Mx[q][k][xi] = sum_c U[xi][k][c] V[q][c][xi] for the nb / 4 quads q of a tile block (nb a
 * multiple of 4) and the 36 positions xi: V and Mx hold one vector (four tiles) per entry.
 */
/*
 * Floats from one position's M x C matrix of U to the next: 16 more than M x C, so that the 36
 * entries of one (k, c) are not all 4 KiB apart (at 32 x 32 channels), in one L1 set.
 */
static inline long u_plane(int M, int C) { return (long)M * C + 16; }

/* Transposes four vectors as the rows of a 4x4 matrix, in place. */
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

/*
 * Where each tile of a block reads and writes, computed once per block instead of dividing by the
 * tile-row length per channel: 4 ints per tile (patch offset from the first padded image's plane,
 * output offset from the first image's output plane, output rows and columns inside the plane,
 * 0 rows for the padding lanes past the last tile).
 */
enum { AT_PATCH, AT_OUT, ROWS, COLS, TILE_INTS };

/* The tiles of a run of images, numbered image by image, row by row. */
typedef struct {
  int total, per_image, tw, Wp, OH, OW, padded_image, out_image;
} Tiling;

void winograd_gemm(v128_t *Mx, const float *U, const v128_t *V, int M, int C, int nb);

void winograd_tile_table(int *table, const Tiling *z, int t0, int nb);
void winograd_pad_image(float *dst, const float *x, int C, const ConvGeom *g, int Hp, int Wp);
void winograd_input_block(v128_t *V, long vquad, const float *padded, long padded_plane, const int *tiles, int C, int nb, int Wp);

#endif

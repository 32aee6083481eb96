/* What winograd.c and winograd_gemm.c share (not exported: the TypeScript side calls winograd.c). */
#ifndef EDGEC_WINOGRAD_H
#define EDGEC_WINOGRAD_H

#include <wasm_simd128.h>

/*
 * Mx[q][k][xi] = sum_c U[xi][k][c] V[q][c][xi] for the nb / 4 quads q of a tile block (nb a
 * multiple of 4) and the 36 positions xi: V and Mx hold one vector (four tiles) per entry.
 */
/*
 * Floats from one position's M x C matrix of U to the next: 16 more than M x C, so that the 36
 * entries of one (k, c) are not all 4 KiB apart (at 32 x 32 channels), in one L1 set.
 */
static inline long u_plane(int M, int C) { return (long)M * C + 16; }

void winograd_gemm(v128_t *Mx, const float *U, const v128_t *V, int M, int C, int nb);

#endif

/* What winograd.c and winograd_gemm.c share (not exported: the TypeScript side calls winograd.c). */
#ifndef EDGEC_WINOGRAD_H
#define EDGEC_WINOGRAD_H

#include <wasm_simd128.h>

/*
 * Mx[q][k][xi] = sum_c U[xi][k][c] V[q][c][xi] for the nb / 4 quads q of a tile block (nb a
 * multiple of 4) and the 36 positions xi: V and Mx hold one vector (four tiles) per entry.
 */
void winograd_gemm(v128_t *Mx, const float *U, const v128_t *V, int M, int C, int nb);

#endif

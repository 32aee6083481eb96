/* What winograd.c and winograd_gemm.c share (not exported: the TypeScript side calls winograd.c). */
#ifndef EDGEC_WINOGRAD_H
#define EDGEC_WINOGRAD_H

/*
 * Mx[xi] (M x nb) = U[xi] (M x C) @ V[xi] (C x nb) for the 36 positions xi of a tile block;
 * nb is a multiple of 4, rows are nb floats apart in V and Mx, C in U; the matrices of consecutive
 * xi are ms (Mx), vs (V) and M x C (U) floats apart.
 */
void winograd_gemm(float *Mx, long ms, const float *U, const float *V, long vs, int M, int C, int nb);

#endif

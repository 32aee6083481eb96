/*
 * Fully connected (Gemm, MatMul with constant weights) and per-channel affine layers. Weights of
 * the fully connected layer are (n, k), densely packed at w_bits; requantization per output
 * column n; group-wise scales multiply each product by the integer multiplier of its group of
 * group_size consecutive inputs.
 */
#include "edgec_kernels.h"

void edgec_fully_connected(int32_t rows, int32_t k, int32_t n, int32_t w_bits, int32_t in_is16, int32_t out_is16,
                           const edgec_requant_params *q, const void *in, const int8_t *w, const int32_t *bias,
                           void *out)
{
    const int32_t groups = q->group_size > 0 ? (k + q->group_size - 1) / q->group_size : 0;
    int32_t r, c, i;
    for (r = 0; r < rows; r++) {
        for (c = 0; c < n; c++) {
            int32_t acc = bias ? bias[c] : 0;
            if (groups > 0) {
                const int32_t *group_mult = q->group_mult + c * groups;
                for (i = 0; i < k; i++) {
                    acc += group_mult[i / q->group_size] *
                           ((edgec_load(in, r * k + i, in_is16) + q->in_offset) * edgec_weight(w, c * k + i, w_bits));
                }
            } else if (!in_is16 && w_bits == 8) {
                const int8_t *x = (const int8_t *)in + r * k;
                const int8_t *row = w + c * k;
                for (i = 0; i < k; i++) {
                    acc += (x[i] + q->in_offset) * row[i];
                }
            } else {
                for (i = 0; i < k; i++) {
                    acc += (edgec_load(in, r * k + i, in_is16) + q->in_offset) * edgec_weight(w, c * k + i, w_bits);
                }
            }
            edgec_store(out, r * n + c, out_is16, edgec_finish(acc, c, q));
        }
    }
}

void edgec_channel_affine(int32_t channels, int32_t inner, int32_t w_bits, int32_t in_is16, int32_t out_is16,
                          const edgec_requant_params *q, const void *in, const int8_t *w, const int32_t *bias,
                          void *out)
{
    int32_t c, i;
    for (c = 0; c < channels; c++) {
        for (i = c * inner; i < (c + 1) * inner; i++) {
            const int32_t acc = bias[c] + (edgec_load(in, i, in_is16) + q->in_offset) * edgec_weight(w, c, w_bits);
            edgec_store(out, i, out_is16, edgec_finish(acc, c, q));
        }
    }
}

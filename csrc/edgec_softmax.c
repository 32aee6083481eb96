/*
 * Softmax int8 -> int8 (output scale 1/256, zero point -128, as TFLite) over the axis of an
 * (outer, length, inner) view, integers only:
 *   e_j = exp_table[max - x_j]   (round(2^16 * exp(-d * input_scale)), built at compile time)
 *   out = min(127, (e_j * 256 + sum / 2) / sum - 128)
 */
#include "edgec_kernels.h"

void edgec_softmax_s8(int32_t outer, int32_t length, int32_t inner, const int32_t *exp_table, const int8_t *in,
                      int8_t *out)
{
    int32_t o, i, j;
    for (o = 0; o < outer; o++) {
        for (i = 0; i < inner; i++) {
            const int32_t base = o * length * inner + i;
            int32_t max = -128;
            uint32_t sum = 0;
            for (j = 0; j < length; j++) {
                max = in[base + j * inner] > max ? in[base + j * inner] : max;
            }
            for (j = 0; j < length; j++) {
                sum += (uint32_t)exp_table[max - in[base + j * inner]];
            }
            for (j = 0; j < length; j++) {
                const uint32_t e = (uint32_t)exp_table[max - in[base + j * inner]];
                const int32_t v = (int32_t)((e * 256u + sum / 2u) / sum) - 128;
                out[base + j * inner] = (int8_t)(v < 127 ? v : 127);
            }
        }
    }
}

/* Data movement: transpose (a permuted copy) and the block copies Concat is made of. */
#include "edgec_kernels.h"

void edgec_transpose(int32_t rank, const int32_t *out_shape, const int32_t *in_strides_permuted, int32_t is16,
                     const void *in, void *out)
{
    int32_t index[EDGEC_MAX_RANK] = {0};
    int32_t total = 1, src = 0, o, a;
    for (a = 0; a < rank; a++) {
        total *= out_shape[a];
    }
    for (o = 0; o < total; o++) {
        edgec_store(out, o, is16, edgec_load(in, src, is16));
        for (a = rank - 1; a >= 0; a--) {
            src += in_strides_permuted[a];
            if (++index[a] < out_shape[a]) {
                break;
            }
            src -= in_strides_permuted[a] * out_shape[a];
            index[a] = 0;
        }
    }
}

void edgec_copy_block(int32_t outer, int32_t block, int32_t total, int32_t start, int32_t is16, int32_t act_min,
                      int32_t act_max, const void *in, void *out)
{
    int32_t o, i;
    for (o = 0; o < outer; o++) {
        for (i = 0; i < block; i++) {
            edgec_store(out, o * total + start + i, is16, edgec_clamp(edgec_load(in, o * block + i, is16), act_min, act_max));
        }
    }
}

void edgec_rescale_block(int32_t outer, int32_t block, int32_t total, int32_t start, int32_t in_is16,
                         int32_t out_is16, int32_t in_offset, int32_t mult, int32_t shift, int32_t out_offset,
                         int32_t act_min, int32_t act_max, const void *in, void *out)
{
    int32_t o, i;
    for (o = 0; o < outer; o++) {
        for (i = 0; i < block; i++) {
            const int32_t v = edgec_requantize(edgec_load(in, o * block + i, in_is16) + in_offset, mult, shift);
            edgec_store(out, o * total + start + i, out_is16, edgec_clamp(v + out_offset, act_min, act_max));
        }
    }
}

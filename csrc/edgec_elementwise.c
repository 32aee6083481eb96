/*
 * Elementwise kernels. Add is TFLite / CMSIS-NN arm_elementwise_add_s8: each input, offset and
 * shifted left by left_shift, is rescaled to a common scale, the sum requantized to the output.
 * Mul requantizes the product of the offset inputs. Both broadcast numpy-style through
 * per-input strides; out may be the same buffer as a full-size input (element i of each input is
 * read before element i is written).
 */
#include "edgec_kernels.h"

/* Calls the op on every output element, walking the inputs with their (broadcast) strides. */
#define EDGEC_BROADCAST_LOOP(b, BODY)                                                        \
    do {                                                                                     \
        int32_t index_[EDGEC_MAX_RANK] = {0};                                                \
        int32_t i1 = 0, i2 = 0, o = 0, a_, total_ = 1;                                       \
        for (a_ = 0; a_ < (b)->rank; a_++) {                                                 \
            total_ *= (b)->shape[a_];                                                        \
        }                                                                                    \
        for (o = 0; o < total_; o++) {                                                      \
            BODY;                                                                            \
            for (a_ = (b)->rank - 1; a_ >= 0; a_--) {                                        \
                i1 += (b)->strides1[a_];                                                     \
                i2 += (b)->strides2[a_];                                                     \
                if (++index_[a_] < (b)->shape[a_]) {                                         \
                    break;                                                                   \
                }                                                                            \
                i1 -= (b)->strides1[a_] * (b)->shape[a_];                                    \
                i2 -= (b)->strides2[a_] * (b)->shape[a_];                                    \
                index_[a_] = 0;                                                              \
            }                                                                                \
        }                                                                                    \
    } while (0)

void edgec_add(const edgec_broadcast *b, const edgec_add_params *p, const void *in1, const void *in2, void *out)
{
    EDGEC_BROADCAST_LOOP(b, {
        const int32_t x1 = (int32_t)((uint32_t)(edgec_load(in1, i1, b->in1_is16) + p->in1_offset) << p->left_shift);
        const int32_t x2 = (int32_t)((uint32_t)(edgec_load(in2, i2, b->in2_is16) + p->in2_offset) << p->left_shift);
        const int32_t sum = edgec_requantize(x1, p->in1_mult, p->in1_shift) + edgec_requantize(x2, p->in2_mult, p->in2_shift);
        edgec_store(out, o, b->out_is16,
                    edgec_clamp(edgec_requantize(sum, p->out_mult, p->out_shift) + p->out_offset, p->act_min, p->act_max));
    });
}

void edgec_mul(const edgec_broadcast *b, const edgec_mul_params *p, const void *in1, const void *in2, void *out)
{
    EDGEC_BROADCAST_LOOP(b, {
        const int32_t product = (edgec_load(in1, i1, b->in1_is16) + p->in1_offset) *
                                (edgec_load(in2, i2, b->in2_is16) + p->in2_offset);
        edgec_store(out, o, b->out_is16,
                    edgec_clamp(edgec_requantize(product, p->out_mult, p->out_shift) + p->out_offset, p->act_min, p->act_max));
    });
}

void edgec_lookup_s8(int32_t size, const int8_t *table, const int8_t *in, int8_t *out)
{
    int32_t i;
    for (i = 0; i < size; i++) {
        out[i] = table[in[i] + 128];
    }
}

void edgec_rescale(int32_t size, int32_t in_is16, int32_t out_is16, int32_t in_offset, int32_t mult, int32_t shift,
                   int32_t out_offset, int32_t act_min, int32_t act_max, const void *in, void *out)
{
    int32_t i;
    for (i = 0; i < size; i++) {
        const int32_t v = edgec_requantize(edgec_load(in, i, in_is16) + in_offset, mult, shift) + out_offset;
        edgec_store(out, i, out_is16, edgec_clamp(v, act_min, act_max));
    }
}

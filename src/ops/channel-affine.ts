/**
 * ChannelAffine (domain com.edgec): y[n, c, ...] = x[n, c, ...] * scale[c] + bias[c].
 *
 * What an inference-mode BatchNormalization computes once its statistics are folded into one
 * multiplier and one offset per channel (passes/lower-batch-norm.ts); it stands in for a BN that
 * has no Conv/Gemm/MatMul to fold into. The BN's statistics stay on the node
 * (`node.meta.batchNorm`). The channel axis is 1, as for BatchNormalization.
 *
 * Inputs: X (rank >= 2, float), scale [C], bias [C] with C = X.shape[1]. Output: Y, X's type.
 */
import { EDGEC_DOMAIN } from '../ir/graph.js';
import { isFloatType, makeTensor, sizeOf, type Tensor } from '../ir/tensor.js';
import { defineOp, opError } from './op-def.js';
import { channelAffineBackward } from '../kernels/normalization-backward.js';
import { gradOf } from '../train/op-grads.js';
import { channelAffineEmitC } from '../codegen/emit-ops/weighted.js';
import { channelAffineFacet } from '../quant/layout-facets.js';

export const ChannelAffine = defineOp({
  type: 'ChannelAffine',
  emitC: channelAffineEmitC,
  domain: EDGEC_DOMAIN,
  attrs: {},
  inputs: { min: 3, max: 3 },
  outputs: { min: 1, max: 1 },

  inferTypes: ([x, scale, bias], _attrs, node) => {
    if (!x || !scale || !bias) throw opError(node, 'needs inputs X, scale and bias');
    if (x.shape.length < 2) throw opError(node, `needs an input of rank 2 or more, found [${x.shape.join(', ')}]`);
    if (!isFloatType(x.dtype)) throw opError(node, `needs a float input, found ${x.dtype}`);
    const channels = x.shape[1]!;
    for (const [label, t] of [['scale', scale], ['bias', bias]] as const) {
      if (t.shape.length !== 1 || t.shape[0] !== channels) {
        throw opError(node, `${label} has shape [${t.shape.join(', ')}], expected [${channels}] (the channels of X)`);
      }
    }
    return [{ dtype: x.dtype, shape: [...x.shape] }];
  },

  // x is (N, C, inner): one multiply-add per element in double, rounded once on store. onnxruntime's
  // BatchNormalization also precomputes a per-channel scale and shift; the two differ by at most
  // a float32 rounding.
  forward: ([x, scale, bias]) => {
    const input = x as Tensor;
    const channels = input.shape[1]!;
    const inner = sizeOf(input.shape.slice(2));
    const out = makeTensor(input.dtype, input.shape);
    const src = input.data;
    const dst = out.data;
    const s = (scale as Tensor).data;
    const b = (bias as Tensor).data;
    for (let base = 0, c = 0; base < src.length; base += inner, c = (c + 1) % channels) {
      const sc = s[c]!;
      const bc = b[c]!;
      for (let i = base; i < base + inner; i++) dst[i] = src[i]! * sc + bc;
    }
    return [out];
  },

  macs: ([x]) => (x ? sizeOf(x.shape) : 0),

  backward: ([x, scale, bias], [y], [dy]) => {
    const [dx, dscale, dbias] = [x!, scale!, bias!].map((t) => makeTensor(t.dtype, t.shape)) as [Tensor, Tensor, Tensor];
    const pixels = sizeOf(x!.shape.slice(2));
    channelAffineBackward({ dx: dx.data, dscale: dscale.data, dbias: dbias.data }, gradOf(dy, y!).data, x!.data, scale!.data, x!.shape[1]!, pixels);
    return [dx, dscale, dbias];
  },
  // Integer: per-channel weight and bias, requantized per channel (quant/layout-facets.ts).
  integer: channelAffineFacet,
});

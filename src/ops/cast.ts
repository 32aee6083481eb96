/**
 * Cast (to: an ONNX TensorProto data type) and CastLike (to the dtype of a second input), for
 * every dtype edgec carries. Float to integer truncates toward zero and wraps out-of-range values
 * (what onnxruntime's static_cast does on the platforms we target, uint64 included); to bool is
 * "not zero" (NaN is true, as in C++); to float16 and bfloat16 rounds to nearest, ties to even,
 * overflowing to infinity (bfloat16: as onnxruntime and ONNX 1.13+ do; ONNX 1.12's backend data
 * truncated).
 * The spec's saturate attribute only concerns float8 types, which edgec does not carry.
 */
import type { Node } from '../ir/graph.js';
import { ONNX_TO_DTYPE } from '../onnx/dtypes.js';
import { roundToFloat16 } from '../kernels/special-functions.js';
import { roundToBfloat16 } from '../ir/bfloat16.js';
import { castScalar, makeTensor, type DType, type Tensor } from '../ir/tensor.js';
import { attr, defineOp, opError } from './op-def.js';
import { carriesGrad, gradFrom, gradOf } from '../train/op-grads.js';

/** Float to float casts pass the gradient through (in the input's dtype); others have none. */
function castGrad(x: Tensor, y: Tensor, dy: Tensor | undefined): Tensor | undefined {
  return carriesGrad(x) && carriesGrad(y) ? gradFrom(x, gradOf(dy, y).data) : undefined;
}


function targetType(to: number | undefined, node: Node): DType {
  if (to === undefined) throw opError(node, 'the "to" attribute is required');
  const dtype = ONNX_TO_DTYPE[to];
  if (!dtype) throw opError(node, `cannot cast to ONNX data type ${to} (edgec has no string, complex or float8 tensors)`);
  return dtype;
}

function castTensor(x: Tensor, to: DType): Tensor {
  const out = makeTensor(to, x.shape);
  const src = x.data;
  const dst = out.data;
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    if (to === 'bool') dst[i] = v !== 0 ? 1 : 0;
    else if (to === 'float16') dst[i] = roundToFloat16(v);
    else if (to === 'bfloat16') dst[i] = roundToBfloat16(v);
    // Negative values wrap modulo 2^64 as in C++ (castScalar keeps uint64 unwrapped); the result is
    // as close as a double gets, which is all a Float64Array holds.
    else if (to === 'uint64') dst[i] = v < 0 && Number.isFinite(v) ? Math.trunc(v) + 2 ** 64 : castScalar(to, v);
    else dst[i] = castScalar(to, v);
  }
  return out;
}

export const Cast = defineOp({
  type: 'Cast',
  attrs: { to: attr.int(), saturate: attr.int(1) },
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  inferTypes: ([x], { to }, node) => [{ dtype: targetType(to, node), shape: [...x!.shape] }],
  forward: ([x], { to }, node) => [castTensor(x!, targetType(to, node))],
  backward: ([x], [y], [dy]) => [castGrad(x!, y!, dy)],
});

export const CastLike = defineOp({
  type: 'CastLike',
  attrs: { saturate: attr.int(1) },
  inputs: { min: 2, max: 2 },
  outputs: { min: 1, max: 1 },
  inferTypes: ([x, like]) => [{ dtype: like!.dtype, shape: [...x!.shape] }],
  forward: ([x, like]) => [castTensor(x!, like!.dtype)],
  backward: ([x], [y], [dy]) => [castGrad(x!, y!, dy), undefined],
});

/**
 * Helpers shared by the elementwise op files (unary.ts, activation.ts, compare.ts): the dtype
 * classes of the ONNX type constraints, checked the way onnxruntime refuses a kernel it lacks,
 * and the map kernel that rounds every result to its dtype once (float32 results are computed in
 * double and rounded, which is what a correctly rounded float32 kernel gives). Not an op module.
 */
import type { Node } from '../ir/graph.js';
import { castScalar, makeTensor, type DType, type Tensor, type ValueType } from '../ir/tensor.js';
import { defineOp, opError, type OpDef } from './op-def.js';
import { carriesGrad, gradOf, mapGrad } from '../train/op-grads.js';

/** float: float16/32/64; signed: float and signed ints; numeric: every dtype but bool. */
export type DTypeClass = 'float' | 'signed' | 'numeric' | 'bool' | 'any';

const FLOAT: readonly DType[] = ['float16', 'float32', 'float64'];
const SIGNED_INT: readonly DType[] = ['int8', 'int16', 'int32', 'int64'];
const UNSIGNED_INT: readonly DType[] = ['uint8', 'uint16', 'uint32', 'uint64'];

export function inClass(dtype: DType, cls: DTypeClass): boolean {
  switch (cls) {
    case 'float':
      return FLOAT.includes(dtype);
    case 'signed':
      return FLOAT.includes(dtype) || SIGNED_INT.includes(dtype);
    case 'numeric':
      return dtype !== 'bool';
    case 'bool':
      return dtype === 'bool';
    case 'any':
      return true;
  }
}

const CLASS_NAME: Record<DTypeClass, string> = {
  float: 'a float',
  signed: 'a float or signed integer',
  numeric: 'a numeric',
  bool: 'a bool',
  any: 'any',
};

export function checkDType(node: Node, dtype: DType, cls: DTypeClass, what = 'input'): void {
  if (!inClass(dtype, cls)) throw opError(node, `${what} has dtype ${dtype}, the op needs ${CLASS_NAME[cls]} tensor`);
}

/** Every input must share the first one's dtype (ONNX's single type variable T). */
export function checkSameDType(node: Node, types: readonly (ValueType | undefined)[], what = 'inputs'): void {
  const present = types.filter((t): t is ValueType => t !== undefined);
  const first = present[0];
  if (first && present.some((t) => t.dtype !== first.dtype)) {
    throw opError(node, `${what} have different dtypes (${present.map((t) => t.dtype).join(', ')})`);
  }
}

/** Rounds a double to what `dtype` holds; the identity for float64, Math.fround for float32. */
export function rounderFor(dtype: DType): (v: number) => number {
  if (dtype === 'float64') return (v) => v;
  if (dtype === 'float32' || dtype === 'float16') return Math.fround;
  return (v) => castScalar(dtype, v);
}

/** y = f(x) elementwise, rounded to `dtype` (the input's unless given). */
export function mapTensor(x: Tensor, f: (v: number) => number, dtype: DType = x.dtype): Tensor {
  const out = makeTensor(dtype, x.shape);
  const round = rounderFor(dtype);
  const src = x.data;
  const dst = out.data;
  for (let i = 0; i < src.length; i++) dst[i] = round(f(src[i]!));
  return out;
}

/**
 * An attribute-free unary op: same shape and dtype out, `f` applied to every element. `df(x, y)`
 * is its derivative at x (y = f(x) is handed in for ops whose derivative reads best from it);
 * without one, or for integer inputs, no gradient flows.
 */
export function unaryOp(type: string, cls: DTypeClass, f: (v: number) => number, df?: (x: number, y: number) => number): OpDef {
  return defineOp({
    type,
    attrs: {},
    inputs: { min: 1, max: 1 },
    outputs: { min: 1, max: 1 },
    inferTypes: ([x], _a, node) => {
      checkDType(node, x!.dtype, cls);
      return [{ dtype: x!.dtype, shape: [...x!.shape] }];
    },
    forward: ([x]) => [mapTensor(x!, f)],
    backward: ([x], [y], [dy]) => [df && carriesGrad(x) ? mapGrad(x!, y!, gradOf(dy, y!), df) : undefined],
  });
}

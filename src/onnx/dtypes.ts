/**
 * ONNX TensorProto.DataType numbers <-> edgec's DType. The types edgec cannot hold (string,
 * complex, the float8/int4 families) are reported by name, with the tensor or value that
 * uses them, instead of being read as garbage.
 */
import { ModelError } from '../errors.js';
import type { DType } from '../ir/tensor.js';

/** ONNX TensorProto.DataType codes of the dtypes edgec carries (also Cast's `to` values). */
export const ONNX_TO_DTYPE: Readonly<Record<number, DType>> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
};

/** Names of the ONNX types edgec does not support, for error messages. */
const UNSUPPORTED_NAMES: Record<number, string> = {
  0: 'undefined',
  8: 'string',
  14: 'complex64',
  15: 'complex128',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1',
};

const DTYPE_TO_ONNX = new Map<DType, number>(Object.entries(ONNX_TO_DTYPE).map(([k, v]) => [v, Number(k)]));

/**
 * The DType of an ONNX data type number. `what` names the tensor or value and its file
 * (`tensor "w" in model.onnx`), so the error says where the unsupported type is.
 */
export function dtypeFromOnnx(code: number | null | undefined, what: string): DType {
  const dtype = ONNX_TO_DTYPE[code ?? 0];
  if (dtype) return dtype;
  const name = UNSUPPORTED_NAMES[code ?? 0] ?? `unknown type ${code}`;
  throw new ModelError(`${what} has data type ${name}, which edgec does not support`);
}

/** The ONNX data type number of a DType. */
export function onnxFromDtype(dtype: DType): number {
  return DTYPE_TO_ONNX.get(dtype)!;
}

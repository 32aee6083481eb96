/**
 * Tensors: a dtype, a shape and a flat row-major buffer. Floats (float32, and float16 and bfloat16,
 * which are widened on load) live in a Float32Array, so the fp32 engine computes exactly as onnxruntime does;
 * every other dtype (integers, bool, float64) lives in a Float64Array, which holds every int32
 * exactly and int64 values up to 2^53 (the int64 sentinels of Slice, +-2^63-1, round but still
 * clamp correctly). Integer arithmetic of the quantized pipeline uses its own Int8/Int32 arrays.
 */
import { InternalError } from '../errors.js';
import { roundToBfloat16 } from './bfloat16.js';
import { takeFloat32 } from './buffer-pool.js';

export type DType =
  | 'float32'
  | 'float16'
  | 'bfloat16'
  | 'float64'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'bool';

export type TensorData = Float32Array | Float64Array;

export interface Tensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: TensorData;
}

/** What shape inference knows about a value: its type, and its contents when they are constant. */
export interface ValueType {
  dtype: DType;
  shape: readonly number[];
}
export interface KnownValue extends ValueType {
  value?: Tensor;
}

export function isFloatType(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float16' || dtype === 'bfloat16' || dtype === 'float64';
}

/** Bytes one element occupies in an ONNX file or on a device (bool: 1). */
export function bytesPerElement(dtype: DType): number {
  switch (dtype) {
    case 'int8':
    case 'uint8':
    case 'bool':
      return 1;
    case 'int16':
    case 'uint16':
    case 'float16':
    case 'bfloat16':
      return 2;
    case 'int32':
    case 'uint32':
    case 'float32':
      return 4;
    case 'int64':
    case 'uint64':
    case 'float64':
      return 8;
  }
}

/** Largest tensor edgec will reason about: 2^31 elements, the limit of a C int index. */
export const MAX_ELEMENTS = 2 ** 31;

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function allocData(dtype: DType, length: number): TensorData {
  if (dtype === 'float32' || dtype === 'float16' || dtype === 'bfloat16') return takeFloat32(length) ?? new Float32Array(length);
  return new Float64Array(length);
}

/**
 * A float32 tensor whose contents are unspecified (a recycled buffer is not cleared): for a kernel
 * that writes every element before anything reads it.
 */
export function uninitializedFloat32(shape: readonly number[]): Tensor {
  const n = sizeOf(shape);
  return { dtype: 'float32', shape: [...shape], data: takeFloat32(n, false) ?? new Float32Array(n) };
}

/** Builds a tensor; `data` may be any numbers and is copied into the dtype's storage. */
export function makeTensor(dtype: DType, shape: readonly number[], data?: ArrayLike<number>): Tensor {
  const n = sizeOf(shape);
  const buffer = allocData(dtype, n);
  if (data !== undefined) {
    if (data.length !== n) {
      throw new InternalError(`tensor data has ${data.length} elements, shape [${shape.join(', ')}] needs ${n}`);
    }
    if (isFloatType(dtype)) buffer.set(data);
    else for (let i = 0; i < n; i++) buffer[i] = castScalar(dtype, data[i]!);
  }
  return { dtype, shape: [...shape], data: buffer };
}

export function scalar(dtype: DType, value: number): Tensor {
  return makeTensor(dtype, [], [value]);
}

/** Converts one number to what `dtype` can hold, as ONNX Cast does (truncation toward zero, wrap). */
export function castScalar(dtype: DType, v: number): number {
  switch (dtype) {
    case 'float32':
    case 'float16':
      return Math.fround(v);
    case 'bfloat16':
      return roundToBfloat16(v);
    case 'float64':
      return v;
    case 'bool':
      return v !== 0 && !Number.isNaN(v) ? 1 : 0;
    case 'int8':
      return wrap(v, 8, true);
    case 'uint8':
      return wrap(v, 8, false);
    case 'int16':
      return wrap(v, 16, true);
    case 'uint16':
      return wrap(v, 16, false);
    case 'int32':
      return wrap(v, 32, true);
    case 'uint32':
      return wrap(v, 32, false);
    case 'int64':
    case 'uint64':
      return Number.isFinite(v) ? Math.trunc(v) : 0;
  }
}

function wrap(v: number, bits: number, signed: boolean): number {
  if (!Number.isFinite(v)) return 0;
  const range = 2 ** bits;
  let t = Math.trunc(v) % range;
  if (t < 0) t += range;
  return signed && t >= range / 2 ? t - range : t;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join('x')}]`;
}

/** Reads an integer tensor (axes, shapes, pads) as plain numbers. */
export function toIntList(t: Tensor): number[] {
  return Array.from(t.data, (v) => Math.trunc(v));
}

/**
 * TensorProto -> Tensor. ONNX stores tensor contents in one of several places: `raw_data`
 * (little-endian bytes, at any alignment inside the file buffer), a typed field (`float_data`,
 * `int32_data` which also carries int8/uint8/int16/uint16/bool and float16 bit patterns,
 * `int64_data`, `double_data`, `uint64_data` for uint32/uint64), or an external file.
 *
 * The declared element count is checked before anything is allocated, and the data must have
 * exactly that many elements: a file claiming 2^40 elements is an error, not an out-of-memory crash.
 */
import { ModelError } from '../errors.js';
import { MAX_ELEMENTS, allocData, bytesPerElement, castScalar, type DType, type Tensor, type TensorData } from '../ir/tensor.js';
import { dtypeFromOnnx } from './dtypes.js';
import { readExternalBytes } from './external-data.js';
import { halfToFloat } from './float16.js';
import { bfloat16ToFloat } from '../ir/bfloat16.js';
import { int64Value, onnx, toInt, type Int64Like, type TensorProto } from './proto.js';

export interface TensorContext {
  /** The model file, for messages. */
  source: string;
  /** The model's folder; external data is resolved inside it. */
  baseDir?: string;
}

/** Reads a tensor; `what` overrides how messages name it (default: `tensor "<name>"`). */
export function readTensor(proto: TensorProto, ctx: TensorContext, what?: string): Tensor {
  const label = `${what ?? `tensor "${proto.name ?? ''}"`} in ${ctx.source}`;
  const dtype = dtypeFromOnnx(proto.dataType, label);
  const shape = readDims(proto.dims ?? [], label);
  const count = elementCount(shape, label);

  if (proto.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    const bytes = readExternalBytes(proto, count * bytesPerElement(dtype), ctx, label);
    return { dtype, shape, data: decodeRaw(bytes, dtype, count) };
  }
  if (proto.rawData && proto.rawData.length > 0) {
    const expected = count * bytesPerElement(dtype);
    if (proto.rawData.length !== expected) {
      throw new ModelError(`${label} has ${proto.rawData.length} bytes of data, its shape [${shape.join(', ')}] needs ${expected}`);
    }
    return { dtype, shape, data: decodeRaw(proto.rawData, dtype, count) };
  }
  return { dtype, shape, data: decodeTyped(proto, dtype, count, label, shape) };
}

function readDims(dims: Int64Like[], label: string): number[] {
  return dims.map((d) => {
    const n = toInt(d);
    if (n === undefined || n < 0) throw new ModelError(`${label} has an invalid dimension ${String(d)}`);
    return n;
  });
}

/** The number of elements, refusing anything above 2^31 (checked as it multiplies, so it cannot overflow). */
function elementCount(shape: number[], label: string): number {
  if (shape.includes(0)) return 0;
  let n = 1;
  for (const d of shape) {
    n *= d;
    if (n > MAX_ELEMENTS) {
      throw new ModelError(`${label} declares shape [${shape.join(', ')}], more than 2^31 elements`);
    }
  }
  return n;
}

/** Little-endian bytes -> edgec storage. DataView reads at any byte offset, so alignment is moot. */
function decodeRaw(bytes: Uint8Array, dtype: DType, count: number): TensorData {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = allocData(dtype, count);
  const read = rawReader(view, dtype);
  for (let i = 0; i < count; i++) out[i] = read(i);
  return out;
}

function rawReader(view: DataView, dtype: DType): (i: number) => number {
  switch (dtype) {
    case 'float32':
      return (i) => view.getFloat32(i * 4, true);
    case 'float16':
      return (i) => halfToFloat(view.getUint16(i * 2, true));
    case 'bfloat16':
      return (i) => bfloat16ToFloat(view.getUint16(i * 2, true));
    case 'float64':
      return (i) => view.getFloat64(i * 8, true);
    case 'int8':
      return (i) => view.getInt8(i);
    case 'uint8':
      return (i) => view.getUint8(i);
    case 'bool':
      return (i) => (view.getUint8(i) !== 0 ? 1 : 0);
    case 'int16':
      return (i) => view.getInt16(i * 2, true);
    case 'uint16':
      return (i) => view.getUint16(i * 2, true);
    case 'int32':
      return (i) => view.getInt32(i * 4, true);
    case 'uint32':
      return (i) => view.getUint32(i * 4, true);
    case 'int64':
      return (i) => Number(view.getBigInt64(i * 8, true));
    case 'uint64':
      return (i) => Number(view.getBigUint64(i * 8, true));
  }
}

/** The typed field ONNX uses for each dtype, converted element by element. */
function decodeTyped(proto: TensorProto, dtype: DType, count: number, label: string, shape: number[]): TensorData {
  const [values, convert] = typedField(proto, dtype);
  if (values.length !== count) {
    throw new ModelError(`${label} has ${values.length} values, its shape [${shape.join(', ')}] needs ${count}`);
  }
  const out = allocData(dtype, count);
  for (let i = 0; i < count; i++) out[i] = convert(values[i]!);
  return out;
}

type Field = readonly [ArrayLike<Int64Like>, (v: Int64Like) => number];

function typedField(proto: TensorProto, dtype: DType): Field {
  const asNumber = (v: Int64Like) => int64Value(v);
  switch (dtype) {
    case 'float32':
      return [proto.floatData ?? [], (v) => Math.fround(v as number)];
    case 'float64':
      return [proto.doubleData ?? [], asNumber];
    case 'int64':
      return [proto.int64Data ?? [], asNumber];
    case 'uint32':
    case 'uint64':
      return [proto.uint64Data ?? [], (v) => castScalar(dtype, int64Value(v))];
    case 'float16':
      // The 16-bit pattern sits in the low bits of an int32 element.
      return [proto.int32Data ?? [], (v) => halfToFloat((v as number) & 0xffff)];
    case 'bfloat16':
      return [proto.int32Data ?? [], (v) => bfloat16ToFloat((v as number) & 0xffff)];
    default:
      return [proto.int32Data ?? [], (v) => castScalar(dtype, v as number)];
  }
}

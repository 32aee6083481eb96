/**
 * Tensor -> TensorProto, always as little-endian `raw_data` in the tensor's own dtype (float16
 * and bfloat16 rounded back to 16 bits, int64 clamped to its range), which is what onnxruntime and
 * every exporter read fastest and what keeps a re-saved model bit-identical in its weights.
 */
import { bytesPerElement, type DType, type Tensor } from '../ir/tensor.js';
import { onnxFromDtype } from './dtypes.js';
import { floatToHalf } from './float16.js';
import { floatToBfloat16 } from '../ir/bfloat16.js';
import { onnx } from './proto.js';

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

export function writeTensor(name: string, t: Tensor): InstanceType<typeof onnx.TensorProto> {
  return onnx.TensorProto.create({
    name,
    dims: [...t.shape],
    dataType: onnxFromDtype(t.dtype),
    rawData: encodeRaw(t),
  });
}

function encodeRaw(t: Tensor): Uint8Array {
  const n = t.data.length;
  const bytes = new Uint8Array(n * bytesPerElement(t.dtype));
  const view = new DataView(bytes.buffer);
  const write = rawWriter(view, t.dtype);
  for (let i = 0; i < n; i++) write(i, t.data[i]!);
  return bytes;
}

function rawWriter(view: DataView, dtype: DType): (i: number, v: number) => void {
  switch (dtype) {
    case 'float32':
      return (i, v) => view.setFloat32(i * 4, v, true);
    case 'float16':
      return (i, v) => view.setUint16(i * 2, floatToHalf(v), true);
    case 'bfloat16':
      return (i, v) => view.setUint16(i * 2, floatToBfloat16(v), true);
    case 'float64':
      return (i, v) => view.setFloat64(i * 8, v, true);
    case 'int8':
      return (i, v) => view.setInt8(i, v);
    case 'uint8':
      return (i, v) => view.setUint8(i, v);
    case 'bool':
      return (i, v) => view.setUint8(i, v !== 0 ? 1 : 0);
    case 'int16':
      return (i, v) => view.setInt16(i * 2, v, true);
    case 'uint16':
      return (i, v) => view.setUint16(i * 2, v, true);
    case 'int32':
      return (i, v) => view.setInt32(i * 4, v, true);
    case 'uint32':
      return (i, v) => view.setUint32(i * 4, v, true);
    case 'int64':
      return (i, v) => view.setBigInt64(i * 8, clampBig(v, INT64_MIN, INT64_MAX), true);
    case 'uint64':
      return (i, v) => view.setBigUint64(i * 8, clampBig(v, 0n, UINT64_MAX), true);
  }
}

/** The int64 sentinels (+-2^63-1) are held as +-2^63 in a double; BigInt would wrap them. */
function clampBig(v: number, lo: bigint, hi: bigint): bigint {
  if (!Number.isFinite(v)) return v > 0 ? hi : v < 0 ? lo : 0n;
  const b = BigInt(Math.trunc(v));
  return b < lo ? lo : b > hi ? hi : b;
}

/**
 * An int64 attribute value for protobufjs. Numbers at or beyond 2^63 would wrap to negative in its
 * encoder, so the extremes are passed as explicit 32-bit halves instead.
 */
export function int64Field(v: number): number {
  if (v >= 2 ** 63) return { low: 0xffffffff, high: 0x7fffffff, unsigned: false } as unknown as number;
  if (v <= -(2 ** 63)) return { low: 0, high: 0x80000000 | 0, unsigned: false } as unknown as number;
  return Math.trunc(v);
}

/** Runs model bytes in onnxruntime-node, the reference no one here wrote, with edgec tensors. */
import ort from 'onnxruntime-node';
import { makeTensor, type DType, type Tensor } from '../../src/ir/tensor.js';
import { floatToHalf, halfToFloat } from '../../src/onnx/float16.js';

const ORT_TYPE: Partial<Record<DType, ort.Tensor.Type>> = {
  float32: 'float32',
  float64: 'float64',
  int64: 'int64',
  int32: 'int32',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool',
  int16: 'int16',
  uint16: 'uint16',
  uint32: 'uint32',
  uint64: 'uint64',
  float16: 'float16',
};

function toOrt(t: Tensor): ort.Tensor {
  const type = ORT_TYPE[t.dtype];
  if (!type) throw new Error(`ort helper: dtype ${t.dtype} not mapped`);
  const dims = [...t.shape];
  switch (type) {
    case 'float32':
      return new ort.Tensor('float32', Float32Array.from(t.data), dims);
    case 'float64':
      return new ort.Tensor('float64', Float64Array.from(t.data), dims);
    case 'int64':
      return new ort.Tensor('int64', BigInt64Array.from(t.data, (v) => BigInt(v)), dims);
    case 'int32':
      return new ort.Tensor('int32', Int32Array.from(t.data), dims);
    case 'int8':
      return new ort.Tensor('int8', Int8Array.from(t.data), dims);
    case 'uint8':
      return new ort.Tensor('uint8', Uint8Array.from(t.data), dims);
    case 'int16':
      return new ort.Tensor('int16', Int16Array.from(t.data), dims);
    case 'uint16':
      return new ort.Tensor('uint16', Uint16Array.from(t.data), dims);
    case 'uint32':
      return new ort.Tensor('uint32', Uint32Array.from(t.data), dims);
    case 'uint64':
      return new ort.Tensor('uint64', BigUint64Array.from(t.data, (v) => BigInt(v)), dims);
    case 'float16':
      return new ort.Tensor('float16', Uint16Array.from(t.data, floatToHalf), dims);
    default:
      return new ort.Tensor('bool', Uint8Array.from(t.data), dims);
  }
}

function fromOrt(t: ort.Tensor): Tensor {
  const dtype = (Object.entries(ORT_TYPE).find(([, v]) => v === t.type)?.[0] ?? 'float32') as DType;
  const data = t.data as ArrayLike<number | bigint>;
  // onnxruntime hands float16 back as raw 16-bit patterns.
  if (dtype === 'float16') return makeTensor(dtype, t.dims, Array.from(data, (v) => halfToFloat(Number(v))));
  return makeTensor(dtype, t.dims, Array.from(data, (v) => Number(v)));
}

/** Runs `model` (bytes or a path) on `feeds`; returns every graph output by name. */
export async function runOrt(model: Uint8Array | string, feeds: Record<string, Tensor>): Promise<Map<string, Tensor>> {
  const options = { intraOpNumThreads: 1, logSeverityLevel: 3 as const };
  const session =
    typeof model === 'string'
      ? await ort.InferenceSession.create(model, options)
      : await ort.InferenceSession.create(model, options);
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [k, v] of Object.entries(feeds)) ortFeeds[k] = toOrt(v);
  const result = await session.run(ortFeeds);
  const out = new Map<string, Tensor>();
  for (const name of session.outputNames) out.set(name, fromOrt(result[name]!));
  await session.release();
  return out;
}

/** Largest |a - b| over two equally long arrays (NaN where exactly one side is NaN). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    const d = Math.abs(x - y);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/**
 * Initializer contents, checked against onnxruntime reading the same file: each dtype stored as
 * raw_data and in its typed field (int32_data for the narrow ints, bool and float16 patterns;
 * int64_data; uint64_data; double_data), the values cast to double inside the model so ORT
 * reports them exactly. Tolerance 0: loading is bit-exact (float16 widens exactly).
 */
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import { makeTensor, type DType } from '../../src/ir/tensor.js';
import { onnxFromDtype } from '../../src/onnx/dtypes.js';
import { floatToHalf, halfToFloat } from '../../src/onnx/float16.js';
import { decodeModel } from '../../src/onnx/load-model.js';
import { readTensor } from '../../src/onnx/read-tensor.js';
import { buildModel } from '../helpers/onnx-builder.js';
import { runOrt } from '../helpers/ort.js';
import { randomTensor } from '../helpers/random.js';

const { onnx } = onnxProto;
type TensorInit = onnxProto.onnx.ITensorProto;

/** A model whose outputs are its initializers cast to double (ORT's reference reading). */
function castModel(tensors: TensorInit[]): Uint8Array {
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'tensors',
        initializer: tensors,
        node: tensors.map((t) => ({ opType: 'Cast', input: [t.name!], output: [`${t.name}_f64`], attribute: [{ name: 'to', type: 2, i: 11 }] })),
        output: tensors.map((t) => ({ name: `${t.name}_f64`, type: { tensorType: { elemType: 11 } } })),
      },
    }),
  ).finish();
}

const HALF_PATTERNS = [0x0000, 0x8000, 0x0001, 0x03ff, 0x0400, 0x3c00, 0x7bff, 0xfc00, 0x7c00, 0x3555, 0xc0a0];
const CASES: { dtype: DType; values: number[] }[] = [
  { dtype: 'float32', values: [1.5, -0, 3.4028234663852886e38, -1.401298464324817e-45, Infinity, 0.1] },
  { dtype: 'float64', values: [Math.PI, -1e300, 5e-324] },
  { dtype: 'int8', values: [-128, 127, 0, -1] },
  { dtype: 'uint8', values: [0, 255, 7] },
  { dtype: 'int16', values: [-32768, 32767, -2] },
  { dtype: 'uint16', values: [0, 65535, 300] },
  { dtype: 'int32', values: [-(2 ** 31), 2 ** 31 - 1, 5] },
  { dtype: 'uint32', values: [0, 2 ** 32 - 1, 70000] },
  { dtype: 'int64', values: [-(2 ** 53), 2 ** 53, -1, 123456789012] },
  { dtype: 'uint64', values: [0, 2 ** 53, 42] },
  { dtype: 'bool', values: [1, 0, 1, 1] },
];

function rawBytes(dtype: DType, values: number[]): Uint8Array {
  const size = { float32: 4, float64: 8, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8, bool: 1, float16: 2, bfloat16: 2 }[dtype];
  const view = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((v, i) => {
    const set = {
      float32: () => view.setFloat32(i * 4, v, true),
      float64: () => view.setFloat64(i * 8, v, true),
      int8: () => view.setInt8(i, v),
      uint8: () => view.setUint8(i, v),
      bool: () => view.setUint8(i, v),
      int16: () => view.setInt16(i * 2, v, true),
      uint16: () => view.setUint16(i * 2, v, true),
      float16: () => view.setUint16(i * 2, v, true),
      bfloat16: () => view.setUint16(i * 2, v, true),
      int32: () => view.setInt32(i * 4, v, true),
      uint32: () => view.setUint32(i * 4, v, true),
      int64: () => view.setBigInt64(i * 8, BigInt(v), true),
      uint64: () => view.setBigUint64(i * 8, BigInt(v), true),
    }[dtype];
    set();
  });
  return new Uint8Array(view.buffer);
}

function typedFields(dtype: DType, values: number[]): TensorInit {
  switch (dtype) {
    case 'float32':
      return { floatData: values };
    case 'float64':
      return { doubleData: values };
    case 'int64':
      return { int64Data: values };
    case 'uint32':
    case 'uint64':
      return { uint64Data: values };
    default:
      return { int32Data: values };
  }
}

const tensor = (name: string, dtype: DType, values: number[], data: TensorInit): TensorInit => ({
  name,
  dims: [values.length],
  dataType: onnxFromDtype(dtype),
  ...data,
});

describe('initializers read as onnxruntime reads them', () => {
  const tensors: TensorInit[] = [];
  for (const { dtype, values } of CASES) {
    tensors.push(tensor(`${dtype}_raw`, dtype, values, { rawData: rawBytes(dtype, values) }));
    tensors.push(tensor(`${dtype}_typed`, dtype, values, typedFields(dtype, values)));
  }
  tensors.push(tensor('float16_raw', 'float16', HALF_PATTERNS, { rawData: rawBytes('float16', HALF_PATTERNS) }));
  tensors.push(tensor('float16_typed', 'float16', HALF_PATTERNS, { int32Data: HALF_PATTERNS }));
  // int64 beyond 2^53 (Slice's INT64_MAX sentinel) arrives as a Long; uint64 max likewise.
  tensors.push(tensor('int64_long', 'int64', [0, 0], { int64Data: [{ low: -1, high: 0x7fffffff } as never, { low: 0, high: -0x80000000 } as never] }));
  tensors.push(tensor('uint64_long', 'uint64', [0], { uint64Data: [{ low: -1, high: -1, unsigned: true } as never] }));

  it.each(tensors.map((t) => t.name!))('%s', async (name) => {
    const bytes = castModel(tensors);
    const graph = decodeModel(bytes, { source: 'tensors.onnx' });
    const ref = (await runOrt(bytes, {})).get(`${name}_f64`)!;
    const ours = graph.initializers.get(name)!;
    expect(ours.shape).toEqual(ref.shape);
    expect(Array.from(ours.data)).toEqual(Array.from(ref.data));
  });

  it('float16 widens exactly, subnormals and infinities included', () => {
    const t = readTensor(tensor('h', 'float16', HALF_PATTERNS, { int32Data: HALF_PATTERNS }), { source: 'm.onnx' });
    expect(t.dtype).toBe('float16');
    expect(Array.from(t.data)).toEqual([0, -0, 2 ** -24, 1023 * 2 ** -24, 2 ** -14, 1, 65504, -Infinity, Infinity, 0.333251953125, -2.3125]);
  });

  it('reads raw_data at any byte alignment', () => {
    const raw = rawBytes('float32', [1, 2, 3]);
    const buffer = new Uint8Array(raw.length + 3);
    buffer.set(raw, 3);
    const t = readTensor({ name: 'odd', dims: [3], dataType: 1, rawData: buffer.subarray(3) }, { source: 'm.onnx' });
    expect(Array.from(t.data)).toEqual([1, 2, 3]);
    const t64 = readTensor({ name: 'odd64', dims: [1], dataType: 7, rawData: rawBytes('int64', [-5]) }, { source: 'm.onnx' });
    expect(Array.from(t64.data)).toEqual([-5]);
  });
});

describe('tensor sizes are checked before anything is allocated', () => {
  const read = (t: TensorInit) => () => readTensor(t, { source: 'big.onnx' });

  it('refuses more than 2^31 elements, naming tensor and file', () => {
    const huge = { name: 'huge', dims: [65536, 65536], dataType: 1 };
    expect(read(huge)).toThrow(ModelError);
    expect(read(huge)).toThrow(/tensor "huge" in big\.onnx declares shape \[65536, 65536\], more than 2\^31 elements/);
    // Dims whose product overflows a double's exact range are refused the same way.
    expect(read({ name: 'vast', dims: [2 ** 40, 2 ** 40, 2 ** 40], dataType: 7 })).toThrow(/more than 2\^31/);
  });

  it('refuses negative or non-integer dimensions', () => {
    expect(read({ name: 'neg', dims: [-1], dataType: 1, floatData: [1] })).toThrow(/tensor "neg" in big\.onnx has an invalid dimension -1/);
    // 2^63-1 as a real Long, as protobufjs decodes it from a file.
    const wide = onnx.TensorProto.decode(onnx.TensorProto.encode({ name: 'wide', dims: [{ low: -1, high: 0x7fffffff } as never], dataType: 1 }).finish());
    expect(read(wide)).toThrow(/tensor "wide" in big\.onnx has an invalid dimension 9223372036854775807/);
  });

  it('refuses data whose length does not match the shape', () => {
    expect(read({ name: 'short', dims: [4], dataType: 1, floatData: [1, 2, 3] })).toThrow(/tensor "short" in big\.onnx has 3 values, its shape \[4\] needs 4/);
    expect(read({ name: 'raw', dims: [2, 2], dataType: 1, rawData: new Uint8Array(12) })).toThrow(/has 12 bytes of data, its shape \[2, 2\] needs 16/);
    expect(read({ name: 'none', dims: [2], dataType: 7 })).toThrow(/has 0 values/);
  });

  it('accepts empty tensors and scalars', () => {
    expect(readTensor({ name: 'e', dims: [0, 3], dataType: 1 }, { source: 'm' }).data.length).toBe(0);
    expect(Array.from(readTensor({ name: 's', dims: [], dataType: 1, floatData: [2.5] }, { source: 'm' }).data)).toEqual([2.5]);
  });

  it('names unsupported dtypes', () => {
    expect(read({ name: 'str', dims: [1], dataType: 8 })).toThrow(/tensor "str" in big\.onnx has data type string, which edgec does not support/);
    expect(read({ name: 'f8', dims: [1], dataType: 17 })).toThrow(/float8e4m3fn/);
  });
});

describe('float16 written back', () => {
  it('every half pattern survives widen -> round', () => {
    for (let h = 0; h < 0x10000; h++) {
      const f = halfToFloat(h);
      if (Number.isNaN(f)) expect(Number.isNaN(halfToFloat(floatToHalf(f)))).toBe(true);
      else expect(floatToHalf(f)).toBe(h);
    }
  });

  it('float32 -> float16 rounds as onnxruntime Cast does (ties to even, overflow, subnormals)', async () => {
    const special = [1 + 2 ** -11, 1 + 3 * 2 ** -11, -(1 + 2 ** -11), 65504, 65519, 65520, 1e6, 2 ** -25, 3 * 2 ** -25, 2 ** -26, 1e-10, -0, 2 ** -14 - 2 ** -25];
    const random = randomTensor([500], 7, -70000, 70000).data;
    const small = randomTensor([500], 8, -1e-4, 1e-4).data;
    const values = Float32Array.from([...special, ...random, ...small]);
    const bytes = buildModel({
      nodes: [
        { op: 'Cast', inputs: ['x'], outputs: ['h'], attrs: { to: 10 } },
        { op: 'Cast', inputs: ['h'], outputs: ['y'], attrs: { to: 1 } },
      ],
      inputs: [{ name: 'x', shape: [values.length] }],
      outputs: [{ name: 'y', shape: [values.length] }],
      opset: 13,
    });
    const ref = (await runOrt(bytes, { x: makeTensor('float32', [values.length], values) })).get('y')!;
    const ours = Array.from(values, (v) => halfToFloat(floatToHalf(v)));
    expect(ours).toEqual(Array.from(ref.data));
  });
});

/**
 * bfloat16 against onnxruntime: initializers (raw_data and int32_data patterns) read as onnxruntime
 * reads them, and Cast float32 -> bfloat16 (-> float32, since onnxruntime-node hands no bfloat16
 * tensors back) rounding as onnxruntime does: to nearest, ties to even, NaN kept, overflow to
 * infinity. Exact (tolerance 0). Also every pattern's widen -> round round trip, and writeTensor.
 */
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { inferTypes } from '../../src/engine/infer-types.js';
import { runGraph } from '../../src/engine/run-graph.js';
import { bfloat16ToFloat, floatToBfloat16, roundToBfloat16 } from '../../src/ir/bfloat16.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { decodeModel } from '../../src/onnx/load-model.js';
import { readTensor } from '../../src/onnx/read-tensor.js';
import { writeTensor } from '../../src/onnx/write-tensor.js';
import { buildModel } from '../helpers/onnx-builder.js';
import { runOrt } from '../helpers/ort.js';
import { randomTensor } from '../helpers/random.js';

const { onnx } = onnxProto;
const BFLOAT16 = 16;

// Zeros, the smallest subnormal, 1, the largest finite, infinities, a NaN, 1/3, -2.3125.
const PATTERNS = [0x0000, 0x8000, 0x0001, 0x3f80, 0x7f7f, 0xff80, 0x7f80, 0x7fc0, 0x3eab, 0xc014];

function rawPatterns(patterns: number[]): Uint8Array {
  const view = new DataView(new ArrayBuffer(patterns.length * 2));
  patterns.forEach((p, i) => view.setUint16(i * 2, p, true));
  return new Uint8Array(view.buffer);
}

describe('bfloat16 initializers read as onnxruntime reads them (exact)', () => {
  const initializers = [
    { name: 'raw', dims: [PATTERNS.length], dataType: BFLOAT16, rawData: rawPatterns(PATTERNS) },
    { name: 'typed', dims: [PATTERNS.length], dataType: BFLOAT16, int32Data: PATTERNS },
  ];
  const bytes = onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'bf16',
        initializer: initializers,
        node: initializers.map((t) => ({ opType: 'Cast', input: [t.name], output: [`${t.name}_f32`], attribute: [{ name: 'to', type: 2, i: 1 }] })),
        output: initializers.map((t) => ({ name: `${t.name}_f32`, type: { tensorType: { elemType: 1 } } })),
      },
    }),
  ).finish();
  for (const { name } of initializers) {
    it(name, async () => {
      const graph = decodeModel(bytes, { source: 'bf16.onnx' });
      const ours = graph.initializers.get(name)!;
      expect(ours.dtype).toBe('bfloat16');
      const ref = (await runOrt(bytes, {})).get(`${name}_f32`)!;
      expect(Array.from(ours.data)).toEqual(Array.from(ref.data));
    });
  }
});

describe('Cast float32 -> bfloat16 -> float32 matches onnxruntime exactly', () => {
  it('ties to even, NaN, infinities, overflow, subnormals, 1,000 random values', async () => {
    const ulp = 2 ** -7;
    const special = [1 + ulp / 2, 1 + (3 * ulp) / 2, -(1 + ulp / 2), 1 + ulp / 2 + 2 ** -20, 3.4e38, 3.3961e38, -3.4028234663852886e38, NaN, Infinity, -Infinity, 1e-40, -1e-41, 0, -0];
    const values = Float32Array.from([...special, ...randomTensor([500], 11, -1000, 1000).data, ...randomTensor([500], 12, -1e-3, 1e-3).data]);
    const bytes = buildModel({
      nodes: [
        { op: 'Cast', name: 'to_bf16', inputs: ['x'], outputs: ['b'], attrs: { to: BFLOAT16 } },
        { op: 'Cast', name: 'to_f32', inputs: ['b'], outputs: ['y'], attrs: { to: 1 } },
      ],
      inputs: [{ name: 'x', shape: [values.length] }],
      outputs: [{ name: 'y', shape: [values.length] }],
      opset: 13,
    });
    const x = makeTensor('float32', [values.length], values);
    const ref = (await runOrt(bytes, { x })).get('y')!;
    const graph = decodeModel(bytes, { source: 'cast.onnx' });
    inferTypes(graph);
    expect(graph.types.get('b')!.dtype).toBe('bfloat16');
    const ours = runGraph(graph, { x }).get('y')!;
    expect(ours.dtype).toBe('float32');
    expect(Array.from(ours.data)).toEqual(Array.from(ref.data));
  });
});

describe('bfloat16 conversions', () => {
  it('every pattern survives widen -> round (NaNs stay NaN)', () => {
    for (let b = 0; b < 0x10000; b++) {
      const f = bfloat16ToFloat(b);
      if (Number.isNaN(f)) expect(Number.isNaN(roundToBfloat16(f))).toBe(true);
      else expect(floatToBfloat16(f)).toBe(b);
    }
  });
  it('writeTensor saves bfloat16 as 2-byte raw_data that reads back bit-exact', () => {
    const t = makeTensor('bfloat16', [PATTERNS.length], PATTERNS.map(bfloat16ToFloat));
    const proto = writeTensor('w', t);
    expect(proto.dataType).toBe(BFLOAT16);
    expect(proto.rawData!.length).toBe(2 * PATTERNS.length);
    const back = readTensor(onnx.TensorProto.decode(onnx.TensorProto.encode(proto).finish()), { source: 'w.onnx' });
    expect(Array.from(back.data, floatToBfloat16)).toEqual(PATTERNS);
  });
});

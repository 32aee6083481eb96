/** The QModel snapshot round-trips exactly (typed arrays, float32 scales, Maps, odd numbers) and is stable. */
import { describe, expect, it } from 'vitest';
import { FileError } from '../../src/errors.js';
import { decodeQModel, encodeQModel } from '../../src/pipeline/qmodel-file.js';
import type { QModel } from '../../src/quant/qmodel.js';

function sample(): QModel {
  return {
    name: 'net',
    inputs: ['x'],
    outputs: ['y */ "#include\n'],
    tensors: new Map([
      ['x', { name: 'x', shape: [1, 3], type: 'int8', scale: 0.00392156862745098, zeroPoint: -128 }],
      ['y */ "#include\n', { name: 'y */ "#include\n', shape: [1, 2], type: 'int16', scale: 1e-7, zeroPoint: 0 }],
    ]),
    layers: [
      {
        name: 'fc',
        op: 'Gemm',
        inputs: ['x'],
        outputs: ['y */ "#include\n'],
        attrs: { transB: 1, alpha: 1 },
        weights: { bits: 4, shape: [2, 3], channelAxis: 0, values: Int8Array.from([-7, 0, 7, 1, -1, 3]), scales: Float32Array.from([0.1, Math.PI]), groupSize: 0 },
        bias: Int32Array.from([-2147483648, 2147483647]),
        requant: { multiplier: Int32Array.from([1073741824, 2147483647]), shift: Int32Array.from([-31, 30]) },
        clamp: [-128, 127],
        params: { table: Int16Array.from([-32768, 5, 32767]), leftShift: 20, lut: Int8Array.from([-128, 127]) },
      },
    ],
    calibration: 'uniform [0, 1], 32 samples',
  };
}

describe('QModel snapshot', () => {
  it('round-trips every field exactly', () => {
    const m = sample();
    const back = decodeQModel(encodeQModel(m), 'q.json');
    expect(back.tensors).toBeInstanceOf(Map);
    expect([...back.tensors.entries()]).toEqual([...m.tensors.entries()]);
    const l = back.layers[0]!;
    expect(l.weights!.values).toBeInstanceOf(Int8Array);
    expect(l.weights!.scales).toBeInstanceOf(Float32Array);
    expect(Array.from(l.weights!.scales)).toEqual(Array.from(m.layers[0]!.weights!.scales));
    expect(l.bias).toEqual(m.layers[0]!.bias);
    expect(l.requant).toEqual(m.layers[0]!.requant);
    expect(l.params).toEqual(m.layers[0]!.params);
    expect(l.params!['table']).toBeInstanceOf(Int16Array);
    expect(back).toEqual(m);
  });

  it('is deterministic and re-encodes to the same bytes', () => {
    const text = encodeQModel(sample());
    expect(encodeQModel(sample())).toBe(text);
    expect(encodeQModel(decodeQModel(text, 'q.json'))).toBe(text);
  });

  it('refuses other files with a FileError naming the file', () => {
    expect(() => decodeQModel('{', 'dir/q.json')).toThrow(FileError);
    expect(() => decodeQModel('{"schema":"other"}', 'dir/q.json')).toThrow(/dir\/q\.json: expected schema/);
  });
});

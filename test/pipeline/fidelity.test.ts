/**
 * Fidelity measurement on a hand-checkable case: a one-node graph (Relu) whose fp32 values the
 * engine computes, and an "integer reference" that returns chosen integers, so every SQNR and
 * error below is worked out by hand from real = scale * (q - zeroPoint).
 */
import { describe, expect, it } from 'vitest';
import { inferTypes } from '../../src/engine/infer-types.js';
import { makeGraph } from '../../src/ir/graph.js';
import { measureFidelity } from '../../src/pipeline/fidelity.js';
import { chooseBits } from '../../src/pipeline/bit-policy.js';
import type { QModel } from '../../src/quant/qmodel.js';
import { sqnrDb } from '../../src/report/compress-report.js';
import { makeTensor } from '../../src/ir/tensor.js';

const graph = makeGraph({
  inputs: [{ name: 'x', dtype: 'float32', shape: [1, 4] }],
  outputs: [{ name: 'y', dtype: 'float32', shape: [1, 4] }],
  nodes: [{ name: 'relu', op: 'Relu', domain: '', inputs: ['x'], outputs: ['y'], attrs: {} }],
});
inferTypes(graph);

const model: QModel = {
  name: 'm',
  inputs: ['x'],
  outputs: ['y'],
  tensors: new Map([
    ['x', { name: 'x', shape: [1, 4], type: 'int8', scale: 0.5, zeroPoint: 0 }],
    ['y', { name: 'y', shape: [1, 4], type: 'int8', scale: 0.25, zeroPoint: -2 }],
  ]),
  layers: [{ name: 'relu', op: 'Relu', inputs: ['x'], outputs: ['y'], attrs: {} }],
  calibration: 'test',
};

describe('measureFidelity', () => {
  it('compares dequantized integers with fp32 per tensor, over all samples', () => {
    // x = [1, -1, 2, 0.5] -> fp32 y = [1, 0, 2, 0.5]; the "reference" y: q = [2, -2, 6, 1]
    // -> 0.25 * (q + 2) = [1, 0, 2, 0.75]: noise 0.0625, signal 5.25 for y.
    // x as q = [2, -2, 4, 1] (scale 0.5) -> [1, -1, 2, 0.5]: exact.
    const feed = new Map([['x', Float32Array.from([1, -1, 2, 0.5])]]);
    const runner = () => new Map<string, Int8Array>([['x', Int8Array.from([2, -2, 4, 1])], ['y', Int8Array.from([2, -2, 6, 1])]]);
    const f = measureFidelity(graph, model, [feed, feed], runner);
    expect(f.sqnrDb.get('x')).toBeNull();
    expect(f.sqnrDb.get('y')).toBeCloseTo(10 * Math.log10(5.25 / 0.0625), 2);
    expect(f.outputSqnrDb).toBe(f.sqnrDb.get('y'));
    expect(f.maxAbsError).toBeCloseTo(0.25, 6);
  });

  it('sqnrDb rounds to 0.01 dB and is null for exact or silent tensors', () => {
    expect(sqnrDb(100, 1)).toBe(20);
    expect(sqnrDb(2, 1)).toBe(3.01);
    expect(sqnrDb(1, 0)).toBeNull();
    expect(sqnrDb(0, 1)).toBeNull();
  });
});

describe('chooseBits', () => {
  const chain = makeGraph({
    inputs: [{ name: 'x', dtype: 'float32', shape: [1, 4] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [1, 4] }],
    nodes: ['a', 'b', 'c'].map((n, i) => ({ name: n, op: 'Gemm', domain: '', inputs: [i === 0 ? 'x' : `h${i}`, `w${n}`], outputs: [i === 2 ? 'y' : `h${i + 1}`], attrs: {} })),
  });
  for (const n of ['a', 'b', 'c']) chain.initializers.set(`w${n}`, makeTensor('float32', [4, 4], new Float32Array(16)));

  it('keeps the first and last weighted layers at 8 bits below 8 bits, unless uniform', () => {
    const p = chooseBits(chain, 2, false);
    expect(p.rule).toBe('first-last-8bit');
    expect([...p.perLayer]).toEqual([['a', 8], ['b', 2], ['c', 8]]);
    expect(p.eightBitLayers).toEqual(['a', 'c']);
    expect([...chooseBits(chain, 4, true).perLayer.values()]).toEqual([4, 4, 4]);
    expect(chooseBits(chain, 8, false)).toMatchObject({ rule: 'uniform', eightBitLayers: [] });
  });
});

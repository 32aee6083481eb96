/**
 * Fake quantization against the integer pipeline's own quantizers (quant/weights.ts for weights,
 * quant/lower-helpers.ts quantizeValue for activations): the same integers and scales, and fake
 * values that are exactly integer x scale as float32. Straight-through gradients through the
 * driver, and LSQ's step-size gradient against the paper's formula worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { makeGraph } from '../../src/ir/graph.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { qparamsFromRange, quantizeValue } from '../../src/quant/lower-helpers.js';
import { quantizeWeights } from '../../src/quant/weights.js';
import { backward, forwardWithTape } from '../../src/train/backprop.js';
import { activationFakeQuant, fakeQuantizeWeights, weightFakeQuant } from '../../src/train/fake-quant.js';
import { LsqQuantizer, lsqWeights } from '../../src/train/lsq.js';
import { randomTensor } from '../helpers/random.js';

/** (K, N) -> (N, K): puts Gemm's output channels (axis 1) first, as quantizeWeights wants them. */
function transpose2d(t: Tensor): number[] {
  const [K, N] = t.shape as [number, number];
  return Array.from({ length: K * N }, (_, i) => t.data[(i % K) * N + Math.floor(i / K)]!);
}

describe('fake quantization', () => {
  for (const bits of [8, 4, 2] as const) {
    it(`weights at ${bits} bits: the integer pipeline's integers and scales, values exactly q x scale`, () => {
      const w = randomTensor([8, 3, 3, 3], bits, -0.7, 0.7);
      w.data.fill(0, 27, 54); // an all-zero channel gets scale 1
      const fake = fakeQuantizeWeights(w, 0, bits);
      const ref = quantizeWeights(w.data, [...w.shape], 8, bits);
      expect(Array.from(fake.integers)).toEqual(Array.from(ref.weights.values));
      expect(Array.from(fake.scales)).toEqual(Array.from(ref.weights.scales));
      fake.values.forEach((v, i) => expect(v).toBe(Math.fround(ref.weights.values[i]! * ref.weights.scales[Math.floor(i / 27)]!)));
      const qmax = 2 ** (bits - 1) - 1;
      expect(fake.integers.every((q) => q >= -qmax && q <= qmax)).toBe(true);
    });
  }

  it('weights along axis 1 (a Gemm B without transB) quantize per column', () => {
    const b = randomTensor([5, 4], 3);
    const fake = fakeQuantizeWeights(b, 1, 4);
    const ref = quantizeWeights(transpose2d(b), [4, 5], 4, 4);
    expect(Array.from(fake.scales)).toEqual(Array.from(ref.weights.scales));
    expect(transpose2d(makeTensor('float32', [5, 4], fake.integers))).toEqual(Array.from(ref.weights.values));
  });

  for (const type of ['int8', 'int16'] as const) {
    it(`${type} activations round as quantizeValue; gradient stops outside the range`, () => {
      const { scale, zeroPoint } = qparamsFromRange(-1.5, 4, type);
      const q = { type, scale, zeroPoint };
      const x = randomTensor([200], 9, -3, 6);
      const fq = activationFakeQuant(q);
      const y = fq.forward(x);
      y.data.forEach((v, i) => expect(v).toBe(Math.fround((quantizeValue(x.data[i]!, q) - q.zeroPoint) * scale)));
      const g = fq.backward(x, makeTensor('float32', [200], new Array(200).fill(1)));
      const limit = type === 'int8' ? [(-128 - zeroPoint) * scale, (127 - zeroPoint) * scale] : [-32768 * scale, 32767 * scale];
      x.data.forEach((v, i) => expect(g.data[i], `x = ${v}`).toBe(v >= limit[0]! && v <= limit[1]! ? 1 : 0));
      expect(g.data.some((v) => v === 0)).toBe(true); // [-3, 6) reaches past both types' ranges
    });
  }

  it('through the driver, a fake-quantized weight gets the straight-through gradient', () => {
    const graph = makeGraph({
      inputs: [{ name: 'x', dtype: 'float32', shape: [1, 2, 4, 4] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: [1, 3, 2, 2] }],
      initializers: new Map([['w', randomTensor([3, 2, 3, 3], 21)]]),
      nodes: [{ name: 'conv', op: 'Conv', domain: '', inputs: ['x', 'w'], outputs: ['y'], attrs: {} }],
    });
    const feeds = { x: randomTensor([1, 2, 4, 4], 22) };
    const seed = new Map([['y', randomTensor([1, 3, 2, 2], 23)]]);
    const quantized = forwardWithTape(graph, feeds, { transforms: new Map([['w', weightFakeQuant(0, 4)]]) });
    const wq = makeTensor('float32', [3, 2, 3, 3], fakeQuantizeWeights(graph.initializers.get('w')!, 0, 4).values);
    expect(Array.from(quantized.values.get('w')!.data)).toEqual(Array.from(wq.data));
    const plain = forwardWithTape(graph, feeds, { parameters: new Map([['w', wq]]) });
    expect(Array.from(backward(quantized, seed, ['w']).get('w')!.data)).toEqual(Array.from(backward(plain, seed, ['w']).get('w')!.data));
  });

  it('LSQ: step-size gradient round(t) - t inside, the bound outside, times 1/sqrt(N Qp)', () => {
    const lsq = new LsqQuantizer({ name: 'a', steps: Float32Array.of(1), lo: -2, hi: 2, count: 3 });
    const x = makeTensor('float32', [3], [0.3, 1.7, -5]);
    expect(Array.from(lsq.forward(x).data)).toEqual([0, 2, -2]);
    const dx = lsq.backward(x, makeTensor('float32', [3], [1, 2, 3]));
    expect(Array.from(dx.data)).toEqual([1, 2, 0]);
    const hand = (1 * (0 - 0.3) + 2 * (2 - 1.7) + 3 * -2) / Math.sqrt(3 * 2);
    expect(lsq.parameter.grad[0]).toBeCloseTo(hand, 6);
  });

  it('LSQ unclipped: the gradient passes where clamped too; the step-size gradient is unchanged', () => {
    const x = makeTensor('float32', [3], [0.3, 1.7, -5]);
    const dy = makeTensor('float32', [3], [1, 2, 3]);
    const clipped = new LsqQuantizer({ name: 'a', steps: Float32Array.of(1), lo: -2, hi: 2, count: 3 });
    const unclipped = new LsqQuantizer({ name: 'a', steps: Float32Array.of(1), lo: -2, hi: 2, count: 3, unclipped: true });
    expect(Array.from(unclipped.forward(x).data)).toEqual(Array.from(clipped.forward(x).data));
    expect(Array.from(clipped.backward(x, dy).data)).toEqual([1, 2, 0]);
    expect(Array.from(unclipped.backward(x, dy).data)).toEqual([1, 2, 3]);
    expect(unclipped.parameter.grad[0]).toBe(clipped.parameter.grad[0]);
  });

  it('LSQ weights start at the pipeline scales, one step per channel', () => {
    const w = randomTensor([4, 2, 3, 3], 31);
    const lsq = lsqWeights('w', w, 0, 4);
    expect(Array.from(lsq.parameter.value.data)).toEqual(Array.from(quantizeWeights(w.data, [4, 2, 3, 3], 4, 4).weights.scales));
    expect(Array.from(lsq.forward(w).data)).toEqual(Array.from(fakeQuantizeWeights(w, 0, 4).values));
  });
});

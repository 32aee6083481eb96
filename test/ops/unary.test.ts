/**
 * Attribute-free unary ops against onnxruntime: random float32 inputs with the awkward values
 * (+-0, ties for Round, NaN, infinities) mixed in; integer dtypes where the op takes them, with the
 * values that wrap. Tolerances: exact for ops IEEE rounds exactly (Abs, Neg, Floor, Ceil, Round,
 * Sqrt, Reciprocal, Relu, Sign, Not); rtol 1e-5 / atol 1e-6 for the transcendental ones.
 */
import { describe, expect, it } from 'vitest';
import { makeTensor, type DType, type Tensor } from '../../src/ir/tensor.js';
import { randomTensor } from '../helpers/random.js';
import { expectMatch, runBoth, runOurs } from './single-node.js';

const SPECIAL = [0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, NaN, Infinity, -Infinity, 1e-30, -88];

function floatInput(seed: number, lo = -4, hi = 4): Tensor {
  const t = randomTensor([3, 4, 5], seed, lo, hi);
  SPECIAL.forEach((v, i) => (t.data[i * 5] = v));
  return t;
}

const exact = ['Abs', 'Neg', 'Floor', 'Ceil', 'Round', 'Sqrt', 'Reciprocal', 'Relu', 'Sign'];
const transcendental = ['Exp', 'Log', 'Erf', 'Sigmoid', 'Tanh', 'Softplus', 'Softsign'];

describe('unary float ops match onnxruntime', () => {
  for (const op of exact) {
    it(`${op} (exact)`, async () => expectMatch(await runBoth({ op, inputs: [{ tensor: floatInput(1) }] })));
  }
  for (const op of transcendental) {
    it(`${op} (rtol 1e-5, atol 1e-6)`, async () => {
      expectMatch(await runBoth({ op, inputs: [{ tensor: floatInput(2) }] }), 1e-5, 1e-6);
    });
  }
  it('Log and Sqrt of positive inputs, Exp near overflow', async () => {
    const positive = randomTensor([50], 3, 1e-3, 1e3);
    expectMatch(await runBoth({ op: 'Sqrt', inputs: [{ tensor: positive }] }));
    expectMatch(await runBoth({ op: 'Log', inputs: [{ tensor: positive }] }), 1e-5, 1e-6);
    const big = makeTensor('float32', [5], [80, 88, 88.7, 89, -104]);
    expectMatch(await runBoth({ op: 'Exp', inputs: [{ tensor: big }] }), 1e-5, 1e-6);
  });
  it('Erf over its whole curve', async () => {
    const x = makeTensor('float32', [61], Array.from({ length: 61 }, (_, i) => -6 + i * 0.2));
    expectMatch(await runBoth({ op: 'Erf', inputs: [{ tensor: x }] }), 1e-5, 1e-6);
  });
  it('float64 keeps double precision', async () => {
    const x = makeTensor('float64', [4], [0.1, 1 / 3, 2.5, -7.25]);
    expectMatch(await runBoth({ op: 'Exp', inputs: [{ tensor: x }] }), 1e-12, 0);
    expectMatch(await runBoth({ op: 'Neg', inputs: [{ tensor: x }] }));
  });
});

const intCases: [string, DType, number[]][] = [
  ['Abs', 'int8', [-128, -5, 0, 7, 127]],
  ['Neg', 'int8', [-128, -5, 0, 7, 127]],
  ['Abs', 'int32', [-(2 ** 31), -5, 0, 2 ** 31 - 1, 3]],
  ['Neg', 'int64', [-(2 ** 40), -5, 0, 7, 2 ** 40]],
  ['Relu', 'int32', [-3, -1, 0, 1, 3]],
  ['Sign', 'int64', [-9, 0, 9, -1, 1]],
  ['Abs', 'uint8', [0, 1, 200, 255, 7]],
];

describe('unary integer and bool ops match onnxruntime exactly', () => {
  for (const [op, dtype, values] of intCases) {
    it(`${op} ${dtype}`, async () => {
      expectMatch(await runBoth({ op, inputs: [{ tensor: makeTensor(dtype, [values.length], values) }] }));
    });
  }
  it('Not bool', async () => {
    expectMatch(await runBoth({ op: 'Not', inputs: [{ tensor: makeTensor('bool', [2, 2], [1, 0, 0, 1]) }] }));
  });
});

describe('unary failures', () => {
  it('rejects a dtype the op has no kernel for, naming the node', () => {
    const x = makeTensor('int32', [2], [1, 4]);
    expect(() => runOurs({ op: 'Sqrt', inputs: [{ tensor: x }] })).toThrow(/node "node" \(Sqrt\): input has dtype int32, the op needs a float tensor/);
    expect(() => runOurs({ op: 'Not', inputs: [{ tensor: x }] })).toThrow(/needs a bool tensor/);
  });
});

/**
 * Activations with attributes or extra inputs against onnxruntime over a table of attribute
 * cases; rtol 1e-5 / atol 1e-6 where exp is involved, exact for the piecewise-linear ones.
 */
import { describe, expect, it } from 'vitest';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { randomTensor } from '../helpers/random.js';
import { expectMatch, runBoth, runOurs, type TestAttr } from './single-node.js';

const x = (): Tensor => {
  const t = randomTensor([2, 3, 4, 4], 7, -5, 5);
  [0, -0, NaN, 3, -3, 1e-8].forEach((v, i) => (t.data[i * 7] = v));
  return t;
};

const cases: [string, Record<string, TestAttr>, number][] = [
  ['LeakyRelu', {}, 0],
  ['LeakyRelu', { alpha: { float: 0.2 } }, 0],
  ['Elu', {}, 1e-5],
  ['Elu', { alpha: { float: 0.5 } }, 1e-5],
  ['Selu', {}, 1e-5],
  ['Selu', { alpha: { float: 2 }, gamma: { float: 0.3 } }, 1e-5],
  ['Celu', { alpha: { float: 2 } }, 1e-5],
  ['ThresholdedRelu', { alpha: { float: 0.7 } }, 0],
  ['HardSigmoid', {}, 0],
  ['HardSigmoid', { alpha: { float: 0.3 }, beta: { float: 0.4 } }, 0],
  ['HardSwish', {}, 1e-6],
];

describe('attribute activations match onnxruntime', () => {
  for (const [op, attrs, rtol] of cases) {
    it(`${op} ${JSON.stringify(attrs)}`, async () => {
      expectMatch(await runBoth({ op, attrs, inputs: [{ tensor: x() }] }), rtol, rtol ? 1e-6 : 0);
    });
  }
});

describe('PRelu broadcasts its slope to the input', () => {
  const slopes: number[][] = [[3, 1, 1], [1], [4], [2, 3, 4, 4], [1, 3, 1, 1]];
  for (const shape of slopes) {
    it(`slope [${shape}]`, async () => {
      const slope = randomTensor(shape, 11, -0.5, 0.5);
      expectMatch(await runBoth({ op: 'PRelu', inputs: [{ tensor: x() }, { tensor: slope, constant: true }] }));
    });
  }
  it('rejects a slope that does not broadcast to the input', () => {
    const slope = randomTensor([5], 1);
    expect(() => runOurs({ op: 'PRelu', inputs: [{ tensor: x() }, { tensor: slope }] })).toThrow(
      /node "node" \(PRelu\): slope of shape \[5\] does not broadcast/,
    );
  });
});

describe('Clip takes min and max as optional inputs', () => {
  const f = (v: number) => ({ tensor: makeTensor('float32', [], [v]), constant: true });
  const bounds: [string, ({ tensor: Tensor; constant: boolean } | undefined)[]][] = [
    ['no bounds', []],
    ['min only', [f(-1)]],
    ['max only', [undefined, f(2)]],
    ['both', [f(-1), f(6)]],
    ['min > max gives max', [f(2), f(-1)]],
  ];
  for (const [name, extra] of bounds) {
    it(name, async () => expectMatch(await runBoth({ op: 'Clip', inputs: [{ tensor: x() }, ...extra] })));
  }
  it('int32 and bounds given as graph inputs', async () => {
    const xi = makeTensor('int32', [6], [-100, -3, 0, 3, 100, 2 ** 31 - 1]);
    const lo = makeTensor('int32', [], [-5]);
    const hi = makeTensor('int32', [], [50]);
    expectMatch(await runBoth({ op: 'Clip', inputs: [{ tensor: xi }, { tensor: lo }, { tensor: hi }] }));
  });
  it('rejects a non-scalar bound', () => {
    const lo = { tensor: makeTensor('float32', [2], [0, 1]) };
    expect(() => runOurs({ op: 'Clip', inputs: [{ tensor: x() }, lo] })).toThrow(/\(Clip\): min should be a scalar/);
  });
});

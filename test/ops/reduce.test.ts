/**
 * Reductions against onnxruntime over a table of (axes, keepdims, noop_with_empty_axes) cases.
 * Tolerance rtol 1e-5 / atol 1e-6 for float (onnxruntime sums in float32, edgec in double);
 * exact for Max/Min and for integer dtypes.
 */
import { describe, expect, it } from 'vitest';
import { makeTensor, sizeOf, type DType } from '../../src/ir/tensor.js';
import { randomTensor, rng } from '../helpers/random.js';
import { expectMatch, runBoth, runOurs, type Operand } from './single-node.js';

const axesOperand = (axes: number[]): Operand => ({ tensor: makeTensor('int64', [axes.length], axes), constant: true });

const FLOAT_OPS = ['ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceSum', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceSumSquare', 'ReduceLogSumExp'];
const settings: [string, number[] | undefined, Record<string, number>][] = [
  ['all axes (no axes input)', undefined, {}],
  ['axis 1, keepdims', [1], {}],
  ['axes [0, 2], no keepdims', [0, 2], { keepdims: 0 }],
  ['negative axis', [-1], { keepdims: 0 }],
  ['empty axes with noop', [], { noop_with_empty_axes: 1 }],
  ['empty axes without noop reduce everything', [], { keepdims: 0 }],
];

describe('float reductions match onnxruntime', () => {
  for (const op of FLOAT_OPS) {
    for (const [name, axes, attrs] of settings) {
      it(`${op}: ${name}`, async () => {
        const x = randomTensor([3, 4, 5], 21, op === 'ReduceProd' ? 0.5 : -2, op === 'ReduceProd' ? 1.5 : 2);
        const inputs = [{ tensor: x }, axes ? axesOperand(axes) : undefined];
        const exact = op === 'ReduceMax' || op === 'ReduceMin';
        expectMatch(await runBoth({ op, attrs, inputs }), exact ? 0 : 1e-5, exact ? 0 : 1e-6);
      });
    }
  }
  it('ReduceLogSum of positive inputs', async () => {
    const x = randomTensor([2, 6], 3, 0.1, 3);
    expectMatch(await runBoth({ op: 'ReduceLogSum', inputs: [{ tensor: x }, axesOperand([1])] }), 1e-5, 1e-6);
    const noop = { noop_with_empty_axes: 1 };
    expectMatch(await runBoth({ op: 'ReduceLogSum', attrs: noop, inputs: [{ tensor: x }, axesOperand([])] }), 1e-5, 1e-6);
  });
  it('axes given at run time for a reduction that keeps the rank', async () => {
    // keepdims with all-size shapes known still needs the axes to know which dimensions become 1.
    const x = randomTensor([2, 3], 4);
    expect(() => runOurs({ op: 'ReduceSum', inputs: [{ tensor: x }, { tensor: makeTensor('int64', [1], [1]) }] })).toThrow(
      /node "node" \(ReduceSum\): the axes input must be known before running/,
    );
  });
});

describe('integer reductions match onnxruntime exactly', () => {
  const cases: [string, DType][] = [
    ['ReduceSum', 'int32'],
    ['ReduceSum', 'int64'],
    ['ReduceMean', 'int32'],
    ['ReduceMax', 'int64'],
    ['ReduceMin', 'int32'],
    ['ReduceMax', 'uint8'],
    ['ReduceProd', 'int64'],
  ];
  for (const [op, dtype] of cases) {
    it(`${op} ${dtype}`, async () => {
      const r = rng(5);
      const shape = [3, 7];
      const x = makeTensor(dtype, shape, Array.from({ length: sizeOf(shape) }, () => Math.floor(r() * 200) - (dtype === 'uint8' ? 0 : 100)));
      expectMatch(await runBoth({ op, inputs: [{ tensor: x }, axesOperand([1])] }));
      expectMatch(await runBoth({ op, attrs: { keepdims: 0 }, inputs: [{ tensor: x }, axesOperand([0])] }));
    });
  }
});

describe('reduction failures', () => {
  it('rejects repeated and out-of-range axes, naming the node', () => {
    const x = randomTensor([2, 3], 1);
    expect(() => runOurs({ op: 'ReduceMean', inputs: [{ tensor: x }, axesOperand([1, -1])] })).toThrow(
      /node "node" \(ReduceMean\): axes \[1, -1\] repeat an axis/,
    );
    expect(() => runOurs({ op: 'ReduceMax', inputs: [{ tensor: x }, axesOperand([2])] })).toThrow(/axis 2 is out of range for a rank-2 tensor/);
  });
});

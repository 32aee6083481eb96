/**
 * Constant (every value_* attribute form), ConstantOfShape and Range against onnxruntime, exact.
 * Their values are also known to inferTypes, which the Shape-chain test in shape.test.ts relies on.
 */
import { describe, expect, it } from 'vitest';
import { makeTensor } from '../../src/ir/tensor.js';
import { randomTensor } from '../helpers/random.js';
import { expectMatch, runBoth, runOurs, type TestAttr } from './single-node.js';

describe('Constant', () => {
  const forms: [string, Record<string, TestAttr>][] = [
    ['value (float32 tensor)', { value: { tensor: randomTensor([2, 3], 1) } }],
    ['value (int64 tensor)', { value: { tensor: makeTensor('int64', [3], [1, -2, 2 ** 40]) } }],
    ['value (bool scalar)', { value: { tensor: makeTensor('bool', [], [1]) } }],
    ['value_float', { value_float: { float: 0.1 } }],
    ['value_floats', { value_floats: { floats: [0.1, -2, 3.5] } }],
    ['value_int', { value_int: -7 }],
    ['value_ints', { value_ints: [4, 0, -1] }],
  ];
  for (const [name, attrs] of forms) {
    it(name, async () => expectMatch(await runBoth({ op: 'Constant', attrs, inputs: [] })));
  }
  it('rejects zero or two value attributes and string values', () => {
    expect(() => runOurs({ op: 'Constant', inputs: [] })).toThrow(/node "node" \(Constant\): needs exactly one value attribute, found none/);
    expect(() => runOurs({ op: 'Constant', attrs: { value_int: 1, value_float: { float: 1 } }, inputs: [] })).toThrow(/found value_int, value_float/);
    expect(() => runOurs({ op: 'Constant', attrs: { value_string: 'a' }, inputs: [] })).toThrow(/no string or sparse tensors/);
  });
});

describe('ConstantOfShape', () => {
  const shape = (dims: number[]) => ({ tensor: makeTensor('int64', [dims.length], dims), constant: true });
  const cases: [string, number[], Record<string, TestAttr>][] = [
    ['default float zero', [2, 3], {}],
    ['int64 value', [4], { value: { tensor: makeTensor('int64', [1], [-9]) } }],
    ['float value, empty shape gives a scalar', [], { value: { tensor: makeTensor('float32', [1], [2.5]) } }],
    ['a zero dimension', [3, 0], {}],
  ];
  for (const [name, dims, attrs] of cases) {
    it(name, async () => expectMatch(await runBoth({ op: 'ConstantOfShape', attrs, inputs: [shape(dims)] })));
  }
  it('needs its shape before running', () => {
    const unknown = { tensor: makeTensor('int64', [1], [3]) };
    expect(() => runOurs({ op: 'ConstantOfShape', inputs: [unknown] })).toThrow(/\(ConstantOfShape\): the shape input must be known/);
  });
});

describe('Range', () => {
  const cases: [string, 'float32' | 'int32' | 'int64' | 'float64', number, number, number][] = [
    ['float ascending', 'float32', 1, 5, 0.5],
    ['float with an inexact step', 'float32', 0, 1, 0.1],
    ['int descending', 'int32', 10, 4, -3],
    ['int64 empty', 'int64', 5, 1, 2],
    ['float64', 'float64', -1, 1, 0.25],
  ];
  for (const [name, dtype, start, limit, delta] of cases) {
    it(name, async () => {
      const s = (v: number) => ({ tensor: makeTensor(dtype, [], [v]), constant: true });
      expectMatch(await runBoth({ op: 'Range', inputs: [s(start), s(limit), s(delta)] }));
    });
  }
  it('rejects a zero delta and unknown bounds', () => {
    const s = (v: number, constant = true) => ({ tensor: makeTensor('int64', [], [v]), constant });
    expect(() => runOurs({ op: 'Range', inputs: [s(0), s(4), s(0)] })).toThrow(/\(Range\): delta is zero/);
    expect(() => runOurs({ op: 'Range', inputs: [s(0), s(4, false), s(1)] })).toThrow(/the limit input must be known/);
  });
});

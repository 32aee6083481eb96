/**
 * Ops that make tensors from attributes or from small integer inputs: Constant (every value_*
 * attribute form but strings and sparse tensors, which edgec does not carry), ConstantOfShape and
 * Range. Their outputs are known before running, so inferTypes returns the value with the type:
 * the Shape -> ... -> Reshape chains of PyTorch exports resolve through them.
 */
import type { Node } from '../ir/graph.js';
import { castScalar, makeTensor, sizeOf, toIntList, type KnownValue, type Tensor, type ValueType } from '../ir/tensor.js';
import { checkDType, checkSameDType } from './elementwise.js';
import { attr, defineOp, opError } from './op-def.js';
import { requiredInts, scalarOf } from './shape-args.js';

const constantAttrs = {
  value: attr.tensor(),
  value_float: attr.float(),
  value_floats: attr.floats(),
  value_int: attr.int(),
  value_ints: attr.ints(),
};

function constantValue(a: { [K in keyof typeof constantAttrs]: (typeof constantAttrs)[K]['default'] }, node: Node): Tensor {
  const given = Object.keys(node.attrs).filter((k) => k.startsWith('value') || k === 'sparse_value');
  if (given.length !== 1) throw opError(node, `needs exactly one value attribute, found ${given.length ? given.join(', ') : 'none'}`);
  if (a.value !== undefined) return a.value;
  if (a.value_float !== undefined) return makeTensor('float32', [], [a.value_float]);
  if (a.value_floats !== undefined) return makeTensor('float32', [a.value_floats.length], a.value_floats);
  if (a.value_int !== undefined) return makeTensor('int64', [], [a.value_int]);
  if (a.value_ints !== undefined) return makeTensor('int64', [a.value_ints.length], a.value_ints);
  throw opError(node, `attribute "${given[0]}" is not supported (edgec carries no string or sparse tensors)`);
}

export const Constant = defineOp({
  type: 'Constant',
  attrs: constantAttrs,
  inputs: { min: 0, max: 0 },
  outputs: { min: 1, max: 1 },
  inferTypes: (_i, a, node): KnownValue[] => {
    const value = constantValue(a, node);
    return [{ dtype: value.dtype, shape: [...value.shape], value }];
  },
  forward: (_i, a, node) => [constantValue(a, node)],
  backward: () => [],
});

function filledType(shapeInts: number[], fill: Tensor | undefined, node: Node): ValueType {
  if (shapeInts.some((d) => d < 0)) throw opError(node, `shape [${shapeInts}] has a negative dimension`);
  if (fill && fill.data.length !== 1) throw opError(node, `value must hold one element, it holds ${fill.data.length}`);
  return { dtype: fill?.dtype ?? 'float32', shape: shapeInts };
}

/** A tensor of the given shape filled with `value` (default: float32 zero). */
export const ConstantOfShape = defineOp({
  type: 'ConstantOfShape',
  attrs: { value: attr.tensor() },
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  inferTypes: ([shape], { value }, node) => {
    if (shape!.shape.length !== 1) throw opError(node, `shape input should be 1-D, got rank ${shape!.shape.length}`);
    return [filledType(requiredInts(shape, node, 'shape'), value, node)];
  },
  forward: ([shape], { value }, node) => {
    const { dtype, shape: outShape } = filledType(toIntList(shape!), value, node);
    const out = makeTensor(dtype, outShape);
    out.data.fill(value ? value.data[0]! : 0);
    return [out];
  },
  // The output depends on the shape input only through its integers: no gradient.
  backward: () => [undefined],
});

function rangeLength(start: number, limit: number, delta: number, dtype: Tensor['dtype'], node: Node): number {
  if (delta === 0) throw opError(node, 'delta is zero');
  // onnxruntime computes limit - start in the input's type before dividing in double.
  return Math.max(Math.ceil(castScalar(dtype, limit - start) / delta), 0);
}

/** start, start + delta, ... up to (not including) limit; float32 accumulates as onnxruntime does. */
export const Range = defineOp({
  type: 'Range',
  attrs: {},
  inputs: { min: 3, max: 3 },
  outputs: { min: 1, max: 1 },
  inferTypes: (inputs, _a, node): KnownValue[] => {
    checkDType(node, inputs[0]!.dtype, 'signed');
    checkSameDType(node, inputs);
    for (const [i, what] of ['start', 'limit', 'delta'].entries()) {
      if (sizeOf(inputs[i]!.shape) !== 1) throw opError(node, `${what} should be a scalar, got shape [${inputs[i]!.shape}]`);
    }
    const [start, limit, delta] = inputs.map((v, i) => {
      if (!v?.value) throw opError(node, `the ${['start', 'limit', 'delta'][i]} input must be known before running (a constant, or computed from constants)`);
      return v.value.data[0]!;
    });
    return [{ dtype: inputs[0]!.dtype, shape: [rangeLength(start!, limit!, delta!, inputs[0]!.dtype, node)] }];
  },
  forward: ([s, l, d], _a, node) => {
    const [start, limit, delta] = [scalarOf(s!, node, 'start'), scalarOf(l!, node, 'limit'), scalarOf(d!, node, 'delta')];
    const n = rangeLength(start, limit, delta, s!.dtype, node);
    const out = makeTensor(s!.dtype, [n]);
    let value = start;
    for (let i = 0; i < n; i++) {
      out.data[i] = value;
      value = castScalar(s!.dtype, value + delta);
    }
    return [out];
  },
  // Range builds index-like sequences from constants; edgec treats them as non-differentiable.
  backward: () => [undefined, undefined, undefined],
});

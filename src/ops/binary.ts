/**
 * Elementwise binary ops with broadcasting: Add, Sub, Mul, Div, Pow, and the variadic Max, Min.
 * Integer dtypes compute exactly and wrap/truncate like onnxruntime (Div truncates toward zero).
 */
import { broadcastBinary, broadcastShapes } from '../kernels/broadcast.js';
import { castScalar, isFloatType, makeTensor, type DType, type Tensor, type ValueType } from '../ir/tensor.js';
import { defineOp, opError, type OpDef } from './op-def.js';
import { binaryEmitC } from '../codegen/emit-ops/elementwise.js';
import { broadcastGrads, carriesGrad, gradOf, selectionGrads, unbroadcast } from '../train/op-grads.js';
import { activationBounds, applyActivation } from '../engine/fused-activation.js';
import { addClamped } from '../kernels/add-fused.js';
import type { Node } from '../ir/graph.js';
import { binaryFacet } from '../quant/shared-facets.js';

type Fn = (x: number, y: number) => number;
/** d f(x, y) / dx and / dy at (x, y), given z = f(x, y). */
type Partials = [(x: number, y: number, z: number) => number, (x: number, y: number, z: number) => number];

function outputType(inputs: (ValueType | undefined)[], node: Node): ValueType {
  const present = inputs.filter((v): v is ValueType => v !== undefined);
  const shape = broadcastShapes(...present.map((v) => v.shape));
  if (!shape) throw opError(node, `inputs of shapes ${present.map((v) => `[${v.shape}]`).join(', ')} do not broadcast`);
  return { dtype: present[0]!.dtype, shape };
}

/** Applies f pairwise left to right over all inputs (variadic ops fold this way). */
function compute(inputs: (Tensor | undefined)[], node: Node, f: Fn): Tensor {
  const present = inputs.filter((t): t is Tensor => t !== undefined);
  const { dtype, shape } = outputType(present, node);
  // Each result is rounded once to the output dtype (float32 as onnxruntime's kernels, ints wrap).
  const exact = dtype === 'float64' ? f : (x: number, y: number) => castScalar(dtype, f(x, y));
  let acc = present[0]!;
  for (const next of present.slice(1)) {
    const accShape = broadcastShapes(acc.shape, next.shape)!;
    const out = makeTensor(dtype, accShape);
    broadcastBinary(acc.data, acc.shape, next.data, next.shape, accShape, out.data, exact);
    acc = out;
  }
  if (present.length === 1 || acc.shape.length !== shape.length) return broadcastTo(acc, shape, dtype);
  return acc;
}

function broadcastTo(t: Tensor, shape: readonly number[], dtype: DType): Tensor {
  const out = makeTensor(dtype, shape);
  broadcastBinary(t.data, t.shape, [0], [], shape, out.data, (x) => x);
  return out;
}

function binary(type: string, partials: Partials, f: Fn, intF: Fn = f): OpDef {
  return defineOp({
    type,
    attrs: {},
    inputs: { min: 2, max: 2 },
    outputs: { min: 1, max: 1 },
    inferTypes: (inputs, _a, node) => [outputType(inputs, node)],
    forward: (inputs, _a, node) => [compute(inputs, node, isFloatType(inputs[0]!.dtype) ? f : intF)],
    backward: ([a, b], [z], [dz]) => broadcastGrads(a!, b!, z!, gradOf(dz, z!), partials),
  });
}

/** `winner` names the operand a variadic op's result came from (its gradient goes there). */
function variadic(type: string, f: Fn, winner: (values: number[], z: number) => number): OpDef {
  return defineOp({
    type,
    attrs: {},
    inputs: { min: 1, max: Infinity },
    outputs: { min: 1, max: 1 },
    inferTypes: (inputs, _a, node) => [outputType(inputs, node)],
    forward: (inputs, _a, node) => [compute(inputs, node, f)],
    backward: (inputs, [z], [dz]) => selectionGrads(inputs as Tensor[], z!, gradOf(dz, z!), winner),
  });
}

/** The fold keeps the later operand on ties, so the last one equal to the result wins. */
const lastEqual = (values: number[], z: number) => Math.max(0, values.lastIndexOf(z));
const one = () => 1;

const addOp = binary('Add', [one, one], (x, y) => x + y, (x, y) => x + y);
const sameShape = (a: Tensor, b: Tensor) => a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);

// Integer Add and Mul (two activation inputs): TFLite's rescaling, quant/shared-facets.ts.
// Float32 Add of equal shapes (residual connections) takes one fused pass with its Relu/Clip.
export const Add: OpDef = {
  ...addOp,
  forward(inputs, attrs, node) {
    const [a, b] = inputs as [Tensor, Tensor];
    const [lo, hi] = activationBounds(node.activation);
    if (a.data instanceof Float32Array && b.data instanceof Float32Array && a.dtype === 'float32' && b.dtype === 'float32' && sameShape(a, b)) {
      const out = makeTensor('float32', a.shape);
      addClamped(out.data as Float32Array, a.data, b.data, lo, hi);
      return [out];
    }
    const [out] = addOp.forward(inputs, attrs, node);
    return [node.activation ? applyActivation(out!, node.activation) : out!];
  },
  appliesActivation: true,
  // d(a + b)/da = d(a + b)/db = 1: each operand gets dz summed over the axes it was broadcast along.
  backward: ([a, b], [z], [dz]) => [a, b].map((t) => (carriesGrad(t) ? unbroadcast(gradOf(dz, z!), t!.shape, t!.dtype) : undefined)),
  integer: binaryFacet('add'),
  emitC: binaryEmitC('add'),
};
export const Sub = binary('Sub', [one, () => -1], (x, y) => x - y, (x, y) => x - y);
export const Mul = { ...binary('Mul', [(_x, y) => y, (x) => x], (x, y) => x * y, (x, y) => x * y), integer: binaryFacet('mul'), emitC: binaryEmitC('mul') };
export const Div = binary('Div', [(_x, y) => 1 / y, (x, y) => -x / (y * y)], (x, y) => x / y, (x, y) => (y === 0 ? 0 : Math.trunc(x / y)));
export const Pow = binary('Pow', [(x, y) => y * Math.pow(x, y - 1), (x, _y, z) => (x > 0 ? z * Math.log(x) : 0)], (x, y) => Math.pow(x, y), (x, y) => Math.pow(x, y));
// NaN propagates through Max/Min, as in onnxruntime.
export const Max = variadic('Max', (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : x > y ? x : y), lastEqual);
export const Min = variadic('Min', (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : x < y ? x : y), lastEqual);

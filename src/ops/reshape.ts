/**
 * Ops that change only the shape, never the order of elements: Reshape (0 copies a dimension
 * unless allowzero, -1 is inferred), Flatten, Squeeze and Unsqueeze (axes as inputs, the opset-13
 * form). The output shares the input's buffer: tensors are immutable, so a view is safe.
 */
import type { Node } from '../ir/graph.js';
import { sizeOf, toIntList, type Tensor, type ValueType } from '../ir/tensor.js';
import { attr, defineOp, opError } from './op-def.js';
import { carriesGrad, gradOf, viewGrad } from '../train/op-grads.js';
import { copyEmitC } from '../codegen/emit-ops/elementwise.js';
import { copyFacet } from '../quant/shared-facets.js';
import { knownInts, normalizeAxes, normalizeAxis, requiredInts } from './shape-args.js';

function view(x: Tensor, shape: number[]): Tensor {
  return { dtype: x.dtype, shape, data: x.data };
}

/** A view's gradient is dY's numbers in X's shape; the shape and axes inputs have none. */
function viewBackward(inputs: (Tensor | undefined)[], [y]: Tensor[], [dy]: (Tensor | undefined)[]): (Tensor | undefined)[] {
  const x = inputs[0];
  return inputs.map((_, i) => (i === 0 && carriesGrad(x) ? viewGrad(gradOf(dy, y!), x!) : undefined));
}

function reshapeTo(input: readonly number[], requested: readonly number[], allowzero: number, node: Node): number[] {
  const shape = requested.map((d, i) => {
    if (d === 0 && !allowzero) {
      if (i >= input.length) throw opError(node, `shape [${requested}] copies dimension ${i}, the input has rank ${input.length}`);
      return input[i]!;
    }
    return d;
  });
  const unknown = shape.filter((d) => d === -1).length;
  if (unknown > 1 || shape.some((d) => d < -1)) throw opError(node, `shape [${requested}] is invalid`);
  if (allowzero && unknown && shape.includes(0)) throw opError(node, `shape [${requested}] has both 0 and -1 with allowzero`);
  const total = sizeOf(input);
  if (unknown) {
    const known = shape.reduce((p, d) => (d === -1 ? p : p * d), 1);
    if (known === 0 || total % known !== 0) throw opError(node, `cannot reshape [${input}] to [${requested}]`);
    return shape.map((d) => (d === -1 ? total / known : d));
  }
  if (sizeOf(shape) !== total) throw opError(node, `cannot reshape [${input}] (${total} elements) to [${requested}]`);
  return shape;
}

export const Reshape = defineOp({
  type: 'Reshape',
  attrs: { allowzero: attr.int(0) },
  inputs: { min: 2, max: 2 },
  outputs: { min: 1, max: 1 },
  inferTypes: ([x, shape], { allowzero }, node) => [
    { dtype: x!.dtype, shape: reshapeTo(x!.shape, requiredInts(shape, node, 'shape'), allowzero, node) },
  ],
  forward: ([x, shape], { allowzero }, node) => [view(x!, reshapeTo(x!.shape, toIntList(shape!), allowzero, node))],
  backward: viewBackward,
  // Integer: a copy with the input's qparams (quant/shared-facets.ts), as Flatten, Squeeze, Unsqueeze.
  integer: copyFacet,
  emitC: copyEmitC,
});

function flattenShape(x: ValueType, axis: number, node: Node): number[] {
  const rank = x.shape.length;
  // Flatten's axis may equal the rank (everything goes to the first dimension).
  const a = axis === rank ? rank : normalizeAxis(axis, rank, node);
  return [sizeOf(x.shape.slice(0, a)), sizeOf(x.shape.slice(a))];
}

export const Flatten = defineOp({
  type: 'Flatten',
  attrs: { axis: attr.int(1) },
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  inferTypes: ([x], { axis }, node) => [{ dtype: x!.dtype, shape: flattenShape(x!, axis, node) }],
  forward: ([x], { axis }, node) => [view(x!, flattenShape(x!, axis, node))],
  backward: viewBackward,
  integer: copyFacet,
  emitC: copyEmitC,
});

function squeezeShape(shape: readonly number[], axes: number[] | undefined, node: Node): number[] {
  if (axes === undefined) return shape.filter((d) => d !== 1);
  const drop = normalizeAxes(axes, shape.length, node);
  for (const a of drop) {
    if (shape[a] !== 1) throw opError(node, `cannot squeeze axis ${a} of size ${shape[a]}`);
  }
  return shape.filter((_, i) => !drop.includes(i));
}

export const Squeeze = defineOp({
  type: 'Squeeze',
  attrs: {},
  inputs: { min: 1, max: 2 },
  outputs: { min: 1, max: 1 },
  inferTypes: ([x, axes], _a, node) => [{ dtype: x!.dtype, shape: squeezeShape(x!.shape, knownInts(axes, node, 'axes'), node) }],
  forward: ([x, axes], _a, node) => [view(x!, squeezeShape(x!.shape, axes ? toIntList(axes) : undefined, node))],
  backward: viewBackward,
  integer: copyFacet,
  emitC: copyEmitC,
});

function unsqueezeShape(shape: readonly number[], axes: number[], node: Node): number[] {
  const rank = shape.length + axes.length;
  const inserted = normalizeAxes(axes, rank, node);
  const rest = [...shape];
  return Array.from({ length: rank }, (_, i) => (inserted.includes(i) ? 1 : rest.shift()!));
}

export const Unsqueeze = defineOp({
  type: 'Unsqueeze',
  attrs: {},
  inputs: { min: 2, max: 2 },
  outputs: { min: 1, max: 1 },
  inferTypes: ([x, axes], _a, node) => [{ dtype: x!.dtype, shape: unsqueezeShape(x!.shape, requiredInts(axes, node, 'axes'), node) }],
  forward: ([x, axes], _a, node) => [view(x!, unsqueezeShape(x!.shape, toIntList(axes!), node))],
  backward: viewBackward,
  integer: copyFacet,
  emitC: copyEmitC,
});

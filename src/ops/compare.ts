/**
 * Comparisons and logic with broadcasting, which PyTorch exports emit around masks and
 * `view`/`expand` chains: Equal, Less, LessOrEqual, Greater, GreaterOrEqual (bool out), And, Or,
 * Xor, and Where (select between two tensors by a bool condition, three-way broadcast).
 */
import { broadcastBinary, broadcastIndex, broadcastShapes } from '../kernels/broadcast.js';
import type { Node } from '../ir/graph.js';
import { makeTensor, type ValueType } from '../ir/tensor.js';
import { checkDType, checkSameDType, type DTypeClass } from './elementwise.js';
import { defineOp, opError, type OpDef } from './op-def.js';
import { carriesGrad, gradOf, unbroadcast } from '../train/op-grads.js';

function broadcastOrThrow(node: Node, types: readonly ValueType[]): number[] {
  const shape = broadcastShapes(...types.map((t) => t.shape));
  if (!shape) throw opError(node, `inputs of shapes ${types.map((t) => `[${t.shape}]`).join(', ')} do not broadcast`);
  return shape;
}

/** A broadcasting binary op whose result is bool. */
function predicate(type: string, cls: DTypeClass, f: (x: number, y: number) => boolean): OpDef {
  const resultType = (a: ValueType, b: ValueType, node: Node): ValueType => {
    checkDType(node, a.dtype, cls);
    checkSameDType(node, [a, b]);
    return { dtype: 'bool', shape: broadcastOrThrow(node, [a, b]) };
  };
  return defineOp({
    type,
    attrs: {},
    inputs: { min: 2, max: 2 },
    outputs: { min: 1, max: 1 },
    inferTypes: ([a, b], _a, node) => [resultType(a!, b!, node)],
    forward: ([a, b], _a, node) => {
      const out = makeTensor('bool', resultType(a!, b!, node).shape);
      broadcastBinary(a!.data, a!.shape, b!.data, b!.shape, out.shape, out.data, (x, y) => (f(x, y) ? 1 : 0));
      return [out];
    },
    // A bool result is piecewise constant: no gradient reaches the operands.
    backward: () => [undefined, undefined],
  });
}

// Comparisons with NaN are false (Equal included), as in IEEE and onnxruntime.
export const Equal = predicate('Equal', 'any', (x, y) => x === y);
export const Less = predicate('Less', 'numeric', (x, y) => x < y);
export const LessOrEqual = predicate('LessOrEqual', 'numeric', (x, y) => x <= y);
export const Greater = predicate('Greater', 'numeric', (x, y) => x > y);
export const GreaterOrEqual = predicate('GreaterOrEqual', 'numeric', (x, y) => x >= y);
export const And = predicate('And', 'bool', (x, y) => x !== 0 && y !== 0);
export const Or = predicate('Or', 'bool', (x, y) => x !== 0 || y !== 0);
export const Xor = predicate('Xor', 'bool', (x, y) => (x !== 0) !== (y !== 0));

function whereType(cond: ValueType, x: ValueType, y: ValueType, node: Node): ValueType {
  checkDType(node, cond.dtype, 'bool', 'condition');
  checkSameDType(node, [x, y], 'X and Y');
  return { dtype: x.dtype, shape: broadcastOrThrow(node, [cond, x, y]) };
}

/** out = cond ? X : Y, all three broadcast together. */
export const Where = defineOp({
  type: 'Where',
  attrs: {},
  inputs: { min: 3, max: 3 },
  outputs: { min: 1, max: 1 },
  inferTypes: ([c, x, y], _a, node) => [whereType(c!, x!, y!, node)],
  forward: ([c, x, y], _a, node) => {
    const { dtype, shape } = whereType(c!, x!, y!, node);
    const out = makeTensor(dtype, shape);
    const [ic, ix, iy] = [c!, x!, y!].map((t) => broadcastIndex(t.shape, shape));
    for (let i = 0; i < out.data.length; i++) {
      out.data[i] = c!.data[ic![i]!]! !== 0 ? x!.data[ix![i]!]! : y!.data[iy![i]!]!;
    }
    return [out];
  },
  // dz goes to X where the condition holds and to Y elsewhere, each summed back to its shape.
  backward: ([c, x, y], [z], [dz]) => {
    const g = gradOf(dz, z!);
    const ic = broadcastIndex(c!.shape, z!.shape);
    const [toX, toY] = [makeTensor(z!.dtype, z!.shape), makeTensor(z!.dtype, z!.shape)];
    for (let i = 0; i < g.data.length; i++) (c!.data[ic[i]!]! !== 0 ? toX : toY).data[i] = g.data[i]!;
    return [undefined, carriesGrad(x) ? unbroadcast(toX, x!.shape, x!.dtype) : undefined, carriesGrad(y) ? unbroadcast(toY, y!.shape, y!.dtype) : undefined];
  },
});

/**
 * Small tensor-level helpers the ops' `backward` facets share (the heavy math lives in
 * kernels/*-backward.ts): which values carry gradients, zero gradients, the gradient of an
 * elementwise map, of a broadcast (a sum back to the operand's shape) and of a view.
 *
 * Gradients have their value's dtype: float32 values get Float32Array gradients, float64 ones
 * Float64Array (so the finite-difference tests can run those ops in double). Integer and bool
 * values carry no gradient.
 */
import type { Node } from '../ir/graph.js';
import type { AttrSchema, AttrsOf, OpDef } from '../ops/op-def.js';
import { isFloatType, makeTensor, type DType, type Tensor } from '../ir/tensor.js';
import { broadcastIndex } from '../kernels/broadcast.js';
import { iotaData, scatterAdd, sumToShape } from '../kernels/broadcast-backward.js';

/** Float values carry gradients; integer, bool and absent ones do not. */
export function carriesGrad(t: { dtype: DType } | undefined): boolean {
  return t !== undefined && isFloatType(t.dtype);
}

export function zerosLike(t: Tensor): Tensor {
  return makeTensor(t.dtype, t.shape);
}

/** The gradient of an output, zeros when none reached it. */
export function gradOf(grad: Tensor | undefined, output: Tensor): Tensor {
  return grad ?? zerosLike(output);
}

/** dx = dy * df(x, y) elementwise, for y = f(x) of the same shape. */
export function mapGrad(x: Tensor, y: Tensor, dy: Tensor, df: (x: number, y: number) => number): Tensor {
  const dx = makeTensor(x.dtype, x.shape);
  const xs = x.data;
  const ys = y.data;
  const g = dy.data;
  const out = dx.data;
  for (let i = 0; i < out.length; i++) out[i] = g[i]! * df(xs[i]!, ys[i]!);
  return dx;
}

/**
 * The gradient of an operand of `shape` that was broadcast to `grad`'s shape: sums over the
 * broadcast axes. Returns `grad` itself when no broadcast happened.
 */
export function unbroadcast(grad: Tensor, shape: readonly number[], dtype: DType): Tensor {
  const same = shape.length === grad.shape.length && shape.every((d, i) => d === grad.shape[i]);
  if (same && dtype === grad.dtype) return grad;
  const out = makeTensor(dtype, shape);
  sumToShape(out.data, shape, grad.data, grad.shape);
  return out;
}

/** The gradient of a view (Reshape, Flatten, Squeeze...): the same numbers in the input's shape. */
export function viewGrad(grad: Tensor, like: Tensor): Tensor {
  return { dtype: like.dtype, shape: [...like.shape], data: grad.data };
}

/** A gradient in `like`'s dtype and shape built from any numbers (e.g. a double accumulator). */
export function gradFrom(like: { dtype: DType; shape: readonly number[] }, data: ArrayLike<number>): Tensor {
  return makeTensor(like.dtype, like.shape, data);
}

/** k * t as a new tensor (never scales in place: `t` may be another value's gradient). */
export function scaled(t: Tensor, k: number): Tensor {
  const out = makeTensor(t.dtype, t.shape);
  for (let i = 0; i < out.data.length; i++) out.data[i] = k * t.data[i]!;
  return out;
}

/**
 * Gradients of z = f(a, b) with numpy broadcasting: da = sum dz * df/da over the axes a was
 * broadcast along, likewise db. `partials` give df/da and df/db at (a, b, z). Non-float operands
 * get undefined.
 */
export function broadcastGrads(
  a: Tensor,
  b: Tensor,
  z: Tensor,
  dz: Tensor,
  partials: [(x: number, y: number, z: number) => number, (x: number, y: number, z: number) => number],
): [Tensor | undefined, Tensor | undefined] {
  const ia = broadcastIndex(a.shape, z.shape);
  const ib = broadcastIndex(b.shape, z.shape);
  return [a, b].map((t, k) => {
    if (!carriesGrad(t)) return undefined;
    const partial = partials[k]!;
    const full = makeTensor(t.dtype, z.shape);
    for (let i = 0; i < full.data.length; i++) full.data[i] = dz.data[i]! * partial(a.data[ia[i]!]!, b.data[ib[i]!]!, z.data[i]!);
    return unbroadcast(full, t.shape, t.dtype);
  }) as [Tensor | undefined, Tensor | undefined];
}

/**
 * Gradients of a selection z = pick(x_1, ..., x_n) elementwise with broadcasting (variadic Max
 * and Min): each dz[i] goes to the operand `winner(values)` names, summed back to its shape.
 */
export function selectionGrads(inputs: Tensor[], z: Tensor, dz: Tensor, winner: (values: number[], z: number) => number): (Tensor | undefined)[] {
  const index = inputs.map((t) => broadcastIndex(t.shape, z.shape));
  const full = inputs.map((t) => makeTensor(t.dtype, z.shape));
  const values = new Array<number>(inputs.length);
  for (let i = 0; i < z.data.length; i++) {
    for (let k = 0; k < inputs.length; k++) values[k] = inputs[k]!.data[index[k]![i]!]!;
    full[winner(values, z.data[i]!)]!.data[i] = dz.data[i]!;
  }
  return inputs.map((t, k) => (carriesGrad(t) ? unbroadcast(full[k]!, t.shape, t.dtype) : undefined));
}

/**
 * The gradient of an op that only moves x's elements (Transpose, Slice, Pad, Gather, Tile,
 * Expand, DepthToSpace...): `move` is the op's own forward applied to a float64 tensor holding
 * each element's index, so every output says which input element it copied (or -1 for a pad
 * constant, when `move` pads with -1); dy is then added back to those elements.
 */
export function movementGrad(x: Tensor, dy: Tensor, move: (indices: Tensor) => Tensor): Tensor {
  const source = move(makeTensor('float64', x.shape, iotaData(x.data.length)));
  const dx = makeTensor(x.dtype, x.shape);
  scatterAdd(dx.data, source.data, dy.data);
  return dx;
}

/**
 * The `backward` of an op that moves the elements of its first input and reads its other inputs
 * only as integers (shapes, axes, indices, pads): movementGrad through the op's own forward.
 * `opOf` returns the op (a thunk with a declared type, so an op can name itself while it is
 * being defined).
 */
export function movementBackward<A>(opOf: () => OpDef) {
  return (inputs: (Tensor | undefined)[], [y]: Tensor[], [dy]: (Tensor | undefined)[], attrs: A, node: Node): (Tensor | undefined)[] => {
    const x = inputs[0]!;
    const rest = inputs.slice(1);
    const move = (ix: Tensor) => opOf().forward([ix, ...rest], attrs as AttrsOf<AttrSchema>, node)[0]!;
    return [carriesGrad(x) ? movementGrad(x, gradOf(dy, y!), move) : undefined, ...rest.map(() => undefined)];
  };
}

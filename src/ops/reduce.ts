/**
 * Reductions in their opset-18 form: axes an optional int64 input, keepdims (default 1) and
 * noop_with_empty_axes (default 0: no axes means every axis; 1: no axes means the identity).
 * ReduceMean, ReduceMax, ReduceMin, ReduceSum, and the cheap relatives ReduceProd, ReduceL1,
 * ReduceL2, ReduceSumSquare, ReduceLogSum, ReduceLogSumExp. Sums accumulate in double and round
 * once to the dtype; integer means truncate, as onnxruntime's integer kernels do.
 */
import type { Node } from '../ir/graph.js';
import { makeTensor, stridesOf, toIntList, type KnownValue, type Tensor, type ValueType } from '../ir/tensor.js';
import { checkDType, rounderFor, type DTypeClass } from './elementwise.js';
import { attr, defineOp, type OpDef } from './op-def.js';
import { knownInts, normalizeAxes } from './shape-args.js';
import { broadcastIndex } from '../kernels/broadcast.js';
import { carriesGrad, gradOf } from '../train/op-grads.js';

interface Reducer {
  init: number;
  /** Folds one element into the accumulator. */
  step: (acc: number, x: number) => number;
  /** Turns the accumulator of `count` elements into the result. */
  finish: (acc: number, count: number, integer: boolean) => number;
}

const reduceAttrs = { keepdims: attr.int(1), noop_with_empty_axes: attr.int(0) };
type ReduceAttrs = { keepdims: number; noop_with_empty_axes: number };

/** Which axes get reduced: undefined means none (empty axes with noop_with_empty_axes). */
function reducedAxes(rank: number, axes: number[] | undefined, a: ReduceAttrs, node: Node): number[] | undefined {
  if (axes === undefined || axes.length === 0) {
    return a.noop_with_empty_axes ? undefined : Array.from({ length: rank }, (_, i) => i);
  }
  return normalizeAxes(axes, rank, node);
}

function outputShape(shape: readonly number[], axes: number[] | undefined, keepdims: number): number[] {
  if (axes === undefined) return [...shape];
  if (keepdims) return shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return shape.filter((_, i) => !axes.includes(i));
}

function reduce(x: Tensor, axes: number[] | undefined, a: ReduceAttrs, r: Reducer): Tensor {
  const integer = !['float16', 'float32', 'float64'].includes(x.dtype);
  const round = rounderFor(x.dtype);
  const outShape = outputShape(x.shape, axes, a.keepdims);
  if (axes === undefined) {
    // Reducing over no axis reduces each element alone: ReduceL1 still takes |x|, SumSquare x^2.
    const out = makeTensor(x.dtype, outShape);
    for (let i = 0; i < x.data.length; i++) out.data[i] = round(r.finish(r.step(r.init, x.data[i]!), 1, integer));
    return out;
  }
  // Each input element adds to the output element at its coordinates with reduced axes at 0.
  const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const keptStrides = stridesOf(keptShape).map((s, i) => (axes.includes(i) ? 0 : s));
  const outCount = keptShape.reduce((p, d) => p * d, 1);
  const count = axes.reduce((p, ax) => p * x.shape[ax]!, 1);
  const acc = new Float64Array(outCount).fill(r.init);
  const rank = x.shape.length;
  const coord = new Array<number>(rank).fill(0);
  let o = 0;
  for (let i = 0; i < x.data.length; i++) {
    acc[o] = r.step(acc[o]!, x.data[i]!);
    for (let d = rank - 1; d >= 0; d--) {
      coord[d]!++;
      o += keptStrides[d]!;
      if (coord[d]! < x.shape[d]!) break;
      o -= keptStrides[d]! * coord[d]!;
      coord[d] = 0;
    }
  }
  const out = makeTensor(x.dtype, outShape);
  for (let k = 0; k < outCount; k++) out.data[k] = round(r.finish(acc[k]!, count, integer));
  return out;
}

function reduceOp(type: string, cls: DTypeClass, r: Reducer): OpDef {
  const types = (x: ValueType, axesIn: KnownValue | undefined, a: ReduceAttrs, node: Node) => {
    checkDType(node, x.dtype, cls);
    const axes = reducedAxes(x.shape.length, knownInts(axesIn, node, 'axes'), a, node);
    return { dtype: x.dtype, shape: outputShape(x.shape, axes, a.keepdims) };
  };
  return defineOp({
    type,
    attrs: reduceAttrs,
    inputs: { min: 1, max: 2 },
    outputs: { min: 1, max: 1 },
    inferTypes: ([x, axes], a, node) => [types(x!, axes, a, node)],
    forward: ([x, axes], a, node) => {
      const list = reducedAxes(x!.shape.length, axes ? toIntList(axes) : undefined, a, node);
      return [reduce(x!, list, a, r)];
    },
    backward: ([x, axes], [y], [dy], a, node) => {
      const list = reducedAxes(x!.shape.length, axes ? toIntList(axes) : undefined, a, node);
      const dx = carriesGrad(x) ? reduceBackward(x!, y!, gradOf(dy, y!), list, REDUCE_GRADS[type]!) : undefined;
      return axes ? [dx, undefined] : [dx];
    },
  });
}

/**
 * dx[i] = dy[o] * d(result)/dx[i], o the output x[i] was reduced into. Max and Min share dy
 * evenly between the elements equal to the result (PyTorch's amax/amin rule).
 */
function reduceBackward(x: Tensor, y: Tensor, dy: Tensor, axes: number[] | undefined, grad: ReduceGrad): Tensor {
  const keptShape = x.shape.map((d, i) => (axes === undefined || !axes.includes(i) ? d : 1));
  const count = axes === undefined ? 1 : axes.reduce((p, ax) => p * x.shape[ax]!, 1);
  const index = broadcastIndex(keptShape, x.shape);
  const ties = new Float64Array(y.data.length);
  if (grad === 'ties') for (let i = 0; i < x.data.length; i++) if (x.data[i] === y.data[index[i]!]) ties[index[i]!]!++;
  const dx = makeTensor(x.dtype, x.shape);
  for (let i = 0; i < x.data.length; i++) {
    const o = index[i]!;
    const [v, r] = [x.data[i]!, y.data[o]!];
    dx.data[i] = dy.data[o]! * (grad === 'ties' ? (v === r ? 1 / ties[o]! : 0) : grad(v, r, count));
  }
  return dx;
}

/** d(result)/dx at element x of a reduction over `count` elements with result y. */
type ReduceGrad = ((x: number, y: number, count: number) => number) | 'ties';

// Looked up by op type when backward runs.
const REDUCE_GRADS: Record<string, ReduceGrad> = {
  ReduceSum: () => 1,
  ReduceMean: (_x, _y, n) => 1 / n,
  ReduceMax: 'ties',
  ReduceMin: 'ties',
  ReduceProd: (x, y) => y / x, // the product of the others, for non-zero x
  ReduceL1: (x) => Math.sign(x),
  ReduceL2: (x, y) => x / y,
  ReduceSumSquare: (x) => 2 * x,
  ReduceLogSum: (_x, y) => Math.exp(-y),
  ReduceLogSumExp: (x, y) => Math.exp(x - y),
};

const keep = (acc: number) => acc;
// NaN propagates through Max and Min, as numpy's and onnxruntime's reductions do.
const max = (acc: number, x: number) => (x > acc || Number.isNaN(x) ? x : acc);
const min = (acc: number, x: number) => (x < acc || Number.isNaN(x) ? x : acc);

export const ReduceSum = reduceOp('ReduceSum', 'numeric', { init: 0, step: (a, x) => a + x, finish: keep });
export const ReduceMean = reduceOp('ReduceMean', 'numeric', {
  init: 0,
  step: (a, x) => a + x,
  finish: (a, n, integer) => (integer ? Math.trunc(a / n) : a / n),
});
// An empty reduction gives the identity of max/min: -inf/+inf (the opset-18 rule).
export const ReduceMax = reduceOp('ReduceMax', 'numeric', { init: -Infinity, step: max, finish: keep });
export const ReduceMin = reduceOp('ReduceMin', 'numeric', { init: Infinity, step: min, finish: keep });
export const ReduceProd = reduceOp('ReduceProd', 'numeric', { init: 1, step: (a, x) => a * x, finish: keep });
export const ReduceL1 = reduceOp('ReduceL1', 'numeric', { init: 0, step: (a, x) => a + Math.abs(x), finish: keep });
export const ReduceL2 = reduceOp('ReduceL2', 'numeric', { init: 0, step: (a, x) => a + x * x, finish: Math.sqrt });
export const ReduceSumSquare = reduceOp('ReduceSumSquare', 'numeric', { init: 0, step: (a, x) => a + x * x, finish: keep });
export const ReduceLogSum = reduceOp('ReduceLogSum', 'float', { init: 0, step: (a, x) => a + x, finish: Math.log });
export const ReduceLogSumExp = reduceOp('ReduceLogSumExp', 'float', {
  init: 0,
  step: (a, x) => a + Math.exp(x),
  finish: Math.log,
});

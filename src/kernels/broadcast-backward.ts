/**
 * The adjoints of broadcasting and of index maps, over flat arrays: what Add/Mul/Expand/Where's
 * backward and every gather-like op (Pad, Gather, Tile, Resize's nearest mode) need. Sums run in
 * double and are rounded once on store.
 */
import { broadcastIndex } from './broadcast.js';

type Numbers = { [i: number]: number; length: number };

/**
 * out (shape) = grad (gradShape) summed over the axes along which `shape` was broadcast to
 * `gradShape` (numpy rules: missing leading axes and axes of size 1).
 */
export function sumToShape(out: Numbers, shape: readonly number[], grad: ArrayLike<number>, gradShape: readonly number[]): void {
  const acc = new Float64Array(out.length);
  if (acc.length === grad.length) {
    for (let i = 0; i < grad.length; i++) acc[i] = grad[i]!;
  } else {
    const index = broadcastIndex(shape, gradShape);
    for (let i = 0; i < grad.length; i++) acc[index[i]!]! += grad[i]!;
  }
  for (let i = 0; i < out.length; i++) out[i] = acc[i]!;
}

/**
 * The adjoint of a gather `y[i] = x[source[i]]` (source -1: y[i] did not come from x): adds each
 * grad[i] into out[source[i]]. out has x's length and is overwritten.
 */
export function scatterAdd(out: Numbers, source: ArrayLike<number>, grad: ArrayLike<number>): void {
  const acc = new Float64Array(out.length);
  for (let i = 0; i < grad.length; i++) {
    const s = source[i]!;
    if (s >= 0) acc[s]! += grad[i]!;
  }
  for (let i = 0; i < out.length; i++) out[i] = acc[i]!;
}

/** The slow obvious sumToShape: decompose every coordinate, for tests. */
export function sumToShapeReference(out: Numbers, shape: readonly number[], grad: ArrayLike<number>, gradShape: readonly number[]): void {
  const acc = new Float64Array(out.length);
  const lead = gradShape.length - shape.length;
  for (let i = 0; i < grad.length; i++) {
    let rest = i;
    let offset = 0;
    let stride = 1;
    for (let d = gradShape.length - 1; d >= 0; d--) {
      const c = rest % gradShape[d]!;
      rest = Math.floor(rest / gradShape[d]!);
      if (d >= lead) {
        const size = shape[d - lead]!;
        offset += (size === 1 ? 0 : c) * stride;
        stride *= size;
      }
    }
    acc[offset]! += grad[i]!;
  }
  for (let i = 0; i < out.length; i++) out[i] = acc[i]!;
}

/** The index of every element, 0..length-1, as float64 data (exact): a tensor's own addresses. */
export function iotaData(length: number): Float64Array {
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = i;
  return out;
}

/**
 * Pad in its opset-18 form: pads (begins then ends, one per padded axis), an optional scalar
 * constant_value and optional axes as inputs; modes constant, reflect, edge and wrap. Negative
 * pads crop. Each axis gets a map from output coordinate to input coordinate (-1: the constant),
 * so the four modes share one copy loop.
 */
import type { Node } from '../ir/graph.js';
import { makeTensor, stridesOf, toIntList, type Tensor } from '../ir/tensor.js';
import { attr, defineOp, opError } from './op-def.js';
import { carriesGrad, gradFrom, gradOf, movementGrad } from '../train/op-grads.js';
import { knownInts, normalizeAxes, requiredInts, scalarOf } from './shape-args.js';

const MODES = ['constant', 'reflect', 'edge', 'wrap'];

/** [begin, end] pads for every axis of the input. */
function fullPads(rank: number, pads: number[], axes: number[] | undefined, node: Node): [number, number][] {
  const padded = axes === undefined ? Array.from({ length: rank }, (_, i) => i) : normalizeAxes(axes, rank, node);
  if (pads.length !== 2 * padded.length) throw opError(node, `pads has ${pads.length} entries, expected ${2 * padded.length}`);
  const out = Array.from({ length: rank }, (): [number, number] => [0, 0]);
  padded.forEach((axis, i) => (out[axis] = [pads[i]!, pads[i + padded.length]!]));
  return out;
}

function padShape(shape: readonly number[], pads: [number, number][], mode: string, node: Node): number[] {
  if (!MODES.includes(mode)) throw opError(node, `mode "${mode}" is not one of ${MODES.join(', ')}`);
  return shape.map((d, i) => {
    const [begin, end] = pads[i]!;
    const size = d + begin + end;
    if (size < 0) throw opError(node, `pads [${begin}, ${end}] crop axis ${i} of size ${d} below zero`);
    const kept = d - Math.max(0, -begin) - Math.max(0, -end);
    if (mode !== 'constant' && kept <= 0 && size > 0) throw opError(node, `mode "${mode}" cannot pad axis ${i}, which has no elements left`);
    return size;
  });
}

/**
 * Where output coordinate o of one axis reads from, or -1 for the constant. Negative pads crop
 * first; the other side is then padded relative to what is left (onnxruntime's order, which
 * matters for wrap).
 */
function sourceIndex(o: number, begin: number, end: number, dim: number, mode: string): number {
  const lo = Math.max(0, -begin);
  const length = dim - lo - Math.max(0, -end);
  let c = o - Math.max(0, begin);
  if (c >= 0 && c < length) return lo + c;
  switch (mode) {
    case 'edge':
      return lo + (c < 0 ? 0 : length - 1);
    case 'wrap':
      return lo + (((c % length) + length) % length);
    case 'reflect': {
      if (length === 1) return lo;
      // Mirror without repeating the edge; pads wider than the axis bounce again (numpy's rule).
      const period = 2 * (length - 1);
      c = ((c % period) + period) % period;
      return lo + (c < length ? c : period - c);
    }
    default:
      return -1;
  }
}

function pad(x: Tensor, pads: [number, number][], mode: string, constant: number, node: Node): Tensor {
  const out = makeTensor(x.dtype, padShape(x.shape, pads, mode, node));
  const strides = stridesOf(x.shape);
  const rank = x.shape.length;
  // maps[d][o] is the input offset contribution of output coordinate o on axis d, or -1.
  const maps = out.shape.map((size, d) =>
    Int32Array.from({ length: size }, (_, o) => {
      const i = sourceIndex(o, pads[d]![0], pads[d]![1], x.shape[d]!, mode);
      return i < 0 ? -1 : i * strides[d]!;
    }),
  );
  const coord = new Array<number>(rank).fill(0);
  for (let k = 0; k < out.data.length; k++) {
    let src = 0;
    for (let d = 0; d < rank && src >= 0; d++) {
      const m = maps[d]![coord[d]!]!;
      src = m < 0 ? -1 : src + m;
    }
    out.data[k] = src < 0 ? constant : x.data[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      if (++coord[d]! < out.shape[d]!) break;
      coord[d] = 0;
    }
  }
  return out;
}

export const Pad = defineOp({
  type: 'Pad',
  attrs: { mode: attr.string('constant') },
  inputs: { min: 2, max: 4 },
  outputs: { min: 1, max: 1 },
  inferTypes: ([x, pads, value, axes], { mode }, node) => {
    if (value && value.dtype !== x!.dtype) throw opError(node, `constant_value has dtype ${value.dtype}, the input ${x!.dtype}`);
    const full = fullPads(x!.shape.length, requiredInts(pads, node, 'pads'), knownInts(axes, node, 'axes'), node);
    return [{ dtype: x!.dtype, shape: padShape(x!.shape, full, mode, node) }];
  },
  forward: ([x, pads, value, axes], { mode }, node) => {
    const full = fullPads(x!.shape.length, toIntList(pads!), axes ? toIntList(axes) : undefined, node);
    const constant = value ? scalarOf(value, node, 'constant_value') : 0;
    return [pad(x!, full, mode, constant, node)];
  },
  // x's elements go back to where they were copied from (padding with -1 marks the constant's
  // places); the constant gets the rest of dY, the sum over the places it filled.
  backward: ([x, pads, value, axes], [y], [dy], { mode }, node) => {
    if (!carriesGrad(x)) return [undefined, undefined, undefined, undefined];
    const full = fullPads(x!.shape.length, toIntList(pads!), axes ? toIntList(axes) : undefined, node);
    const g = gradOf(dy, y!);
    const dx = movementGrad(x!, g, (ix) => pad(ix, full, mode, -1, node));
    const sum = (t: Tensor) => Array.from(t.data).reduce((s, v) => s + v, 0);
    return [dx, undefined, value && gradFrom(value, [sum(g) - sum(dx)]), undefined];
  },
});

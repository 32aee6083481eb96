/**
 * Ops that repeat data to a larger shape: Expand (numpy broadcast of the input against a target
 * shape, in both directions) and Tile (repeat along each axis). Both output shapes come from an
 * integer input, which must be known before running.
 */
import { broadcastShapes } from '../kernels/broadcast.js';
import { stridedCopy } from '../kernels/strided-copy.js';
import type { Node } from '../ir/graph.js';
import { makeTensor, stridesOf, toIntList, type Tensor, type ValueType } from '../ir/tensor.js';
import { defineOp, opError, type OpDef } from './op-def.js';
import { movementBackward } from '../train/op-grads.js';
import { requiredInts } from './shape-args.js';

function expandShape(input: ValueType, target: readonly number[], node: Node): number[] {
  if (target.some((d) => !Number.isInteger(d) || d < 0)) throw opError(node, `shape [${target}] has a negative dimension`);
  const shape = broadcastShapes(input.shape, target);
  if (!shape) throw opError(node, `input of shape [${input.shape}] cannot expand to [${target}]`);
  return shape;
}

export const Expand = defineOp({
  type: 'Expand',
  attrs: {},
  inputs: { min: 2, max: 2 },
  outputs: { min: 1, max: 1 },
  inferTypes: ([x, shape], _a, node) => [{ dtype: x!.dtype, shape: expandShape(x!, requiredInts(shape, node, 'shape'), node) }],
  forward: ([x, shape], _a, node) => {
    const outShape = expandShape(x!, toIntList(shape!), node);
    const out = makeTensor(x!.dtype, outShape);
    // Broadcast dimensions read with stride 0; the input's missing leading dimensions likewise.
    const inStrides = stridesOf(x!.shape);
    const lead = outShape.length - x!.shape.length;
    const strides = outShape.map((_, d) => (d < lead || x!.shape[d - lead] === 1 ? 0 : inStrides[d - lead]!));
    stridedCopy(x!.data, 0, strides, outShape, out.data);
    return [out];
  },
  // Both ops repeat elements: each input element's gradient sums those of its copies.
  backward: movementBackward((): OpDef => Expand),
});

function tileShape(x: ValueType, repeats: readonly number[], node: Node): number[] {
  if (repeats.length !== x.shape.length) {
    throw opError(node, `repeats has ${repeats.length} entries, the input has rank ${x.shape.length}`);
  }
  if (repeats.some((r) => r < 0)) throw opError(node, `repeats [${repeats}] has a negative entry`);
  return x.shape.map((d, i) => d * repeats[i]!);
}

export const Tile = defineOp({
  type: 'Tile',
  attrs: {},
  inputs: { min: 2, max: 2 },
  outputs: { min: 1, max: 1 },
  inferTypes: ([x, repeats], _a, node) => [{ dtype: x!.dtype, shape: tileShape(x!, requiredInts(repeats, node, 'repeats'), node) }],
  forward: ([x, repeats], _a, node) => [tile(x!, tileShape(x!, toIntList(repeats!), node))],
  backward: movementBackward((): OpDef => Tile),
});

/** Output coordinate o reads input coordinate o mod d on every axis. */
function tile(x: Tensor, outShape: readonly number[]): Tensor {
  const out = makeTensor(x.dtype, outShape);
  const rank = outShape.length;
  const inStrides = stridesOf(x.shape);
  const coord = new Array<number>(rank).fill(0);
  const inCoord = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < out.data.length; i++) {
    out.data[i] = x.data[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      coord[d]!++;
      inCoord[d]!++;
      src += inStrides[d]!;
      if (inCoord[d] === x.shape[d]) {
        src -= inStrides[d]! * inCoord[d]!;
        inCoord[d] = 0;
      }
      if (coord[d]! < outShape[d]!) break;
      src -= inStrides[d]! * inCoord[d]!;
      coord[d] = 0;
      inCoord[d] = 0;
    }
  }
  return out;
}

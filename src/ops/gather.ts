/**
 * Gather along any axis: out = data.shape[:axis] + indices.shape + data.shape[axis+1:], indices
 * int32 or int64, negative ones counting from the end. An index out of range is a model error
 * naming the node, as onnxruntime refuses it too.
 */
import type { Node } from '../ir/graph.js';
import { makeTensor, sizeOf, type Tensor, type ValueType } from '../ir/tensor.js';
import { attr, defineOp, opError, type OpDef } from './op-def.js';
import { movementBackward } from '../train/op-grads.js';
import { normalizeAxis } from './shape-args.js';

function gatherType(data: ValueType, indices: ValueType, axis: number, node: Node): { type: ValueType; axis: number } {
  if (indices.dtype !== 'int32' && indices.dtype !== 'int64') throw opError(node, `indices have dtype ${indices.dtype}, need int32 or int64`);
  const a = normalizeAxis(axis, data.shape.length, node);
  const shape = [...data.shape.slice(0, a), ...indices.shape, ...data.shape.slice(a + 1)];
  return { type: { dtype: data.dtype, shape }, axis: a };
}

function checkIndices(indices: Tensor, dim: number, node: Node): void {
  for (const i of indices.data) {
    if (i < -dim || i >= dim) throw opError(node, `index ${i} is out of range for a dimension of size ${dim}`);
  }
}

export const Gather = defineOp({
  type: 'Gather',
  attrs: { axis: attr.int(0) },
  inputs: { min: 2, max: 2 },
  outputs: { min: 1, max: 1 },
  inferTypes: ([data, indices], { axis }, node) => {
    const { type, axis: a } = gatherType(data!, indices!, axis, node);
    if (indices!.value) checkIndices(indices!.value, data!.shape[a]!, node);
    return [type];
  },
  forward: ([data, indices], { axis }, node) => {
    const { type, axis: a } = gatherType(data!, indices!, axis, node);
    const dim = data!.shape[a]!;
    checkIndices(indices!, dim, node);
    const out = makeTensor(type.dtype, type.shape);
    // For each outer index and each gathered index, copy one contiguous inner block.
    const outer = sizeOf(data!.shape.slice(0, a));
    const inner = sizeOf(data!.shape.slice(a + 1));
    const idx = indices!.data;
    let o = 0;
    for (let outerIdx = 0; outerIdx < outer; outerIdx++) {
      for (let k = 0; k < idx.length; k++) {
        const i = idx[k]! < 0 ? idx[k]! + dim : idx[k]!;
        const from = (outerIdx * dim + i) * inner;
        out.data.set(data!.data.subarray(from, from + inner), o);
        o += inner;
      }
    }
    return [out];
  },
  // Rows gathered more than once add their gradients; the indices have none.
  backward: movementBackward((): OpDef => Gather),
});

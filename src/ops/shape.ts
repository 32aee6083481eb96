/**
 * Ops that read only a tensor's type: Shape (with the opset-15 start/end slice) and Size. Their
 * outputs are known at inference time, so inferTypes hands the value along with the type, which
 * lets `view(x.size(0), -1)`-style Shape -> Gather -> Concat -> Reshape chains resolve statically.
 */
import { makeTensor, sizeOf, type KnownValue, type Tensor } from '../ir/tensor.js';
import { attr, defineOp } from './op-def.js';

/** Shape's [start, end) with negative values counted from the end and both clamped to [0, rank]. */
function shapeSlice(shape: readonly number[], start: number, end: number | undefined): Tensor {
  const rank = shape.length;
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  const dims = shape.slice(clamp(start), clamp(end ?? rank));
  return makeTensor('int64', [dims.length], dims);
}

export const Shape = defineOp({
  type: 'Shape',
  attrs: { start: attr.int(0), end: attr.int() },
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  inferTypes: ([x], { start, end }): KnownValue[] => {
    const value = shapeSlice(x!.shape, start, end);
    return [{ dtype: 'int64', shape: [...value.shape], value }];
  },
  forward: ([x], { start, end }) => [shapeSlice(x!.shape, start, end)],
  // Shape and Size read only the type: no gradient reaches the data.
  backward: () => [undefined],
});

export const Size = defineOp({
  type: 'Size',
  attrs: {},
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  inferTypes: ([x]): KnownValue[] => [{ dtype: 'int64', shape: [], value: makeTensor('int64', [], [sizeOf(x!.shape)]) }],
  forward: ([x]) => [makeTensor('int64', [], [sizeOf(x!.shape)])],
  backward: () => [undefined],
});

/**
 * Slice in its opset-10+ form: starts, ends and optional axes and steps as int64 inputs.
 * Negative starts/ends count from the end; out-of-range ones clamp (INT64_MAX-style sentinels
 * included); negative steps walk backwards. The copy is the strided kernel with an offset.
 */
import { stridedCopy } from '../kernels/strided-copy.js';
import type { Node } from '../ir/graph.js';
import { makeTensor, stridesOf, toIntList, type Tensor } from '../ir/tensor.js';
import { defineOp, opError, type OpDef } from './op-def.js';
import { movementBackward } from '../train/op-grads.js';
import { knownInts, normalizeAxes, requiredInts } from './shape-args.js';

interface SliceArgs {
  starts: number[];
  ends: number[];
  axes?: number[] | undefined;
  steps?: number[] | undefined;
}

/** Per input axis: first index, step and count (axes not named keep everything). */
function slicePlan(shape: readonly number[], args: SliceArgs, node: Node): { start: number; step: number; count: number }[] {
  const { starts, ends } = args;
  const axes = args.axes ?? starts.map((_, i) => i);
  const steps = args.steps ?? starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) {
    throw opError(node, `starts, ends, axes and steps have different lengths (${starts.length}, ${ends.length}, ${axes.length}, ${steps.length})`);
  }
  const plan = shape.map((d) => ({ start: 0, step: 1, count: d }));
  normalizeAxes(axes, shape.length, node).forEach((axis, i) => {
    const dim = shape[axis]!;
    const step = steps[i]!;
    if (step === 0) throw opError(node, `step for axis ${axis} is 0`);
    let start = starts[i]!;
    let end = ends[i]!;
    if (start < 0) start += dim;
    if (end < 0) end += dim;
    // Forward slices clamp to [0, dim]; backward ones to [-1, dim - 1] (end -1 means "past index 0").
    if (step > 0) {
      start = Math.min(Math.max(start, 0), dim);
      end = Math.min(Math.max(end, 0), dim);
    } else {
      start = Math.min(Math.max(start, 0), dim - 1);
      end = Math.min(Math.max(end, -1), dim - 1);
    }
    const count = Math.max(0, Math.ceil((end - start) / step));
    plan[axis] = { start, step, count };
  });
  return plan;
}

function slice(x: Tensor, args: SliceArgs, node: Node): Tensor {
  const plan = slicePlan(x.shape, args, node);
  const out = makeTensor(x.dtype, plan.map((p) => p.count));
  const strides = stridesOf(x.shape);
  const offset = plan.reduce((o, p, i) => o + (p.count > 0 ? p.start * strides[i]! : 0), 0);
  stridedCopy(x.data, offset, plan.map((p, i) => p.step * strides[i]!), out.shape, out.data);
  return out;
}

export const Slice = defineOp({
  type: 'Slice',
  attrs: {},
  inputs: { min: 3, max: 5 },
  outputs: { min: 1, max: 1 },
  inferTypes: ([x, starts, ends, axes, steps], _a, node) => {
    const args = {
      starts: requiredInts(starts, node, 'starts'),
      ends: requiredInts(ends, node, 'ends'),
      axes: knownInts(axes, node, 'axes'),
      steps: knownInts(steps, node, 'steps'),
    };
    return [{ dtype: x!.dtype, shape: slicePlan(x!.shape, args, node).map((p) => p.count) }];
  },
  forward: ([x, starts, ends, axes, steps], _a, node) => {
    const ints = (t: Tensor | undefined) => (t ? toIntList(t) : undefined);
    return [slice(x!, { starts: toIntList(starts!), ends: toIntList(ends!), axes: ints(axes), steps: ints(steps) }, node)];
  },
  backward: movementBackward((): OpDef => Slice),
});

/**
 * Split along an axis into as many outputs as the node has: sizes from the optional `split`
 * input; else num_outputs (opset 18) chunks of ceil(dim / n), the last one smaller; else equal
 * parts, which must divide the dimension.
 */
import type { Node } from '../ir/graph.js';
import { makeTensor, sizeOf, type ValueType } from '../ir/tensor.js';
import { attr, defineOp, opError } from './op-def.js';
import { carriesGrad } from '../train/op-grads.js';
import { knownInts, normalizeAxis } from './shape-args.js';

function splitSizes(dim: number, outputs: number, split: number[] | undefined, numOutputs: number | undefined, node: Node): number[] {
  if (split !== undefined) {
    if (split.length !== outputs) throw opError(node, `split has ${split.length} sizes for ${outputs} outputs`);
    if (split.some((s) => s < 0) || split.reduce((a, b) => a + b, 0) !== dim) {
      throw opError(node, `split sizes [${split}] do not add up to the dimension ${dim}`);
    }
    return split;
  }
  if (numOutputs !== undefined) {
    if (numOutputs !== outputs) throw opError(node, `num_outputs is ${numOutputs}, the node has ${outputs} outputs`);
    const chunk = Math.ceil(dim / numOutputs);
    return Array.from({ length: outputs }, (_, i) => Math.max(0, Math.min(chunk, dim - i * chunk)));
  }
  if (dim % outputs !== 0) throw opError(node, `dimension ${dim} does not split into ${outputs} equal parts`);
  return new Array<number>(outputs).fill(dim / outputs);
}

function splitTypes(x: ValueType, axis: number, sizes: number[]): ValueType[] {
  return sizes.map((s) => ({ dtype: x.dtype, shape: x.shape.map((d, i) => (i === axis ? s : d)) }));
}

export const Split = defineOp({
  type: 'Split',
  attrs: { axis: attr.int(0), num_outputs: attr.int() },
  inputs: { min: 1, max: 2 },
  outputs: { min: 1, max: Infinity },
  inferTypes: ([x, split], { axis, num_outputs }, node) => {
    const a = normalizeAxis(axis, x!.shape.length, node);
    const sizes = splitSizes(x!.shape[a]!, node.outputs.length, knownInts(split, node, 'split'), num_outputs, node);
    return splitTypes(x!, a, sizes);
  },
  forward: ([x, split], { axis, num_outputs }, node) => {
    const a = normalizeAxis(axis, x!.shape.length, node);
    const sizes = splitSizes(x!.shape[a]!, node.outputs.length, split ? Array.from(split.data) : undefined, num_outputs, node);
    const outer = sizeOf(x!.shape.slice(0, a));
    const inner = sizeOf(x!.shape.slice(a + 1));
    const rowSize = x!.shape[a]! * inner;
    let start = 0;
    return splitTypes(x!, a, sizes).map((t, k) => {
      const out = makeTensor(t.dtype, t.shape);
      const chunk = sizes[k]! * inner;
      for (let o = 0; o < outer; o++) out.data.set(x!.data.subarray(o * rowSize + start, o * rowSize + start + chunk), o * chunk);
      start += chunk;
      return out;
    });
  },
  // dX is the outputs' gradients laid back side by side (zeros for parts nobody used).
  backward: ([x, split], outputs, grads, { axis }, node) => {
    if (!carriesGrad(x)) return [undefined, undefined];
    const a = normalizeAxis(axis, x!.shape.length, node);
    const dx = makeTensor(x!.dtype, x!.shape);
    const inner = sizeOf(x!.shape.slice(a + 1));
    const rowSize = x!.shape[a]! * inner;
    let start = 0;
    outputs.forEach((t, k) => {
      const chunk = t.shape[a]! * inner;
      const g = grads[k];
      for (let o = 0; g && o < sizeOf(x!.shape.slice(0, a)); o++) dx.data.set(g.data.subarray(o * chunk, (o + 1) * chunk), o * rowSize + start);
      start += chunk;
    });
    return [dx, split && undefined];
  },
});

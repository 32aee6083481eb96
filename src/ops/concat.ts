/**
 * Concat: joins tensors of one rank and dtype along an axis (negative counts from the end);
 * every other dimension must agree. Empty inputs take part like any other.
 */
import type { Node } from '../ir/graph.js';
import { makeTensor, sizeOf, type ValueType } from '../ir/tensor.js';
import { checkSameDType } from './elementwise.js';
import { attr, defineOp, opError } from './op-def.js';
import { carriesGrad, gradOf } from '../train/op-grads.js';
import { concatEmitC } from '../codegen/emit-ops/elementwise.js';
import { concatFacet } from '../quant/layout-facets.js';
import { normalizeAxis } from './shape-args.js';

function concatType(inputs: readonly (ValueType | undefined)[], axis: number | undefined, node: Node): { type: ValueType; axis: number } {
  const present = inputs.filter((t): t is ValueType => t !== undefined);
  if (axis === undefined) throw opError(node, 'the axis attribute is required');
  checkSameDType(node, present);
  const first = present[0]!;
  const rank = first.shape.length;
  const a = normalizeAxis(axis, rank, node);
  let total = 0;
  for (const t of present) {
    const agrees = t.shape.length === rank && t.shape.every((d, i) => i === a || d === first.shape[i]);
    if (!agrees) throw opError(node, `input shapes ${present.map((p) => `[${p.shape}]`).join(', ')} differ outside axis ${a}`);
    total += t.shape[a]!;
  }
  return { type: { dtype: first.dtype, shape: first.shape.map((d, i) => (i === a ? total : d)) }, axis: a };
}

export const Concat = defineOp({
  type: 'Concat',
  attrs: { axis: attr.int() },
  inputs: { min: 1, max: Infinity },
  outputs: { min: 1, max: 1 },
  inferTypes: (inputs, { axis }, node) => [concatType(inputs, axis, node).type],
  forward: (inputs, { axis }, node) => {
    const { type, axis: a } = concatType(inputs, axis, node);
    const out = makeTensor(type.dtype, type.shape);
    // Each input contributes one contiguous chunk per index of the dimensions before the axis.
    const outer = sizeOf(type.shape.slice(0, a));
    const rowSize = sizeOf(type.shape.slice(a));
    let offset = 0;
    for (const t of inputs) {
      if (t === undefined) continue;
      const chunk = sizeOf(t.shape.slice(a));
      for (let o = 0; o < outer; o++) out.data.set(t.data.subarray(o * chunk, (o + 1) * chunk), o * rowSize + offset);
      offset += chunk;
    }
    return [out];
  },
  // Each input's gradient is its chunks of dY, cut out the way the forward laid them in.
  backward: (inputs, [y], [dy], { axis }, node) => {
    const { type, axis: a } = concatType(inputs, axis, node);
    const g = gradOf(dy, y!);
    const outer = sizeOf(type.shape.slice(0, a));
    const rowSize = sizeOf(type.shape.slice(a));
    let offset = 0;
    return inputs.map((t) => {
      if (t === undefined) return undefined;
      const chunk = sizeOf(t.shape.slice(a));
      const dt = makeTensor(t.dtype, t.shape);
      for (let o = 0; o < outer; o++) dt.data.set(g.data.subarray(o * rowSize + offset, o * rowSize + offset + chunk), o * chunk);
      offset += chunk;
      return carriesGrad(t) ? dt : undefined;
    });
  },
  // Integer: blocks copied, or rescaled to the output's qparams (quant/layout-facets.ts).
  emitC: concatEmitC,
  integer: concatFacet,
});

/**
 * Transpose: output axis i is input axis perm[i]; without perm, the axes reverse. The copy is
 * the strided kernel with the input's strides permuted.
 */
import { stridedCopy } from '../kernels/strided-copy.js';
import type { Node } from '../ir/graph.js';
import { makeTensor, stridesOf } from '../ir/tensor.js';
import { attr, defineOp, opError, type OpDef } from './op-def.js';
import { movementBackward } from '../train/op-grads.js';
import { transposeEmitC } from '../codegen/emit-ops/elementwise.js';
import { transposeFacet } from '../quant/layout-facets.js';

function permutation(rank: number, perm: number[] | undefined, node: Node): number[] {
  if (perm === undefined) return Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const sorted = [...perm].sort((a, b) => a - b);
  if (perm.length !== rank || sorted.some((p, i) => p !== i)) {
    throw opError(node, `perm [${perm}] is not a permutation of the ${rank} input axes`);
  }
  return perm;
}

export const Transpose = defineOp({
  type: 'Transpose',
  attrs: { perm: attr.ints() },
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  inferTypes: ([x], { perm }, node) => {
    const p = permutation(x!.shape.length, perm, node);
    return [{ dtype: x!.dtype, shape: p.map((a) => x!.shape[a]!) }];
  },
  forward: ([x], { perm }, node) => {
    const p = permutation(x!.shape.length, perm, node);
    const inStrides = stridesOf(x!.shape);
    const out = makeTensor(x!.dtype, p.map((a) => x!.shape[a]!));
    stridedCopy(x!.data, 0, p.map((a) => inStrides[a]!), out.shape, out.data);
    return [out];
  },
  backward: movementBackward((): OpDef => Transpose),
  // Integer: a permuted copy with the input's qparams (quant/layout-facets.ts).
  emitC: transposeEmitC,
  integer: transposeFacet,
});

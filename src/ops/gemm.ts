/**
 * Gemm: Y (M, N) = alpha * A' @ B' + beta * C, where A' is A (M, K) or, with transA, A^T of a
 * (K, M) input, likewise B' of B (K, N) / (N, K) with transB, and the optional C broadcasts
 * unidirectionally to (M, N) (scalar, [N], [1, N], [M, 1], [M, N]...). MACs: M * N * K.
 */
import type { Node } from '../ir/graph.js';
import { makeTensor, type ValueType } from '../ir/tensor.js';
import { broadcastIndex } from '../kernels/broadcast.js';
import { gemmForward } from '../kernels/gemm.js';
import { gemmBackward } from '../kernels/gemm-backward.js';
import { gradOf, scaled, unbroadcast } from '../train/op-grads.js';
import { floatData, requireFloat, requireRank } from './nn-checks.js';
import { attr, defineOp, opError } from './op-def.js';
import { fullyConnectedEmitC } from '../codegen/emit-ops/weighted.js';
import { fullyConnectedFacet, transposeWeights } from '../quant/fully-connected-facet.js';

const gemmAttrs = {
  alpha: attr.float(1.0),
  beta: attr.float(1.0),
  transA: attr.int(0),
  transB: attr.int(0),
};
type GemmAttrs = { [K in keyof typeof gemmAttrs]: (typeof gemmAttrs)[K]['default'] };

/** M, N, K of a Gemm, after checking the operands agree. */
function gemmSizes(node: Node, a: ValueType, b: ValueType, c: ValueType | undefined, attrs: GemmAttrs) {
  requireFloat(node, a, 'input A');
  requireFloat(node, b, 'input B');
  requireRank(node, a, [2], 'input A');
  requireRank(node, b, [2], 'input B');
  const [M, K] = attrs.transA ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
  const [kB, N] = attrs.transB ? [b.shape[1]!, b.shape[0]!] : [b.shape[0]!, b.shape[1]!];
  if (K !== kB) {
    throw opError(node, `inner dimensions differ: A${attrs.transA ? '^T' : ''} is ${M}x${K}, B${attrs.transB ? '^T' : ''} is ${kB}x${N}`);
  }
  if (c) {
    requireFloat(node, c, 'input C');
    const cs = c.shape;
    const fits = cs.length <= 2 && cs.every((d, i) => d === 1 || d === [M, N].slice(2 - cs.length)[i]);
    if (!fits) throw opError(node, `input C of shape [${cs.join(', ')}] does not broadcast to [${M}, ${N}]`);
  }
  return { M, N, K };
}

export const Gemm = defineOp({
  type: 'Gemm',
  emitC: fullyConnectedEmitC,
  attrs: gemmAttrs,
  inputs: { min: 2, max: 3 },
  outputs: { min: 1, max: 1 },
  inferTypes([a, b, c], attrs, node) {
    const { M, N } = gemmSizes(node, a!, b!, c, attrs);
    return [{ dtype: a!.dtype, shape: [M, N] }];
  },
  forward([a, b, c], attrs, node) {
    const { M, N, K } = gemmSizes(node, a!, b!, c, attrs);
    const y = makeTensor(a!.dtype, [M, N]);
    const out = y.data as Float32Array;
    gemmForward(out, floatData(a!), floatData(b!), M, N, K, attrs.transA !== 0, attrs.transB !== 0);
    if (attrs.alpha !== 1) for (let i = 0; i < out.length; i++) out[i]! *= attrs.alpha;
    if (c && attrs.beta !== 0) {
      const cData = c.data;
      const index = broadcastIndex(c.shape, [M, N]);
      for (let i = 0; i < out.length; i++) out[i]! += attrs.beta * cData[index[i]!]!;
    }
    return [y];
  },
  // dA' = alpha dY B'^T, dB' = alpha A'^T dY (stored as A and B are), dC = beta dY summed to C.
  backward([a, b, c], [y], [dy], attrs, node, wants) {
    const { M, N, K } = gemmSizes(node, a!, b!, c, attrs);
    const g = gradOf(dy, y!);
    const da = wants?.[0] === false ? undefined : makeTensor(a!.dtype, a!.shape);
    const db = wants?.[1] === false ? undefined : makeTensor(b!.dtype, b!.shape);
    const [daData, dbData] = [da?.data as Float32Array | undefined, db?.data as Float32Array | undefined];
    gemmBackward(daData, dbData, floatData(g), floatData(a!), floatData(b!), M, N, K, attrs.transA !== 0, attrs.transB !== 0);
    for (const d of [daData, dbData]) if (d && attrs.alpha !== 1) for (let i = 0; i < d.length; i++) d[i]! *= attrs.alpha;
    const dc = c && wants?.[2] !== false ? scaled(unbroadcast(g, c.shape, c.dtype), attrs.beta) : undefined;
    return [da, db, dc];
  },
  macs([a, b], _outputs, attrs) {
    const M = attrs.transA ? a!.shape[1]! : a!.shape[0]!;
    const [K, N] = attrs.transB ? [b!.shape[1]!, b!.shape[0]!] : [b!.shape[0]!, b!.shape[1]!];
    return M * N * K;
  },
  // Integer: a fully connected layer (quant/fully-connected-facet.ts); B and C must be constants,
  // alpha folds into the weights and beta * C into the per-column bias.
  integer: fullyConnectedFacet<GemmAttrs>(({ node, attrs, constants: [, b, c] }) => {
    if (attrs.transA) throw opError(node, 'the integer pipeline does not support transA');
    if (!b) throw opError(node, 'input B must be a constant to be quantized');
    const B = b;
    const [K, N] = attrs.transB ? [B.shape[1]!, B.shape[0]!] : [B.shape[0]!, B.shape[1]!];
    const filters = attrs.transB ? Float64Array.from(B.data, (v) => attrs.alpha * v) : transposeWeights(B.data, K, N, attrs.alpha);
    if (node.inputs[2] && !c) throw opError(node, 'input C must be a constant to be quantized');
    if (!c || attrs.beta === 0) return { filters, N, K };
    if (c.shape.length === 2 && c.shape[0] !== 1) throw opError(node, `input C of shape [${c.shape.join(', ')}] varies by row; only a per-column bias can be quantized`);
    const index = broadcastIndex(c.shape, [1, N]);
    return { filters, N, K, bias: Float64Array.from(index, (i) => attrs.beta * c.data[i]!) };
  }),
});

/**
 * MatMul with numpy semantics: A (..., M, K) @ B (..., K, N) -> (..., M, N), the leading (batch)
 * dimensions broadcast; a 1-D A is a row (1, K) and a 1-D B a column (K, 1), and the added
 * dimension is removed from the result. MACs: batch * M * N * K.
 */
import type { Node } from '../ir/graph.js';
import { makeTensor, sizeOf, type ValueType } from '../ir/tensor.js';
import { broadcastIndex, broadcastShapes } from '../kernels/broadcast.js';
import { matmulForward } from '../kernels/gemm.js';
import { batchedMatmulBackward } from '../kernels/gemm-backward.js';
import { gradOf } from '../train/op-grads.js';
import { floatData, requireFloat } from './nn-checks.js';
import { defineOp, opError } from './op-def.js';
import { fullyConnectedEmitC } from '../codegen/emit-ops/weighted.js';
import { fullyConnectedFacet, transposeWeights } from '../quant/fully-connected-facet.js';

interface MatMulPlan {
  M: number;
  N: number;
  K: number;
  aBatch: number[];
  bBatch: number[];
  batch: number[];
  outShape: number[];
}

function plan(node: Node, a: ValueType, b: ValueType): MatMulPlan {
  requireFloat(node, a, 'input A');
  requireFloat(node, b, 'input B');
  if (a.shape.length === 0 || b.shape.length === 0) throw opError(node, 'inputs must have rank 1 or more, found a scalar');
  const aShape = a.shape.length === 1 ? [1, a.shape[0]!] : [...a.shape];
  const bShape = b.shape.length === 1 ? [b.shape[0]!, 1] : [...b.shape];
  const [M, K] = aShape.slice(-2) as [number, number];
  const [kB, N] = bShape.slice(-2) as [number, number];
  if (K !== kB) throw opError(node, `inner dimensions differ: A [${a.shape.join(', ')}], B [${b.shape.join(', ')}]`);
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batch = broadcastShapes(aBatch, bBatch);
  if (!batch) throw opError(node, `batch dimensions of A [${a.shape.join(', ')}] and B [${b.shape.join(', ')}] do not broadcast`);
  const outShape = [...batch];
  if (a.shape.length > 1) outShape.push(M);
  if (b.shape.length > 1) outShape.push(N);
  return { M, N, K, aBatch, bBatch, batch, outShape };
}

export const MatMul = defineOp({
  type: 'MatMul',
  emitC: fullyConnectedEmitC,
  attrs: {},
  inputs: { min: 2, max: 2 },
  outputs: { min: 1, max: 1 },
  inferTypes([a, b], _attrs, node) {
    return [{ dtype: a!.dtype, shape: plan(node, a!, b!).outShape }];
  },
  forward([a, b], _attrs, node) {
    const { M, N, K, aBatch, bBatch, batch, outShape } = plan(node, a!, b!);
    const y = makeTensor(a!.dtype, outShape);
    const out = y.data as Float32Array;
    const aData = floatData(a!);
    const bData = floatData(b!);
    // Which A and B matrix each output matrix reads, after broadcasting the batch dimensions.
    const aIndex = broadcastIndex(aBatch, batch);
    const bIndex = broadcastIndex(bBatch, batch);
    for (let i = 0; i < sizeOf(batch); i++) {
      const aStart = aIndex[i]! * M * K;
      const bStart = bIndex[i]! * K * N;
      matmulForward(out.subarray(i * M * N, (i + 1) * M * N), aData.subarray(aStart, aStart + M * K), bData.subarray(bStart, bStart + K * N), M, N, K);
    }
    return [y];
  },
  // Per output matrix dA = dY B^T and dB = A^T dY, added into the matrices broadcasting reused.
  backward([a, b], [y], [dy], _attrs, node, wants) {
    const { M, N, K, aBatch, bBatch, batch } = plan(node, a!, b!);
    const da = wants?.[0] === false ? undefined : makeTensor(a!.dtype, a!.shape);
    const db = wants?.[1] === false ? undefined : makeTensor(b!.dtype, b!.shape);
    const g = floatData(gradOf(dy, y!));
    const [aIndex, bIndex] = [broadcastIndex(aBatch, batch), broadcastIndex(bBatch, batch)];
    batchedMatmulBackward(da?.data as Float32Array | undefined, db?.data as Float32Array | undefined, g, floatData(a!), floatData(b!), M, N, K, aIndex, bIndex);
    return [da, db];
  },
  macs([a], [y]) {
    // Output elements x K: batch * M * N * K, and right for the 1-D cases too.
    return sizeOf(y!.shape) * a!.shape[a!.shape.length - 1]!;
  },
  // Integer: a fully connected layer over A's rows (quant/fully-connected-facet.ts); B must be
  // a constant 2-D [K, N] matrix.
  integer: fullyConnectedFacet(({ node, constants: [, b] }) => {
    if (!b || b.shape.length !== 2) throw opError(node, 'the integer pipeline needs B to be a constant 2-D matrix');
    const [K, N] = b.shape as [number, number];
    return { filters: transposeWeights(b.data, K, N), N, K };
  }),
});

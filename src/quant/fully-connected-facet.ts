/**
 * The integer facet of Gemm and MatMul with a constant weight: a fully connected layer
 * (kernels/int/conv-int.ts fullyConnectedInt). The op supplies its weight as N filters of K
 * (row-major [N, K], i.e. B^T, with Gemm's alpha folded in) and its bias per output column (beta
 * * C folded in); the input's rows are everything before its last axis (batch 1: rows = M).
 *
 * params: the common ones of quant/weighted-layer.ts plus rows, inFeatures (K), outFeatures (N).
 * weights.shape is [N, K] whatever the float layout was.
 */
import { sizeOf } from '../ir/tensor.js';
import { fullyConnectedInt } from '../kernels/int/conv-int.js';
import { opError } from '../ops/op-def.js';
import type { IntegerFacet, LowerContext } from './integer-facet.js';
import { allocInt } from './int-tensor.js';
import { intRequantOf, lowerWeighted, numberParam } from './weighted-layer.js';

export interface DenseWeights {
  /** [N, K] row-major. */
  filters: Float64Array;
  N: number;
  K: number;
  bias?: Float64Array;
}

export function fullyConnectedFacet<A>(weightsOf: (ctx: LowerContext<A>) => DenseWeights): IntegerFacet<A> {
  return {
    lower(ctx) {
      const x = ctx.inputs[0];
      if (!x) throw opError(ctx.node, 'the first input must be an activation');
      const w = weightsOf(ctx);
      const rows = sizeOf(x.shape) / w.K;
      if (!Number.isInteger(rows)) throw opError(ctx.node, `input of shape [${x.shape.join(', ')}] is not a whole number of rows of ${w.K}`);
      const layer = lowerWeighted(ctx, w.filters, [w.N, w.K], w.N, w.bias);
      return { ...layer, params: { ...layer.params, rows, inFeatures: w.K, outFeatures: w.N } };
    },
    run(layer, [x], { outputs }) {
      const out = allocInt(outputs[0]!);
      const p = (name: string) => numberParam(layer, name);
      fullyConnectedInt(out, x!, layer.weights!.values, layer.bias, p('rows'), p('inFeatures'), p('outFeatures'), intRequantOf(layer));
      return [out];
    },
  };
}

/** [K, N] row-major (MatMul's B, Gemm's B without transB) -> [N, K], times `alpha`. */
export function transposeWeights(data: ArrayLike<number>, K: number, N: number, alpha = 1): Float64Array {
  const out = new Float64Array(K * N);
  for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) out[n * K + k] = alpha * data[k * N + n]!;
  return out;
}

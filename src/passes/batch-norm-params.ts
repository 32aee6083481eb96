/**
 * What a BatchNormalization computes at inference, as a per-channel affine map, for the two
 * passes that remove it (fold-batch-norm, lower-batch-norm):
 *
 *   y = scale * (x - mean) / sqrt(var + epsilon) + bias  =  a[c] * x + b[c]
 *   a = scale / sqrt(var + epsilon),   b = bias - mean * a        (c = channel, axis 1)
 *
 * a and b are computed in double precision and rounded once where they are stored, so the folded
 * graph is as close to the unfolded one as float32 allows. The original statistics are kept
 * (`BatchNormStats`) for data-free calibration.
 */
import type { BatchNormStats, Graph, Node } from '../ir/graph.js';
import { constantOf, isUsed } from './graph-edit.js';

export interface BatchNormAffine {
  /** Per-channel multiplier a[c]. */
  a: Float64Array;
  /** Per-channel offset b[c]. */
  b: Float64Array;
  stats: BatchNormStats;
}

/**
 * The affine form of an inference-mode BatchNormalization, or undefined when it has none: a
 * parameter is not constant or not of length C, `training_mode` is set, or the running-statistics
 * outputs are used.
 */
export function batchNormAffine(graph: Graph, bn: Node): BatchNormAffine | undefined {
  if (bn.op !== 'BatchNormalization' || bn.domain !== '') return undefined;
  const training = bn.attrs.training_mode;
  if (training?.kind === 'int' && training.value !== 0) return undefined;
  if (bn.outputs.slice(1).some((o) => o !== '' && isUsed(graph, o))) return undefined;
  const x = graph.types.get(bn.inputs[0] ?? '');
  if (!x || x.shape.length < 2 || (x.dtype !== 'float32' && x.dtype !== 'float16')) return undefined;
  const channels = x.shape[1]!;

  const params = bn.inputs.slice(1, 5).map((name) => constantOf(graph, name));
  if (params.length !== 4 || params.some((p) => p === undefined || p.data.length !== channels)) return undefined;
  const [scale, bias, mean, variance] = params.map((p) => Float32Array.from(p!.data)) as [
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  const eps = bn.attrs.epsilon;
  const epsilon = eps?.kind === 'float' || eps?.kind === 'int' ? eps.value : 1e-5;

  const a = new Float64Array(channels);
  const b = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    a[c] = scale[c]! / Math.sqrt(variance[c]! + epsilon);
    b[c] = bias[c]! - mean[c]! * a[c]!;
  }
  return { a, b, stats: { mean, variance, scale, bias, epsilon } };
}

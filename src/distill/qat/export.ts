/**
 * From the trained student to what the normal quantizer takes (src/quant/quantize-model.ts): the
 * fp32 graph with the trained weights, and overrides that carry the learned step sizes, so the
 * integer model, its C and its integer reference come out of the one quantization path and stay
 * bit-exact with each other.
 *
 * - weight scales: per weighted node, the learned per-channel steps (times Gemm's alpha, which the
 *   quantizer folds into the weights); quantizeWeights then computes clamp(round(w / s)), exactly
 *   the student's forward;
 * - activation ranges: per learned activation with step s and zero point zp, the range whose
 *   qparams (quant/lower-helpers.ts qparamsFromRange) are exactly (s, zp): int8
 *   [(-128 - zp) s, (127 - zp) s], which spans 255 s; int16 [-32767 s, 32767 s].
 */
import { cloneGraph, type Graph } from '../../ir/graph.js';
import { makeTensor } from '../../ir/tensor.js';
import type { QuantizeOptions } from '../../quant/quantize-model.js';
import type { Student } from './student.js';

export interface DistilledModel {
  /** The teacher's graph (batch as the teacher's) with the student's trained weights. */
  graph: Graph;
  overrides: Required<Pick<QuantizeOptions, 'weightScales' | 'activationRanges'>>;
}

export function exportStudent(teacher: Graph, student: Student): DistilledModel {
  const graph = cloneGraph(teacher);
  for (const p of student.weights) {
    const original = teacher.initializers.get(p.name);
    if (original) graph.initializers.set(p.name, makeTensor(original.dtype, original.shape, p.value.data));
  }
  const weightScales: Record<string, Float32Array> = {};
  for (const w of student.weightQuantizers) {
    weightScales[w.node] = Float32Array.from(w.quantizer.parameter.value.data, (s) => w.alpha * s);
  }
  const activationRanges: Record<string, [number, number]> = {};
  for (const a of student.activationQuantizers) {
    const s = a.quantizer.parameter.value.data[0]!;
    activationRanges[a.value] = a.type === 'int16' ? [-32767 * s, 32767 * s] : [(-128 - a.zeroPoint) * s, (127 - a.zeroPoint) * s];
  }
  return { graph, overrides: { weightScales, activationRanges } };
}

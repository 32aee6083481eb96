/**
 * Pass: fuse-activation.
 *
 * Before: P(...) -> t -> Relu(t) -> y        or   P(...) -> t -> Clip(t, min, max) -> y
 * After:  P(...) -> y with P.activation = { relu } or { clip, min, max }
 *
 * P is one of the layers integer kernels finish with a clamp: Conv, ConvTranspose, Gemm, MatMul,
 * Add, the pools, and ChannelAffine. On a microcontroller the clamp is free inside the layer's
 * requantization, and quantization can use the activation's range (ReLU6: [0, 6]) for its output
 * scale. A Clip with min 0 and no max is a Relu. When P already has an activation the two compose:
 * clamp to [lo1, hi1] then to [lo2, hi2] is the clamp to [max(lo1, lo2), min(hi1, hi2)].
 *
 * Preconditions (otherwise both stay): t is P's first output, read by the activation alone and
 * not a graph output; the values are floats; Clip's min and max are absent or constant with
 * min <= max (ONNX then sets everything to max, which a clamp does not); composed ranges overlap.
 */
import type { FusedActivation, Graph, Node } from '../ir/graph.js';
import { constantScalar, dropStaleTypes, isFloatValue, onlyReadBy, producerOf, redirectOutput, removeNodes } from './graph-edit.js';

const FUSABLE = new Set([
  'Conv',
  'ConvTranspose',
  'Gemm',
  'MatMul',
  'Add',
  'AveragePool',
  'MaxPool',
  'GlobalAveragePool',
  'GlobalMaxPool',
  'ChannelAffine',
]);

export function fuseActivation(graph: Graph): boolean {
  let changed = false;
  for (const act of [...graph.nodes]) {
    const range = activationRange(graph, act);
    if (!range) continue;
    const t = act.inputs[0]!;
    const producer = producerOf(graph, t);
    if (!producer || !FUSABLE.has(producer.op) || producer.outputs[0] !== t || !isFloatValue(graph, t)) continue;
    if (!onlyReadBy(graph, t, act)) continue;
    const composed = compose(producer.activation, range);
    if (!composed) continue;
    producer.activation = composed;
    redirectOutput(graph, producer, t, act.outputs[0]!);
    removeNodes(graph, act);
    changed = true;
  }
  if (changed) dropStaleTypes(graph);
  return changed;
}

type Range = [lo: number, hi: number];

/** The clamp a Relu or constant Clip node applies, or undefined if it is neither. */
function activationRange(graph: Graph, node: Node): Range | undefined {
  if (node.domain !== '' || node.activation) return undefined;
  if (node.op === 'Relu') return [0, Infinity];
  if (node.op !== 'Clip') return undefined;
  const bound = (name: string | undefined, absent: number) =>
    name === undefined || name === '' ? absent : constantScalar(graph, name);
  const lo = bound(node.inputs[1], -Infinity);
  const hi = bound(node.inputs[2], Infinity);
  if (lo === undefined || hi === undefined || Number.isNaN(lo) || Number.isNaN(hi) || lo > hi) return undefined;
  return [lo, hi];
}

function compose(existing: FusedActivation | undefined, [lo, hi]: Range): FusedActivation | undefined {
  const [lo1, hi1] = existing === undefined ? [-Infinity, Infinity] : existing.kind === 'relu' ? [0, Infinity] : [existing.min, existing.max];
  const min = Math.max(lo1, lo);
  const max = Math.min(hi1, hi);
  if (min > max) return undefined;
  return min === 0 && max === Infinity ? { kind: 'relu' } : { kind: 'clip', min, max };
}

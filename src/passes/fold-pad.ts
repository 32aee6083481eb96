/**
 * Pass: fold-pad.
 *
 * Before: x -> Pad(x, pads, value) -> t -> Conv | AveragePool | MaxPool (t, ...) -> y
 * After:  x -> Conv | AveragePool | MaxPool with pads += the Pad's spatial pads -> y
 *
 * A Pad whose pads are all zero is a no-op and is removed whatever reads it. Otherwise:
 *
 * Preconditions (otherwise the Pad stays):
 * - mode "constant", pads a constant, non-negative, and zero on the batch and channel axes;
 * - t is read by the follower alone and is not a graph output; the follower's auto_pad is NOTSET
 *   or VALID (VALID is pads 0);
 * - what the follower's own padding would use agrees with the Pad's value:
 *   Conv pads with 0, so the value must be 0;
 *   AveragePool: value 0 and count_include_pad = 1 (with count_include_pad = 0 the pool would
 *   divide by fewer elements than the Pad version), and ceil_mode = 0 (the windows past the end
 *   are clipped differently by implementations);
 *   MaxPool pads with -inf, so the value must be -inf, or every element of x must be >= the value
 *   (x written by a Relu or a node with a fused Relu/Clip whose minimum is >= the value, or a
 *   Clip node with such a constant minimum): then a pad element never wins a window. MaxPool's
 *   Indices output must be unused (folding shifts the indices);
 * - for pools, every pad stays below the (dilated) kernel extent, so each window still holds at
 *   least one element of x, which is what makes the two forms agree.
 */
import type { Graph, Node } from '../ir/graph.js';
import { toIntList } from '../ir/tensor.js';
import { bypassNode, constantOf, constantScalar, dropStaleTypes, isUsed, producerOf, removeNodes, replaceNode, soleReader } from './graph-edit.js';

export function foldPad(graph: Graph): boolean {
  let changed = false;
  for (const pad of [...graph.nodes]) {
    if (pad.op !== 'Pad' || pad.domain !== '') continue;
    const spec = padSpec(graph, pad);
    if (!spec) continue;
    const [x, t] = [pad.inputs[0]!, pad.outputs[0]!];
    if (spec.pads.every((p) => p === 0)) {
      if (bypassNode(graph, pad, x, t)) changed = true;
      continue;
    }
    const follower = soleReader(graph, t);
    if (!follower || follower.inputs[0] !== t) continue;
    const merged = mergedPads(graph, follower, spec, x);
    if (!merged) continue;
    // A new node object, not a mutated one: the engine caches resolved attributes per node.
    const { auto_pad: _dropped, ...attrs } = follower.attrs;
    replaceNode(graph, follower, {
      ...follower,
      inputs: [x, ...follower.inputs.slice(1)],
      attrs: { ...attrs, pads: { kind: 'ints', value: merged } },
    });
    removeNodes(graph, pad);
    graph.types.delete(t);
    changed = true;
  }
  if (changed) dropStaleTypes(graph);
  return changed;
}

interface PadSpec {
  /** Per axis of x: [begin_0, ..., begin_r-1, end_0, ..., end_r-1], axes input already applied. */
  pads: number[];
  value: number;
}

function padSpec(graph: Graph, pad: Node): PadSpec | undefined {
  const mode = pad.attrs.mode;
  if (mode !== undefined && !(mode.kind === 'string' && mode.value === 'constant')) return undefined;
  const rank = graph.types.get(pad.inputs[0] ?? '')?.shape.length;
  const padsTensor = constantOf(graph, pad.inputs[1] ?? '');
  if (rank === undefined || !padsTensor) return undefined;
  const given = toIntList(padsTensor);
  const valueName = pad.inputs[2] ?? '';
  const value = valueName === '' ? 0 : constantScalar(graph, valueName);
  if (value === undefined) return undefined;

  const axesName = pad.inputs[3] ?? '';
  const axesTensor = axesName === '' ? undefined : constantOf(graph, axesName);
  if (axesName !== '' && !axesTensor) return undefined;
  const axes = axesTensor ? toIntList(axesTensor) : [...Array(rank).keys()];
  if (given.length !== 2 * axes.length) return undefined;
  const pads = new Array<number>(2 * rank).fill(0);
  axes.forEach((axis, i) => {
    const a = axis < 0 ? axis + rank : axis;
    pads[a] = given[i]!;
    pads[a + rank] = given[i + axes.length]!;
  });
  if (pads.some((p) => p < 0)) return undefined;
  return { pads, value };
}

/** The follower's new `pads` attribute, or undefined when folding would change its output. */
function mergedPads(graph: Graph, follower: Node, spec: PadSpec, x: string): number[] | undefined {
  if (follower.domain !== '' || !['Conv', 'AveragePool', 'MaxPool'].includes(follower.op)) return undefined;
  const rank = spec.pads.length / 2;
  const spatial = rank - 2;
  if (spatial < 1 || spec.pads[0] !== 0 || spec.pads[1] !== 0 || spec.pads[rank] !== 0 || spec.pads[rank + 1] !== 0) {
    return undefined;
  }
  const autoPad = follower.attrs.auto_pad;
  if (autoPad?.kind === 'string' && autoPad.value !== 'NOTSET' && autoPad.value !== 'VALID') return undefined;
  const valid = autoPad?.kind === 'string' && autoPad.value === 'VALID';
  const own = (!valid && intsAttr(follower, 'pads')) || new Array<number>(2 * spatial).fill(0);
  if (own.length !== 2 * spatial) return undefined;
  const merged = own.map((p, i) => p + spec.pads[i < spatial ? i + 2 : i - spatial + rank + 2]!);

  if (follower.op === 'Conv') return spec.value === 0 ? merged : undefined;
  const kernel = intsAttr(follower, 'kernel_shape');
  const dilations = intsAttr(follower, 'dilations') ?? new Array<number>(spatial).fill(1);
  if (!kernel || kernel.length !== spatial) return undefined;
  const extent = kernel.map((k, i) => (k - 1) * dilations[i]! + 1);
  if (merged.some((p, i) => p >= extent[i % spatial]!)) return undefined;

  if (follower.op === 'AveragePool') {
    const includePad = intAttr(follower, 'count_include_pad') === 1;
    return spec.value === 0 && includePad && intAttr(follower, 'ceil_mode') === 0 ? merged : undefined;
  }
  const indices = follower.outputs[1];
  if (indices !== undefined && indices !== '' && isUsed(graph, indices)) return undefined;
  return spec.value === -Infinity || lowerBound(graph, x) >= spec.value ? merged : undefined;
}

/** A lower bound on every element of `value` that the graph structure proves (else -inf). */
function lowerBound(graph: Graph, value: string): number {
  const writer = producerOf(graph, value);
  if (!writer) return -Infinity;
  if (writer.activation) return writer.activation.kind === 'relu' ? 0 : writer.activation.min;
  if (writer.domain !== '') return -Infinity;
  if (writer.op === 'Relu') return 0;
  if (writer.op === 'Clip') return constantScalar(graph, writer.inputs[1] ?? '') ?? -Infinity;
  return -Infinity;
}

function intsAttr(node: Node, name: string): number[] | undefined {
  const a = node.attrs[name];
  return a?.kind === 'ints' ? a.value : a?.kind === 'int' ? [a.value] : undefined;
}

function intAttr(node: Node, name: string): number {
  const a = node.attrs[name];
  return a?.kind === 'int' ? a.value : 0;
}

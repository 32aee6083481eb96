/**
 * Quantized single-node (or small) models for C tests: a float graph built in memory, its types
 * inferred, quantized by the project's quantizer (src/quant), so every case carries exactly the
 * params the integer reference reads. Random data comes from the seeded generator.
 */
import { inferTypes } from '../../src/engine/infer-types.js';
import { makeGraph, type AttrValue, type FusedActivation, type Node } from '../../src/ir/graph.js';
import { makeTensor, sizeOf, type Tensor } from '../../src/ir/tensor.js';
import { quantizeModel, type QuantizeOptions } from '../../src/quant/quantize-model.js';
import type { QModel } from '../../src/quant/qmodel.js';
import { rng } from '../helpers/random.js';

export type Attr = number | number[] | string;

export interface NodeCase {
  op: string;
  attrs?: Record<string, Attr>;
  /** Shapes of the activation inputs (graph inputs x0, x1...). */
  inputs: number[][];
  /** Constant inputs after the activations (weights, bias...), random in [-1, 1]. */
  constants?: number[][];
  /** Constant inputs given by value (Reshape's shape...), placed after `constants`. */
  values?: Tensor[];
  activation?: FusedActivation;
}

function attrValue(v: Attr): AttrValue {
  if (typeof v === 'string') return { kind: 'string', value: v };
  if (Array.isArray(v)) return { kind: 'ints', value: v };
  return { kind: 'int', value: v };
}

function random(shape: number[], seed: number, lo = -1, hi = 1): Tensor {
  const r = rng(seed);
  return makeTensor('float32', shape, Array.from({ length: sizeOf(shape) }, () => lo + (hi - lo) * r()));
}

export function quantizeCase(c: NodeCase, name: string, options: QuantizeOptions = {}, seed = 1): QModel {
  const inputs = c.inputs.map((shape, i) => ({ name: `x${i}`, dtype: 'float32' as const, shape }));
  const initializers = new Map<string, Tensor>();
  const constNames: string[] = [];
  (c.constants ?? []).forEach((shape, i) => {
    initializers.set(`c${i}`, random(shape, seed * 100 + i));
    constNames.push(`c${i}`);
  });
  (c.values ?? []).forEach((t, i) => {
    initializers.set(`v${i}`, t);
    constNames.push(`v${i}`);
  });
  const node: Node = {
    name: `${c.op}_node`, op: c.op, domain: c.op === 'ChannelAffine' ? 'com.edgec' : '',
    inputs: [...inputs.map((i) => i.name), ...constNames], outputs: ['y'],
    attrs: Object.fromEntries(Object.entries(c.attrs ?? {}).map(([k, v]) => [k, attrValue(v)])),
    ...(c.activation ? { activation: c.activation } : {}),
  };
  const graph = makeGraph({ name, nodes: [node], inputs, outputs: [{ name: 'y', dtype: 'float32', shape: [] }], initializers });
  inferTypes(graph);
  graph.outputs[0]!.shape = [...graph.types.get('y')!.shape];
  return quantizeModel(graph, { inputRange: [-1, 1], samples: 8, seed, ...options });
}

/** Random integer inputs covering the whole range of each graph input's type. */
export function randomIntInputs(q: QModel, seed: number): (Int8Array | Int16Array)[] {
  const r = rng(seed);
  return q.inputs.map((n) => {
    const t = q.tensors.get(n)!;
    const size = sizeOf(t.shape);
    if (t.type === 'int16') return Int16Array.from({ length: size }, () => Math.floor(r() * 65536) - 32768);
    return Int8Array.from({ length: size }, () => Math.floor(r() * 256) - 128);
  });
}

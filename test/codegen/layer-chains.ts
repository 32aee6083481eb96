/**
 * Random chains of weighted layers on one input, quantized by the project's quantizer, for the
 * tests that run optimised kernels (DSP, Helium) in QEMU against the integer reference: each
 * layer names its own weight width, weights and biases are uniform in [-1, 1] from the seeded
 * generator, and the input range is [-1, 1].
 */
import { inferTypes } from '../../src/engine/infer-types.js';
import { makeGraph, type AttrValue, type Node } from '../../src/ir/graph.js';
import { makeTensor, sizeOf, type Tensor } from '../../src/ir/tensor.js';
import { quantizeModel } from '../../src/quant/quantize-model.js';
import type { QModel } from '../../src/quant/qmodel.js';
import { rng } from '../helpers/random.js';

export const ints = (value: number[]): AttrValue => ({ kind: 'ints', value });

export interface Layer {
  name: string;
  op: 'Conv' | 'Gemm' | 'Flatten';
  attrs?: Record<string, AttrValue>;
  weight?: number[];
  activation?: Node['activation'];
}

/** A chain of layers on one input, quantized at `bits` per layer name. */
export function chain(name: string, input: number[], layers: Layer[], bits: Record<string, 8 | 4 | 2>, seed: number): QModel {
  const r = rng(seed);
  const initializers = new Map<string, Tensor>();
  const random = (shape: number[]) => makeTensor('float32', shape, Array.from({ length: sizeOf(shape) }, () => 2 * r() - 1));
  let value = 'x';
  const nodes: Node[] = layers.map((l, i) => {
    const inputs = [value];
    if (l.weight) {
      initializers.set(`${l.name}_w`, random(l.weight));
      initializers.set(`${l.name}_b`, random([l.weight[0]!]));
      inputs.push(`${l.name}_w`, `${l.name}_b`);
    }
    value = i === layers.length - 1 ? 'y' : `v${i}`;
    return { name: l.name, op: l.op, domain: '', inputs, outputs: [value], attrs: l.attrs ?? {}, ...(l.activation ? { activation: l.activation } : {}) };
  });
  const graph = makeGraph({ name, nodes, inputs: [{ name: 'x', dtype: 'float32', shape: input }], outputs: [{ name: 'y', dtype: 'float32', shape: [] }], initializers });
  inferTypes(graph);
  graph.outputs[0]!.shape = [...graph.types.get('y')!.shape];
  return quantizeModel(graph, { weightBits: bits, inputRange: [-1, 1], samples: 8, seed, weightScales: int2Steps(layers, bits, initializers) });
}

/**
 * 2-bit layers get steps of 0.6 max|w| per output channel, as trained step sizes come out, so the
 * weights use all four int2 codes (max|w| / 1, the PTQ step, never rounds to -2).
 */
function int2Steps(layers: Layer[], bits: Record<string, 8 | 4 | 2>, initializers: Map<string, Tensor>): Record<string, Float32Array> {
  const steps: Record<string, Float32Array> = {};
  for (const l of layers) {
    if (bits[l.name] !== 2 || !l.weight) continue;
    const w = initializers.get(`${l.name}_w`)!.data;
    const per = w.length / l.weight[0]!;
    steps[l.name] = Float32Array.from({ length: l.weight[0]! }, (_, c) => 0.6 * Math.max(...Array.from(w.subarray(c * per, (c + 1) * per), Math.abs)));
  }
  return steps;
}

export const conv = (name: string, weight: number[], attrs: Record<string, AttrValue>, activation?: Node['activation']): Layer => ({
  name,
  op: 'Conv',
  weight,
  attrs,
  ...(activation ? { activation } : {}),
});

/** A fully connected layer as PyTorch exports it (Gemm, transB = 1). */
export const fc = (name: string, weight: number[]): Layer => ({ name, op: 'Gemm', weight, attrs: { transB: { kind: 'int', value: 1 } } });

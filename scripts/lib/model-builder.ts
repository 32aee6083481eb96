/**
 * Builds float models layer by layer in edgec's own IR, with seeded He-initialised weights, for
 * fixtures and for the cost-model calibration topologies. Saved with edgec's ONNX writer, so the
 * fixtures exercise the writer as well as the loader.
 */
import { addInitializer, makeGraph, type Attrs, type Graph, type Node } from '../../src/ir/graph.js';
import { makeTensor, sizeOf, type Tensor } from '../../src/ir/tensor.js';
import { inferTypes } from '../../src/engine/infer-types.js';
import { gaussian, rng, type Random } from '../../src/util/random.js';

type AttrInput = number | number[] | string | { float: number };

function toAttrs(attrs: Record<string, AttrInput>): Attrs {
  const out: Attrs = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === 'number') out[k] = { kind: 'int', value: v };
    else if (typeof v === 'string') out[k] = { kind: 'string', value: v };
    else if (Array.isArray(v)) out[k] = { kind: 'ints', value: v };
    else out[k] = { kind: 'float', value: v.float };
  }
  return out;
}

export class ModelBuilder {
  readonly graph: Graph;
  private readonly random: Random;
  private readonly normal: () => number;
  private counter = 0;

  constructor(name: string, input: { name: string; shape: number[] }, seed: number) {
    this.graph = makeGraph({
      name,
      inputs: [{ name: input.name, dtype: 'float32', shape: input.shape }],
      outputs: [],
      nodes: [],
      producer: { name: 'edgec-fixtures', version: '1' },
    });
    this.random = rng(seed);
    this.normal = gaussian(this.random);
  }

  /** A constant; returns its value name. */
  constant(base: string, tensor: Tensor): string {
    return addInitializer(this.graph, base, tensor);
  }

  /** Weights drawn from N(0, std^2), He initialisation when std is fan-in based. */
  weights(base: string, shape: number[], std: number): string {
    return this.constant(base, makeTensor('float32', shape, Array.from({ length: sizeOf(shape) }, () => std * this.normal())));
  }

  uniform(base: string, shape: number[], lo: number, hi: number): string {
    return this.constant(base, makeTensor('float32', shape, Array.from({ length: sizeOf(shape) }, () => lo + (hi - lo) * this.random())));
  }

  /** Appends a node; returns its first output's name. */
  node(op: string, inputs: string[], attrs: Record<string, AttrInput> = {}, outputs = 1): string {
    const id = `${op.toLowerCase()}_${this.counter++}`;
    const node: Node = {
      name: id,
      op,
      domain: '',
      inputs,
      outputs: Array.from({ length: outputs }, (_, i) => (outputs === 1 ? `${id}_out` : `${id}_out${i}`)),
      attrs: toAttrs(attrs),
    };
    this.graph.nodes.push(node);
    return node.outputs[0]!;
  }

  /** Conv with He-initialised weights and a small bias: `[cout, cin/group, ...kernel]`. */
  conv(x: string, cin: number, cout: number, kernel: number[], attrs: Record<string, AttrInput> = {}): string {
    const group = typeof attrs['group'] === 'number' ? attrs['group'] : 1;
    const fanIn = (cin / group) * kernel.reduce((a, b) => a * b, 1);
    const w = this.weights('conv_w', [cout, cin / group, ...kernel], Math.sqrt(2 / fanIn));
    const b = this.uniform('conv_b', [cout], -0.05, 0.05);
    return this.node('Conv', [x, w, b], { kernel_shape: kernel, ...attrs });
  }

  /** BatchNormalization with plausible running statistics (as a trained model would have). */
  batchNorm(x: string, channels: number): string {
    const scale = this.uniform('bn_scale', [channels], 0.5, 1.5);
    const bias = this.uniform('bn_bias', [channels], -0.2, 0.2);
    const mean = this.uniform('bn_mean', [channels], -0.3, 0.3);
    const variance = this.uniform('bn_var', [channels], 0.5, 2);
    return this.node('BatchNormalization', [x, scale, bias, mean, variance], { epsilon: { float: 1e-5 } });
  }

  gemm(x: string, inFeatures: number, outFeatures: number): string {
    const w = this.weights('fc_w', [outFeatures, inFeatures], Math.sqrt(1 / inFeatures));
    const b = this.uniform('fc_b', [outFeatures], -0.05, 0.05);
    return this.node('Gemm', [x, w, b], { transB: 1 });
  }

  int64(base: string, values: number[]): string {
    return this.constant(base, makeTensor('int64', [values.length], values));
  }

  /** Marks `value` as the graph output and infers every shape. */
  finish(value: string, outputName = 'output'): Graph {
    const last = this.graph.nodes.find((n) => n.outputs.includes(value))!;
    last.outputs = last.outputs.map((o) => (o === value ? outputName : o));
    for (const n of this.graph.nodes) n.inputs = n.inputs.map((i) => (i === value ? outputName : i));
    this.graph.outputs = [{ name: outputName, dtype: 'float32', shape: [] }];
    inferTypes(this.graph);
    this.graph.outputs = [{ name: outputName, dtype: 'float32', shape: [...this.graph.types.get(outputName)!.shape] }];
    return this.graph;
  }
}

/**
 * Harness for per-op integer tests: a one-node graph is quantized (calibrated on seeded uniform
 * inputs), run by the integer reference on fresh random inputs, and compared with the fp32 op run
 * on the dequantized inputs and dequantized weights/bias (fake quantization). That isolates the
 * integer arithmetic: what remains is output rounding, the double rounding of requantize, and
 * tables, each a stated number of output LSBs.
 */
import { inferTypes } from '../../src/engine/infer-types.js';
import { runGraph } from '../../src/engine/run-graph.js';
import { cloneGraph, makeGraph, type FusedActivation, type Node } from '../../src/ir/graph.js';
import { makeTensor, sizeOf, type Tensor } from '../../src/ir/tensor.js';
import type { IntTensorData } from '../../src/quant/integer-facet.js';
import { quantizeModel, type QuantizeOptions } from '../../src/quant/quantize-model.js';
import type { QLayer, QModel } from '../../src/quant/qmodel.js';
import { dequantizeOutput, quantizeInput, runQModel } from '../../src/quant/run-qmodel.js';
import { dequantizeTensor } from '../../src/quant/int-tensor.js';
import { rng } from '../../src/util/random.js';

export interface NodeCase {
  op: string;
  domain?: string;
  attrs?: Node['attrs'];
  /** Activation inputs (name -> shape), in node order before the constants. */
  inputs: [string, number[]][];
  /** Constant inputs (name -> tensor), appended to the node's inputs in this order ('' for absent). */
  constants?: [string, Tensor | undefined][];
  activation?: FusedActivation;
  options?: QuantizeOptions;
  inputRange?: [number, number];
}

export interface NodeResult {
  q: QModel;
  layer: QLayer;
  /** max |integer - fake-quant fp32| in output LSBs, over all trials. */
  maxErrorLsb: number;
  outputs: IntTensorData[];
}

/** Dequantized weights in the float weight's layout: values * scale of their (channel, group). */
export function dequantizeWeights(layer: QLayer): Float32Array {
  const w = layer.weights!;
  const channels = w.shape[0]!;
  const filter = w.values.length / channels;
  const groups = w.groupSize ? Math.ceil(filter / w.groupSize) : 1;
  const out = new Float32Array(w.values.length);
  for (let i = 0; i < out.length; i++) {
    const c = Math.floor(i / filter);
    const g = w.groupSize ? Math.floor((i % filter) / w.groupSize) : 0;
    out[i] = w.values[i]! * w.scales[c * groups + g]!;
  }
  return out;
}

export function runNodeCase(c: NodeCase, trials = 3, seed = 7): NodeResult {
  const constants = c.constants ?? [];
  const node: Node = {
    name: `${c.op.toLowerCase()}_node`,
    op: c.op,
    domain: c.domain ?? '',
    inputs: [...c.inputs.map(([n]) => n), ...constants.map(([n, t]) => (t ? n : ''))],
    outputs: ['y'],
    attrs: c.attrs ?? {},
    ...(c.activation ? { activation: c.activation } : {}),
  };
  const graph = makeGraph({
    nodes: [node],
    inputs: c.inputs.map(([name, shape]) => ({ name, dtype: 'float32' as const, shape })),
    outputs: [{ name: 'y', dtype: 'float32', shape: [] }],
    initializers: new Map(constants.filter((e): e is [string, Tensor] => e[1] !== undefined)),
  });
  inferTypes(graph);
  graph.outputs[0]!.shape = [...graph.types.get('y')!.shape];
  const range = c.inputRange ?? [-1, 1];
  const q = quantizeModel(graph, { inputRange: range, samples: 8, seed, ...c.options });
  const layer = q.layers[0]!;
  const fake = fakeQuantGraph(graph, node, layer, q);
  const random = rng(seed + 1);
  let maxErrorLsb = 0;
  let outputs: IntTensorData[] = [];
  for (let t = 0; t < trials; t++) {
    const ints = c.inputs.map(([name, shape]) => quantizeInput(q, Float32Array.from({ length: sizeOf(shape) }, () => range[0] + (range[1] - range[0]) * random()), name));
    const feeds = Object.fromEntries(c.inputs.map(([name, shape], i) => [name, makeTensor('float32', shape, dequantizeTensor(q.tensors.get(name)!, ints[i]!))]));
    const reference = runGraph(fake, feeds).get('y')!.data;
    outputs = runQModel(q, ints);
    const got = dequantizeOutput(q, outputs[0]!);
    const out = q.tensors.get('y')!;
    // Values beyond the calibrated range saturate by design: compare with the reference saturated.
    const [lo, hi] = out.type === 'int8' ? [-128, 127] : [-32768, 32767];
    const [rLo, rHi] = [out.scale * (lo - out.zeroPoint), out.scale * (hi - out.zeroPoint)];
    for (let i = 0; i < got.length; i++) {
      const r = Math.min(rHi, Math.max(rLo, reference[i]!));
      maxErrorLsb = Math.max(maxErrorLsb, Math.abs(got[i]! - r) / out.scale);
    }
  }
  return { q, layer, maxErrorLsb, outputs };
}

/** The float graph with the layer's weights and bias replaced by their dequantized values. */
function fakeQuantGraph(graph: ReturnType<typeof makeGraph>, node: Node, layer: QLayer, q: QModel) {
  const fake = cloneGraph(graph);
  if (!layer.weights) return fake;
  const weightName = node.inputs[1]!;
  const original = graph.initializers.get(weightName)!;
  let w = dequantizeWeights(layer);
  const transposed = node.op === 'MatMul' || (node.op === 'Gemm' && !(node.attrs.transB?.value));
  if (transposed) {
    const [K, N] = original.shape as [number, number];
    const back = new Float32Array(K * N);
    for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) back[k * N + n] = w[n * K + k]!;
    w = back;
  }
  fake.initializers.set(weightName, makeTensor('float32', original.shape, w));
  const biasName = node.inputs[2];
  if (biasName && layer.bias) {
    const inScale = q.tensors.get(node.inputs[0]!)!.scale;
    const accScale = Array.from(layer.requant!.multiplier, (_, ch) => {
      const groups = layer.params?.groupMultipliers ? (layer.weights!.scales.length / layer.bias!.length) : 1;
      // Without groups the accumulator unit is the channel scale; with groups s_c / 255.
      return groups > 1 ? channelScaleOfGroups(layer, ch) : layer.weights!.scales[ch]!;
    });
    const original = graph.initializers.get(biasName)!;
    fake.initializers.set(biasName, makeTensor('float32', original.shape, Array.from(layer.bias, (b, ch) => b * inScale * accScale[ch]!)));
  }
  return fake;
}

function channelScaleOfGroups(layer: QLayer, ch: number): number {
  const m = layer.params!.groupMultipliers as Int32Array;
  const groups = m.length / layer.bias!.length;
  // scale of group k = s_c * m_k / 255, so s_c / 255 = scale_k / m_k for any k.
  return layer.weights!.scales[ch * groups]! / m[ch * groups]!;
}

/**
 * The quantized model as ONNX QDQ ("quantize-dequantize"): the float graph with every quantized
 * activation passed through QuantizeLinear -> DequantizeLinear with its scale and zero point, and
 * every quantized weight and bias stored as integers behind a DequantizeLinear. Netron shows the
 * quantization parameters, and onnxruntime runs it as a float simulation of the integer model
 * (close to the integer reference, not bit-exact: it requantizes in float, rounding half to even).
 *
 * Form (opset 21, so int16 activations and blocked scales are standard):
 * - activations: the producer writes `<v>_float`; `QuantizeLinear -> <v>_quantized`;
 *   `DequantizeLinear -> <v>`, so every reader and graph output keeps its name. Graph inputs
 *   keep theirs and their readers move to `<v>_dequantized`.
 * - weights: int8 tensors holding the int8/int4/int2 values (ONNX's int4 type is not used, so the
 *   file opens everywhere; the values stay within +-(2^(bits-1)-1)), per-channel scales on
 *   `channelAxis`. Group-wise scales: the weights are stored [channels, inputs] and dequantized
 *   with `block_size`, then reshaped (and transposed back when the channel axis is not first).
 * - bias: int32 with scale input_scale * weight_scale[c] (per channel; left in float when weights
 *   are group-wise, as there is then no single bias scale per channel).
 * Float nodes without a quantized layer stay float. The result is a new graph; inputs are unchanged.
 */
import { InternalError } from '../errors.js';
import { addInitializer, cloneGraph, freshName, replaceUses, type Graph, type Node } from '../ir/graph.js';
import { makeTensor, sizeOf, type DType, type Tensor } from '../ir/tensor.js';
import type { QLayer, QModel, QTensor, QuantizedWeights } from './qmodel.js';

export const QDQ_OPSET = 21;

export function exportQdq(floatGraph: Graph, model: QModel): Graph {
  const graph = cloneGraph(floatGraph);
  graph.opset = Math.max(QDQ_OPSET, graph.opset);
  graph.name = model.name;
  const original = [...graph.nodes];
  const inserted: Node[] = [];
  const nodeByName = new Map(original.map((n) => [n.name, n]));

  for (const layer of model.layers) {
    const node = nodeByName.get(layer.name);
    if (!node) throw new InternalError(`QDQ export: quantized layer "${layer.name}" has no float node`);
    if (layer.weights) dequantizeWeights(graph, node, layer, model, inserted);
  }

  const inputNames = new Set(graph.inputs.map((v) => v.name));
  const before = new Map<Node, Node[]>();
  for (const [name, q] of model.tensors) {
    if (!graph.types.has(name)) continue;
    if (inputNames.has(name)) {
      const deq = freshName(graph, `${name}_dequantized`);
      replaceUses(graph, name, deq);
      graph.types.set(deq, { dtype: 'float32', shape: [...q.shape] });
      inserted.push(...quantizeDequantize(graph, q, name, deq));
      continue;
    }
    const producer = original.find((n) => n.outputs.includes(name));
    if (!producer) continue;
    const float = freshName(graph, `${name}_float`);
    producer.outputs = producer.outputs.map((o) => (o === name ? float : o));
    graph.types.set(float, { dtype: 'float32', shape: [...q.shape] });
    before.set(producer, [...(before.get(producer) ?? []), ...quantizeDequantize(graph, q, float, name)]);
  }

  // Inserted nodes go first (they read only inputs and constants); QDQ pairs follow their producer.
  const nodes: Node[] = [...inserted];
  for (const n of original) nodes.push(n, ...(before.get(n) ?? []));
  graph.nodes = nodes;
  // The float weights and biases now behind DequantizeLinear are read by nothing: drop them.
  const read = new Set(nodes.flatMap((n) => n.inputs));
  for (const name of [...graph.initializers.keys()]) {
    if (!read.has(name) && !graph.outputs.some((o) => o.name === name)) {
      graph.initializers.delete(name);
      graph.types.delete(name);
    }
  }
  return graph;
}

function quantizeDequantize(graph: Graph, q: QTensor, from: string, to: string): Node[] {
  const dtype: DType = q.type === 'int16' ? 'int16' : 'int8';
  const scale = addInitializer(graph, `${to}_scale`, makeTensor('float32', [], [q.scale]));
  const zeroPoint = addInitializer(graph, `${to}_zero_point`, makeTensor(dtype, [], [q.zeroPoint]));
  const quantized = freshName(graph, `${to}_quantized`);
  graph.types.set(quantized, { dtype, shape: [...q.shape] });
  return [
    qdqNode(graph, 'QuantizeLinear', [from, scale, zeroPoint], quantized),
    qdqNode(graph, 'DequantizeLinear', [quantized, scale, zeroPoint], to),
  ];
}

function qdqNode(graph: Graph, op: string, inputs: string[], output: string, attrs: Node['attrs'] = {}): Node {
  const name = freshName(graph, `${output}_${op === 'QuantizeLinear' ? 'quantize' : 'dequantize'}`);
  return reserve(graph, { name, op, domain: '', inputs, outputs: [output], attrs });
}

/**
 * New nodes are appended to the graph as they are made, so freshName sees their names; exportQdq
 * puts them in their final place at the end.
 */
function reserve(graph: Graph, node: Node): Node {
  graph.nodes.push(node);
  return node;
}

/** Replaces the layer's float weight (and bias) inputs with dequantized integer constants. */
function dequantizeWeights(graph: Graph, node: Node, layer: QLayer, model: QModel, out: Node[]): void {
  const w = layer.weights!;
  const weightIndex = node.inputs.findIndex((i) => sameShape(graph.initializers.get(i), w.shape));
  if (weightIndex < 0) throw new InternalError(`QDQ export: ${layer.name} has no float weight of shape [${w.shape.join(', ')}]`);
  const base = `${node.name}_weight`;
  const deq = freshName(graph, `${base}_dequantized`);
  graph.types.set(deq, { dtype: 'float32', shape: [...w.shape] });
  out.push(...(w.groupSize > 0 ? blockedWeights(graph, w, base, deq) : channelWeights(graph, w, base, deq)));
  node.inputs[weightIndex] = deq;

  const input = model.tensors.get(layer.inputs[0] ?? '');
  if (!layer.bias || !input || w.groupSize > 0) return;
  const channels = w.shape[w.channelAxis]!;
  const biasIndex = node.inputs.findIndex((i, k) => k !== weightIndex && sameShape(graph.initializers.get(i), [channels]));
  if (biasIndex < 0 || layer.bias.length !== channels) return;
  const scales = Array.from(w.scales, (s) => input.scale * s);
  const b = `${node.name}_bias`;
  const bq = addInitializer(graph, `${b}_quantized`, makeTensor('int32', [channels], layer.bias));
  const bs = addInitializer(graph, `${b}_scale`, makeTensor('float32', [channels], scales));
  const bz = addInitializer(graph, `${b}_zero_point`, makeTensor('int32', [channels], new Array<number>(channels).fill(0)));
  const bdeq = freshName(graph, `${b}_dequantized`);
  graph.types.set(bdeq, { dtype: 'float32', shape: [channels] });
  out.push(qdqNode(graph, 'DequantizeLinear', [bq, bs, bz], bdeq, { axis: { kind: 'int', value: 0 } }));
  node.inputs[biasIndex] = bdeq;
}

function channelWeights(graph: Graph, w: QuantizedWeights, base: string, to: string): Node[] {
  const channels = w.shape[w.channelAxis]!;
  if (w.scales.length !== channels) throw new InternalError(`QDQ export: ${base} has ${w.scales.length} scales for ${channels} channels`);
  const q = addInitializer(graph, `${base}_quantized`, makeTensor('int8', w.shape, w.values));
  const s = addInitializer(graph, `${base}_scale`, makeTensor('float32', [channels], w.scales));
  const z = addInitializer(graph, `${base}_zero_point`, makeTensor('int8', [channels], new Array<number>(channels).fill(0)));
  return [qdqNode(graph, 'DequantizeLinear', [q, s, z], to, { axis: { kind: 'int', value: w.channelAxis } })];
}

/** Group-wise: [channels, inputs] int8 with blocked scales, reshaped (and transposed) back. */
function blockedWeights(graph: Graph, w: QuantizedWeights, base: string, to: string): Node[] {
  const perm = [w.channelAxis, ...w.shape.map((_, i) => i).filter((i) => i !== w.channelAxis)];
  const permuted = perm.map((i) => w.shape[i]!);
  const channels = permuted[0]!;
  const inputs = sizeOf(permuted) / channels;
  const groups = Math.ceil(inputs / w.groupSize);
  if (w.scales.length !== channels * groups) throw new InternalError(`QDQ export: ${base} has ${w.scales.length} scales for ${channels}x${groups} groups`);
  const values = transposeValues(w.values, w.shape, perm);
  const q = addInitializer(graph, `${base}_quantized`, makeTensor('int8', [channels, inputs], values));
  const s = addInitializer(graph, `${base}_scale`, makeTensor('float32', [channels, groups], w.scales));
  const z = addInitializer(graph, `${base}_zero_point`, makeTensor('int8', [channels, groups], new Array<number>(channels * groups).fill(0)));
  const flat = freshName(graph, `${base}_dequantized_2d`);
  graph.types.set(flat, { dtype: 'float32', shape: [channels, inputs] });
  const nodes = [
    qdqNode(graph, 'DequantizeLinear', [q, s, z], flat, { axis: { kind: 'int', value: 1 }, block_size: { kind: 'int', value: w.groupSize } }),
  ];
  const identity = perm.every((p, i) => p === i);
  const shapeName = addInitializer(graph, `${base}_shape`, makeTensor('int64', [permuted.length], permuted));
  const reshaped = identity ? to : freshName(graph, `${base}_dequantized_permuted`);
  graph.types.set(reshaped, { dtype: 'float32', shape: permuted });
  nodes.push({ name: freshName(graph, `${base}_reshape`), op: 'Reshape', domain: '', inputs: [flat, shapeName], outputs: [reshaped], attrs: {} });
  if (!identity) {
    const inverse = perm.map((_, i) => perm.indexOf(i));
    nodes.push(reserve(graph, { name: freshName(graph, `${base}_transpose`), op: 'Transpose', domain: '', inputs: [reshaped], outputs: [to], attrs: { perm: { kind: 'ints', value: inverse } } }));
  }
  return nodes;
}

/** Row-major transpose of `values` (of `shape`) by `perm`. */
export function transposeValues(values: Int8Array, shape: readonly number[], perm: readonly number[]): Int8Array {
  if (perm.every((p, i) => p === i)) return values;
  const out = new Int8Array(values.length);
  const newShape = perm.map((p) => shape[p]!);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const index = new Array<number>(newShape.length).fill(0);
  for (let k = 0; k < out.length; k++) {
    let src = 0;
    for (let d = 0; d < perm.length; d++) src += index[d]! * strides[perm[d]!]!;
    out[k] = values[src]!;
    for (let d = newShape.length - 1; d >= 0; d--) {
      if (++index[d]! < newShape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

function sameShape(t: Tensor | undefined, shape: readonly number[]): boolean {
  return t !== undefined && t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]);
}

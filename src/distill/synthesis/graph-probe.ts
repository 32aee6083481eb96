/**
 * What the synthesizer needs to know about a canonical graph, read from its structure (never from
 * names): which values carry kept BatchNorm statistics, whether the model is a classifier, which
 * value is the classifier's penultimate activation, and which early values to match statistics on.
 *
 * `exposePreActivations` rewrites a copy of the graph so every value the losses read has a name
 * backward can seed: a node with a fused Relu/Clip whose pre-activation output carries BN
 * statistics gets its activation split into a Relu/Clip node of its own (same function, so the
 * teacher's outputs do not change).
 */
import { addInitializer, cloneGraph, freshName, type BatchNormStats, type Graph, type Node } from '../../ir/graph.js';
import { makeTensor, sizeOf } from '../../ir/tensor.js';

/** A value whose per-channel (axis 1) distribution the synthetic batch should have. */
export interface StatTarget {
  value: string;
  /** Target per-channel mean and standard deviation of the value over the batch. */
  mean: Float64Array;
  std: Float64Array;
}

export interface Classifier {
  classes: number;
  /** The value feeding the final Gemm/MatMul: the penultimate activation, one row per sample. */
  penultimate: string;
}

/** Ops after which the model's output is still the logits of the same classes. */
const LOGIT_PRESERVING = new Set(['Softmax', 'LogSoftmax', 'Flatten', 'Reshape', 'Identity']);

/**
 * A classifier: one output of shape [1, C] (C >= 2) whose element count differs from the input's
 * (an autoencoder reconstructs its input), produced by a Gemm/MatMul, possibly followed by a
 * softmax or a reshape. Returns undefined for autoencoders, regressors and anything else.
 */
export function classifierOf(graph: Graph): Classifier | undefined {
  if (graph.outputs.length !== 1 || graph.inputs.length !== 1) return undefined;
  const out = graph.outputs[0]!;
  const shape = graph.types.get(out.name)?.shape ?? out.shape;
  const classes = shape[shape.length - 1] ?? 0;
  if (sizeOf(shape) !== classes || classes < 2) return undefined;
  if (sizeOf(graph.inputs[0]!.shape) === classes) return undefined;
  let node = graph.nodes.find((n) => n.outputs.includes(out.name));
  while (node && LOGIT_PRESERVING.has(node.op) && !node.activation) {
    const input = node.inputs[0]!;
    node = graph.nodes.find((n) => n.outputs.includes(input));
  }
  if (!node || (node.op !== 'Gemm' && node.op !== 'MatMul') || node.activation) return undefined;
  return { classes, penultimate: node.inputs[0]! };
}

/** Nodes carrying kept BN statistics, in graph order. */
export function batchNormNodes(graph: Graph): Node[] {
  return graph.nodes.filter((n) => n.meta?.batchNorm !== undefined);
}

/**
 * The folded node's output (before its activation) is distributed as the BN's output was when
 * the BN's input matched the running statistics: per channel, mean = beta and standard deviation
 * = |gamma| sqrt(var / (var + eps)).
 */
export function batchNormTarget(value: string, stats: BatchNormStats): StatTarget {
  const channels = stats.mean.length;
  const mean = new Float64Array(channels);
  const std = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const v = stats.variance[c]!;
    mean[c] = stats.bias[c]!;
    std[c] = Math.abs(stats.scale[c]!) * Math.sqrt(v / (v + stats.epsilon));
  }
  return { value, mean, std };
}

export interface ExposedGraph {
  graph: Graph;
  /** For each exposed node (by node name), the name of its pre-activation output. */
  preActivation: Map<string, string>;
}

/** A copy of `graph` whose chosen nodes (default: those carrying BN statistics) expose their pre-activation outputs by name. */
export function exposePreActivations(graph: Graph, expose: (node: Node) => boolean = (n) => n.meta?.batchNorm !== undefined): ExposedGraph {
  const out = cloneGraph(graph);
  const preActivation = new Map<string, string>();
  const nodes: Node[] = [];
  for (const node of out.nodes) {
    nodes.push(node);
    if (!expose(node)) continue;
    const y = node.outputs[0]!;
    if (!node.activation) {
      preActivation.set(node.name, y);
      continue;
    }
    const pre = freshName(out, `${y}__pre_activation`);
    out.types.set(pre, { ...out.types.get(y)! });
    const act = node.activation;
    delete node.activation;
    node.outputs = [pre, ...node.outputs.slice(1)];
    const inputs = [pre];
    if (act.kind === 'clip') {
      inputs.push(addInitializer(out, `${node.name}_clip_min`, makeTensor('float32', [], Float32Array.of(act.min))));
      inputs.push(addInitializer(out, `${node.name}_clip_max`, makeTensor('float32', [], Float32Array.of(act.max))));
    }
    const op = act.kind === 'clip' ? 'Clip' : 'Relu';
    nodes.push({ name: freshName(out, `${node.name}_${op}`), op, domain: '', inputs, outputs: [y], attrs: {} });
    preActivation.set(node.name, pre);
  }
  out.nodes = nodes;
  return { graph: out, preActivation };
}

/**
 * The first `count` values produced by weighted layers (Conv, Gemm, MatMul), in graph order: the
 * early activations whose statistics describe the input domain as the model sees it.
 */
export function earlyActivations(graph: Graph, count: number): string[] {
  const weighted = new Set(['Conv', 'Gemm', 'MatMul', 'ConvTranspose']);
  return graph.nodes
    .filter((n) => weighted.has(n.op))
    .slice(0, count)
    .map((n) => n.outputs[0]!);
}

/**
 * Reverse-mode differentiation over the graph: the static ONNX graph is its own tape.
 *
 * `forwardWithTape` runs the graph as the fp32 engine does (each op's forward, then the node's
 * fused activation) and keeps every value a backward may read: inputs, parameters, each node's
 * outputs and, for nodes with a fused activation, the output before it. `backward` walks the nodes
 * in reverse from the seeded gradients (dLoss/dOutput), differentiates the fused activation, calls
 * each op's `backward` and adds the input gradients into what earlier consumers left (`+=`, so a
 * value read twice gets both contributions). Only nodes on a path from a value in `wrt` to a
 * seeded value run; ops are told which input gradients are wanted.
 *
 * Transforms (fake quantization, see fake-quant.ts) stand between a value and its readers: the
 * forward hands readers the transformed tensor, the backward turns the readers' gradient into the
 * raw value's through the transform (straight-through, with LSQ step-size gradients kept by the
 * transform itself).
 */
import { InternalError, ModelError, describeNode } from '../errors.js';
import { applyActivation } from '../engine/fused-activation.js';
import { keptBuffers } from '../engine/run-graph.js';
import type { Graph, Node } from '../ir/graph.js';
import { giveFloat32, storageOf } from '../ir/buffer-pool.js';
import { makeTensor, type Tensor } from '../ir/tensor.js';
import { resolveAttrs, type AttrSchema, type AttrsOf } from '../ops/op-def.js';
import { opOf } from '../ops/registry.js';
import { GradBuffers } from './grad-buffers.js';

/** A function inserted between a value and its readers, with its gradient. */
export interface ValueTransform {
  forward(x: Tensor): Tensor;
  /** dL/dx from dL/d(forward(x)); may also accumulate gradients of the transform's own parameters. */
  backward(x: Tensor, grad: Tensor): Tensor;
}

export interface TapeOptions {
  /** Tensors that replace initializers of the same name (the trainable parameters' current values). */
  parameters?: ReadonlyMap<string, Tensor>;
  /** Transforms applied to values (graph inputs, initializers, node outputs), by value name. */
  transforms?: ReadonlyMap<string, ValueTransform>;
}

export interface Tape {
  graph: Graph;
  /** Every value as its readers saw it (after any transform). */
  values: Map<string, Tensor>;
  /** Values before their transform, for those that have one. */
  raw: Map<string, Tensor>;
  /** A fused node's first output before its activation. */
  preActivation: Map<Node, Tensor>;
  transforms: ReadonlyMap<string, ValueTransform>;
}

const attrsCache = new WeakMap<Node, AttrsOf<AttrSchema>>();

function attrsOf(node: Node): AttrsOf<AttrSchema> {
  let attrs = attrsCache.get(node);
  if (!attrs) {
    attrs = resolveAttrs(opOf(node)!.attrs, node);
    attrsCache.set(node, attrs);
  }
  return attrs;
}

/** Runs the graph on `feeds` (graph input name -> tensor), keeping what backward needs. */
export function forwardWithTape(graph: Graph, feeds: Record<string, Tensor>, options: TapeOptions = {}): Tape {
  const transforms = options.transforms ?? new Map<string, ValueTransform>();
  const tape: Tape = { graph, values: new Map(), raw: new Map(), preActivation: new Map(), transforms };
  const store = (name: string, t: Tensor) => {
    const transform = transforms.get(name);
    if (transform) tape.raw.set(name, t);
    tape.values.set(name, transform ? transform.forward(t) : t);
  };
  for (const [name, t] of graph.initializers) store(name, options.parameters?.get(name) ?? t);
  for (const input of graph.inputs) {
    const t = feeds[input.name];
    if (!t) throw new ModelError(`no value given for graph input "${input.name}"`);
    store(input.name, t);
  }
  for (const node of graph.nodes) {
    const op = opOf(node);
    if (!op) throw new ModelError(`${describeNode(node)}: unsupported op`);
    const inputs = node.inputs.map((name) => (name === '' ? undefined : readValue(tape, node, name)));
    const act = node.activation;
    if (act?.kind === 'relu' && op.appliesActivation) {
      // Fused in the kernel: Relu's gradient mask reads the same from its output (y > 0 iff x > 0).
      const outputs = op.forward(inputs, attrsOf(node), node);
      node.outputs.forEach((name, k) => name !== '' && store(name, outputs[k]!));
      continue;
    }
    // Clip's mask needs the value before it (y == min is ambiguous): run the op without it.
    const bare = act && op.appliesActivation ? { ...node, activation: undefined } : node;
    const outputs = op.forward(inputs, attrsOf(node), bare);
    if (act) {
      tape.preActivation.set(node, outputs[0]!);
      outputs[0] = applyActivation(outputs[0]!, act);
    }
    node.outputs.forEach((name, k) => name !== '' && store(name, outputs[k]!));
  }
  return tape;
}

/**
 * Hands the tape's own buffers back for reuse by the next forward (ir/buffer-pool.ts): node
 * outputs, pre-activation values, transform outputs. The caller promises to read none of the tape's
 * values again (copy out what it keeps first). Buffers of graph inputs, initializers, node
 * attributes (engine/run-graph.ts keptBuffers) and the parameters given to forwardWithTape are
 * never handed back, nor is any buffer one of them shares (Identity, Reshape and transforms that
 * return their input alias it).
 */
export function recycleTape(tape: Tape): void {
  const { graph } = tape;
  // By allocation (storageOf), so a second view over a protected buffer is protected too.
  const protectedBuffers = new Set<unknown>();
  const external = [...graph.inputs.map((v) => v.name), ...graph.initializers.keys()];
  for (const name of external) {
    protectedBuffers.add(storageOfTensor(tape.raw.get(name) ?? tape.values.get(name)));
    if (!tape.transforms.has(name)) protectedBuffers.add(storageOfTensor(tape.values.get(name)));
  }
  giveUnprotected(graph, [...tape.values.values(), ...tape.raw.values(), ...tape.preActivation.values()], protectedBuffers);
  tape.values.clear();
  tape.raw.clear();
  tape.preActivation.clear();
}

/**
 * The same for the values a runGraph(graph, feeds, { keepAll: true }) returned (a teacher's
 * forward, read for one step): all but the graph inputs', initializers', node attributes' and
 * buffers they share.
 */
export function recycleValues(graph: Graph, values: Map<string, Tensor>): void {
  const protectedBuffers = new Set<unknown>(graph.inputs.map((v) => storageOfTensor(values.get(v.name))));
  giveUnprotected(graph, [...values.values()], protectedBuffers);
  values.clear();
}

function giveUnprotected(graph: Graph, tensors: Tensor[], protectedBuffers: Set<unknown>): void {
  for (const buffer of keptBuffers(graph, [])) protectedBuffers.add(buffer);
  for (const data of new Set(tensors.map((t) => t.data))) {
    if (data instanceof Float32Array && !protectedBuffers.has(storageOf(data))) giveFloat32(data);
  }
}

const storageOfTensor = (t: Tensor | undefined): unknown => (t ? storageOf(t.data) : undefined);

function readValue(tape: Tape, node: Node, name: string): Tensor {
  const t = tape.values.get(name);
  if (!t) throw new ModelError(`${describeNode(node)} reads "${name}" before it is computed`);
  return t;
}

/**
 * Gradients of the values in `wrt` (graph inputs, initializers or node outputs), given `seeds`:
 * dLoss/dValue for some values, usually the graph outputs. Values in `wrt` no seed reaches get
 * zeros. Gradients with respect to transformed values are those of the raw (untransformed) value.
 */
export function backward(tape: Tape, seeds: ReadonlyMap<string, Tensor>, wrt: Iterable<string>): Map<string, Tensor> {
  const { graph, values } = tape;
  const wanted = new Set(wrt);
  const needsGrad = new Set(wanted);
  for (const node of graph.nodes) {
    if (node.inputs.some((name) => needsGrad.has(name))) node.outputs.forEach((name) => name !== '' && needsGrad.add(name));
  }
  const grads = new Map<string, Tensor>();
  const foreign = new Set<unknown>([...seeds.values(), ...values.values(), ...tape.raw.values(), ...tape.preActivation.values()]
    .map((t) => storageOf(t.data)));
  for (const t of graph.initializers.values()) foreign.add(storageOf(t.data));
  const buffers = new GradBuffers(foreign);
  const setGrad = (name: string, g: Tensor) => {
    buffers.adopt(g);
    buffers.hold(g);
    const prev = grads.get(name);
    grads.set(name, g);
    if (prev) buffers.release(prev);
  };
  /** Adds g to name's gradient; true when g was summed into another buffer (g itself is then read no more). */
  const accumulate = (name: string, g: Tensor): boolean => {
    const prev = grads.get(name);
    setGrad(name, prev ? buffers.sum(prev, g) : g);
    return prev !== undefined;
  };
  for (const [name, g] of seeds) accumulate(name, g);
  const throughTransform = (name: string) => {
    const transform = tape.transforms.get(name);
    const g = grads.get(name);
    if (transform && g) setGrad(name, transform.backward(tape.raw.get(name)!, g));
  };

  for (let n = graph.nodes.length - 1; n >= 0; n--) {
    const node = graph.nodes[n]!;
    node.outputs.forEach(throughTransform);
    const outputGrads = node.outputs.map((name) => (name === '' ? undefined : grads.get(name)));
    const wants = node.inputs.map((name) => name !== '' && needsGrad.has(name));
    if (outputGrads.every((g) => g === undefined) || !wants.some(Boolean)) continue;
    const op = opOf(node)!;
    if (!op.backward) throw new InternalError(`${describeNode(node)}: op ${node.op} has no backward`);
    const outputs = node.outputs.map((name) => values.get(name)!);
    const pre = tape.preActivation.get(node);
    const reaching = outputGrads[0];
    if (node.activation && reaching) {
      // Without a kept pre-activation value the op fused a Relu: its output gives the same mask.
      // Masked in place when the gradient is a buffer of this pass only this output refers to.
      const inPlace = buffers.exclusive(reaching) && !wanted.has(node.outputs[0]!);
      outputGrads[0] = buffers.activationGrad(pre ?? outputs[0]!, reaching, node.activation, inPlace);
    }
    if (pre) outputs[0] = pre;
    const inputs = node.inputs.map((name) => (name === '' ? undefined : values.get(name)));
    const inputGrads = op.backward(inputs, outputs, outputGrads, attrsOf(node), node, wants);
    const summed: Tensor[] = [];
    node.inputs.forEach((name, i) => {
      const g = inputGrads[i];
      if (g && wants[i] && accumulate(name, g)) summed.push(g);
    });
    // A gradient added into another (a residual branch meeting the shortcut) is dead once all of
    // this node's inputs are done: its buffer goes back for reuse, unless an entry still holds it.
    for (const g of summed) {
      buffers.adopt(g);
      buffers.dropIfUnheld(g);
    }
    // This node's output gradients are read no more (unless asked for): their buffers may be reused.
    if (outputGrads[0] && outputGrads[0] !== reaching) buffers.dropIfUnheld(outputGrads[0]);
    for (const name of node.outputs) {
      const g = grads.get(name);
      if (g && !wanted.has(name)) {
        grads.delete(name);
        buffers.release(g);
      }
    }
  }
  for (const name of [...graph.inputs.map((v) => v.name), ...graph.initializers.keys()]) throughTransform(name);
  buffers.recycleFree();

  const result = new Map<string, Tensor>();
  for (const name of wanted) {
    const value = tape.raw.get(name) ?? values.get(name);
    if (!value) throw new ModelError(`cannot differentiate with respect to "${name}": no such value`);
    result.set(name, grads.get(name) ?? makeTensor(value.dtype, value.shape));
  }
  return result;
}

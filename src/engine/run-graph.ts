/**
 * The fp32 reference engine: runs a graph node by node with each op's `forward`. It is the oracle
 * for every float-level check (passes, quantization error, distillation teacher), so it favours
 * clarity; speed comes from the kernels the ops call.
 */
import { ModelError, describeNode } from '../errors.js';
import type { Graph, Node } from '../ir/graph.js';
import { giveFloat32, inResidentRegion, isResident, storageOf } from '../ir/buffer-pool.js';
import type { Tensor } from '../ir/tensor.js';
import { resolveAttrs, type AttrsOf, type AttrSchema } from '../ops/op-def.js';
import { opOf } from '../ops/registry.js';
import { applyActivation } from './fused-activation.js';
import { planResidualFusions, type ResidualFusion } from './fused-residual.js';

const resolvedAttrs = new WeakMap<Node, AttrsOf<AttrSchema>>();

/** Runs one node on concrete inputs (undefined for an absent optional input). */
export function runNode(node: Node, inputs: (Tensor | undefined)[]): Tensor[] {
  const op = opOf(node);
  if (!op) throw new ModelError(`${describeNode(node)}: unsupported op`);
  const outputs = op.forward(inputs, attrsOf(node), node);
  if (node.activation && !op.appliesActivation) outputs[0] = applyActivation(outputs[0]!, node.activation);
  return outputs;
}

/** A node's attributes with their defaults, resolved once per node. */
function attrsOf(node: Node): AttrsOf<AttrSchema> {
  let attrs = resolvedAttrs.get(node);
  if (!attrs) {
    attrs = resolveAttrs(opOf(node)!.attrs, node);
    resolvedAttrs.set(node, attrs);
  }
  return attrs;
}

export interface RunOptions {
  /** Keep every intermediate value in the result, not only the graph outputs. */
  keepAll?: boolean;
}

/**
 * Runs the graph on `feeds` (graph input name -> tensor). Returns the graph outputs (and every
 * intermediate value with keepAll). Intermediate values are dropped after their last reader.
 */
export function runGraph(graph: Graph, feeds: Record<string, Tensor>, options: RunOptions = {}): Map<string, Tensor> {
  if (options.keepAll) return runNodes(graph, feeds, options);
  // Intermediates live in the kernels' memory (used in place, no copies) for the run's length only.
  return inResidentRegion(() => {
    const outputs = runNodes(graph, feeds, options);
    for (const [name, t] of outputs) if (isResident(t.data)) outputs.set(name, { ...t, data: t.data.slice() });
    return outputs;
  });
}

function runNodes(graph: Graph, feeds: Record<string, Tensor>, options: RunOptions): Map<string, Tensor> {
  const values = new Map<string, Tensor>(graph.initializers);
  for (const input of graph.inputs) {
    const t = feeds[input.name];
    if (!t) throw new ModelError(`no value given for graph input "${input.name}"`);
    values.set(input.name, t);
  }

  const lastUse = new Map<string, number>();
  graph.nodes.forEach((n, i) => n.inputs.forEach((name) => lastUse.set(name, i)));
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const kept = options.keepAll ? undefined : keptBuffers(graph, Object.values(feeds));

  // Without keepAll nobody sees a conv's output but its Add: the pair may run as one (fused-residual.ts).
  const fusions = options.keepAll ? new Map<Node, ResidualFusion>() : planResidualFusions(graph);
  const doneEarly = new Set<Node>();

  graph.nodes.forEach((node, i) => {
    if (!doneEarly.has(node)) {
      const inputs = node.inputs.map((name) => {
        if (name === '') return undefined;
        const t = values.get(name);
        if (!t) throw new ModelError(`${describeNode(node)} reads "${name}" before it is computed`);
        return t;
      });
      const fusion = fusions.get(node);
      const fused = fusion && opOf(node)!.forwardWithResidual!(inputs, attrsOf(node), node, values.get(fusion.shortcut)!, fusion.add.activation);
      if (fused) {
        values.set(fusion.add.outputs[0]!, fused);
        doneEarly.add(fusion.add);
      } else {
        const results = runNode(node, inputs);
        node.outputs.forEach((name, k) => name !== '' && values.set(name, results[k]!));
      }
    }
    // A node done early (a fused Add) still lets its inputs go here, at their last reader.
    if (!options.keepAll) {
      for (const name of node.inputs) {
        if (lastUse.get(name) !== i || outputs.has(name) || graph.initializers.has(name)) continue;
        const dead = values.get(name);
        values.delete(name);
        if (dead) recycleDead(dead, values, kept!);
      }
    }
  });

  if (options.keepAll) return values;
  return new Map(graph.outputs.map((o) => [o.name, values.get(o.name)!]));
}

/**
 * Buffers a value may share that no run owns, so none may hand them to the float32 pool: the
 * feeds', the initializers' and node attributes' (a Constant returns its attribute tensor itself,
 * run after run). Also the training engine's rule when it recycles a tape (train/backprop.ts).
 */
export function keptBuffers(graph: Graph, feeds: Iterable<Tensor>): Set<unknown> {
  const kept = new Set<unknown>([...graph.initializers.values(), ...feeds].map((t) => storageOf(t.data)));
  for (const node of graph.nodes) {
    for (const attr of Object.values(node.attrs)) if (attr.kind === 'tensor') kept.add(storageOf(attr.value.data));
  }
  return kept;
}

/**
 * Hands a dead intermediate's buffer to the float32 pool (ir/buffer-pool.ts), which the next
 * node's output then takes: fresh multi-megabyte arrays cost page faults and collections (a
 * ResNet-8 batch-32 forward ~10% of its CPU). Not when a live value still shares it (Reshape,
 * Flatten and Identity return views of their input) or it is one of `kept`.
 */
function recycleDead(dead: Tensor, live: Map<string, Tensor>, kept: Set<unknown>): void {
  if (!(dead.data instanceof Float32Array)) return;
  const storage = storageOf(dead.data);
  if (kept.has(storage)) return;
  for (const t of live.values()) if (storageOf(t.data) === storage) return;
  giveFloat32(dead.data);
}

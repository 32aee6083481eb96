/**
 * Shape and dtype inference over the whole graph: walks nodes in order, asks each op for its output
 * types, and propagates constant contents where an op's inputs are all known (so the Shape ->
 * Gather -> Concat -> Reshape chains exporters write resolve to concrete shapes).
 */
import { ModelError, describeNode } from '../errors.js';
import type { Graph, Node } from '../ir/graph.js';
import { MAX_ELEMENTS, sizeOf, type KnownValue, type Tensor, type ValueType } from '../ir/tensor.js';
import { resolveAttrs } from '../ops/op-def.js';
import { opOf } from '../ops/registry.js';
import { runNode } from './run-graph.js';

export { MAX_ELEMENTS } from '../ir/tensor.js';

/** Constant values below this size are propagated (enough for any shape computation). */
const MAX_PROPAGATED = 4096;

/**
 * Fills `graph.types` for every node output. Throws ModelError naming the node on unsupported ops
 * or inconsistent shapes. Returns the constants it could compute (value name -> tensor).
 */
export function inferTypes(graph: Graph): Map<string, Tensor> {
  const known = new Map<string, Tensor>(graph.initializers);
  for (const input of graph.inputs) graph.types.set(input.name, { dtype: input.dtype, shape: [...input.shape] });
  for (const [name, t] of graph.initializers) graph.types.set(name, { dtype: t.dtype, shape: [...t.shape] });

  for (const node of graph.nodes) {
    const inputs: (KnownValue | undefined)[] = node.inputs.map((name) => {
      if (name === '') return undefined;
      const type = graph.types.get(name);
      if (!type) throw new ModelError(`${describeNode(node)} reads "${name}", which has no known type`);
      const value = known.get(name);
      return value ? { ...type, value } : type;
    });
    const outTypes = inferNode(node, inputs);
    node.outputs.forEach((name, i) => {
      if (name === '') return;
      const t = outTypes[i];
      if (!t) throw new ModelError(`${describeNode(node)} has an output "${name}" that the op does not produce`);
      checkSize(node, name, t);
      graph.types.set(name, { dtype: t.dtype, shape: t.shape });
      // Ops whose output is known from types alone (Shape, Constant) hand the value along.
      if (t.value) known.set(name, t.value);
    });

    const allKnown = inputs.every((v) => v === undefined || v.value !== undefined);
    const small = outTypes.every((t) => sizeOf(t.shape) <= MAX_PROPAGATED);
    if (allKnown && small && node.inputs.length > 0) {
      const values = runNode(node, inputs.map((v) => v?.value));
      node.outputs.forEach((name, i) => name !== '' && known.set(name, values[i]!));
    }
  }
  return known;
}

/** Output types of one node. */
export function inferNode(node: Node, inputs: (KnownValue | undefined)[]): KnownValue[] {
  const op = opOf(node);
  if (!op) throw new ModelError(`${describeNode(node)}: unsupported op${node.domain ? ` in domain "${node.domain}"` : ''}`);
  const present = inputs.length;
  if (present < op.inputs.min || present > op.inputs.max) {
    throw new ModelError(`${describeNode(node)} has ${present} inputs, the op takes ${op.inputs.min} to ${op.inputs.max}`);
  }
  for (let i = 0; i < op.inputs.min; i++) {
    if (inputs[i] === undefined) throw new ModelError(`${describeNode(node)}: required input ${i} is missing`);
  }
  if (node.outputs.length < op.outputs.min || node.outputs.length > op.outputs.max) {
    throw new ModelError(`${describeNode(node)} has ${node.outputs.length} outputs, the op gives ${op.outputs.min} to ${op.outputs.max}`);
  }
  return op.inferTypes(inputs, resolveAttrs(op.attrs, node), node);
}

function checkSize(node: Node, name: string, t: ValueType): void {
  for (const d of t.shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ModelError(`${describeNode(node)}: output "${name}" has an invalid dimension ${d}`);
    }
  }
  if (sizeOf(t.shape) > MAX_ELEMENTS) {
    throw new ModelError(`${describeNode(node)}: output "${name}" would have ${sizeOf(t.shape)} elements, more than 2^31`);
  }
}

/**
 * What the legacy-form upgrades (upgrade-legacy-forms.ts, upgrade-legacy-semantics.ts,
 * upgrade-opsets-1-to-6.ts) share: what they know about values before shape inference, fresh
 * names, and attribute helpers.
 *
 * Upgrades run in topological order, so every node a value depends on is already in canonical
 * form when an upgrade asks for that value's type: `typeFor` can then infer it over just those
 * nodes. Only the opset 1-6 rewrites need this (a broadcast `axis` counts from the front of the
 * other operand, so its rank decides the rewrite).
 */
import { ModelError, describeNode } from '../errors.js';
import { inferTypes } from '../engine/infer-types.js';
import { addInitializer, freshName, type AttrValue, type Graph, type Node } from '../ir/graph.js';
import { makeTensor, type DType, type ValueType } from '../ir/tensor.js';

/** What an upgrade may use: the graph (for fresh names) and what is known before inference. */
export interface UpgradeContext {
  graph: Graph;
  /** Rank of a value when it is known without shape inference. */
  rankOf(value: string): number | undefined;
  /** dtype of a value when known without shape inference. */
  dtypeOf(value: string): DType | undefined;
  /** Adds an int64 1-D constant named after the node; returns its value name. */
  int64s(node: Node, base: string, values: number[]): string;
  /** A fresh value or node name. */
  fresh(base: string): string;
  /**
   * dtype and shape of `value`: declared (graph inputs, initializers) or inferred over the nodes
   * it depends on. Throws a ModelError naming `node` and saying `why` it was needed otherwise.
   */
  typeFor(node: Node, value: string, why: string): ValueType;
}

export function makeContext(graph: Graph): UpgradeContext {
  const producer = new Map<string, Node>();
  for (const n of graph.nodes) for (const o of n.outputs) producer.set(o, n);
  const FIXED_RANK_2 = new Set(['Gemm', 'Flatten']);
  // Types inferred by typeFor; a value's type never changes once its producer is upgraded.
  const inferred = new Map<string, ValueType>();
  return {
    graph,
    rankOf(value) {
      const known = graph.types.get(value);
      if (known) return known.shape.length;
      const p = producer.get(value);
      return p && p.domain === '' && FIXED_RANK_2.has(p.op) && p.outputs[0] === value ? 2 : undefined;
    },
    dtypeOf: (value) => graph.types.get(value)?.dtype,
    int64s: (node, base, values) => addInitializer(graph, `${node.name}_${base}`, makeTensor('int64', [values.length], values)),
    fresh: (base) => freshName(graph, base),
    typeFor(node, value, why) {
      const known = graph.types.get(value) ?? inferred.get(value);
      if (known) return known;
      try {
        const sub: Graph = { ...graph, nodes: ancestorsOf(graph.nodes, value), types: new Map(graph.types) };
        inferTypes(sub);
        for (const [name, type] of sub.types) if (!graph.types.has(name)) inferred.set(name, type);
      } catch (e) {
        if (!(e instanceof ModelError)) throw e;
        throw new ModelError(`${describeNode(node)}: the shape of "${value}" is needed ${why}, and cannot be inferred (${e.message})`);
      }
      const type = inferred.get(value);
      if (!type) throw new ModelError(`${describeNode(node)}: the shape of "${value}" is needed ${why}, and no node computes it`);
      return type;
    },
  };
}

/** The nodes `value` depends on, in their order in `nodes`. */
function ancestorsOf(nodes: Node[], value: string): Node[] {
  const producer = new Map<string, Node>();
  for (const n of nodes) for (const o of n.outputs) if (o !== '') producer.set(o, n);
  const needed = new Set<Node>();
  const pending = [value];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    const p = producer.get(name);
    if (!p || needed.has(p)) continue;
    needed.add(p);
    pending.push(...p.inputs.filter((i) => i !== ''));
  }
  return nodes.filter((n) => needed.has(n));
}

/** The attribute as a list of numbers (an exporter may write a single int where ints are meant). */
export function numbers(attr: AttrValue | undefined): number[] | undefined {
  if (!attr) return undefined;
  if (attr.kind === 'ints' || attr.kind === 'floats') return attr.value;
  if (attr.kind === 'int' || attr.kind === 'float') return [attr.value];
  return undefined;
}

export function scalarAttr(attr: AttrValue | undefined): number | undefined {
  return attr && (attr.kind === 'float' || attr.kind === 'int') ? attr.value : undefined;
}

/** A copy of `node` without the named attributes, with new inputs. */
export function rebuild(node: Node, inputs: string[], drop: string[], add: Record<string, AttrValue> = {}): Node {
  const attrs = { ...node.attrs };
  for (const name of drop) delete attrs[name];
  while (inputs.length > 0 && inputs[inputs.length - 1] === '') inputs.pop();
  return { ...node, inputs, attrs: { ...attrs, ...add } };
}


/**
 * What the legacy-form upgrades (upgrade-legacy-forms.ts, upgrade-legacy-semantics.ts) share: the
 * little they know about values before shape inference, fresh names, and attribute helpers.
 */
import { addInitializer, freshName, type AttrValue, type Graph, type Node } from '../ir/graph.js';
import { makeTensor, type DType } from '../ir/tensor.js';

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
}

export function makeContext(graph: Graph): UpgradeContext {
  const producer = new Map<string, Node>();
  for (const n of graph.nodes) for (const o of n.outputs) producer.set(o, n);
  const FIXED_RANK_2 = new Set(['Gemm', 'Flatten']);
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
  };
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


/**
 * Pass: eliminate-dead-code.
 *
 * Before: nodes whose outputs nobody reads (and that are not graph outputs), initializers nobody
 *         reads, `graph.types` entries of values that no longer exist.
 * After:  all of those gone. Graph inputs stay even when unused: they are the model's interface,
 *         and a caller feeding them must not break.
 *
 * Walks the nodes from last to first so a whole dead chain goes in one call: a node is live when
 * a graph output or a live node reads one of its outputs. ONNX inference ops have no side effects,
 * so nothing else keeps a node alive. Never declines; it just finds nothing.
 */
import type { Graph } from '../ir/graph.js';
import { dropStaleTypes } from './graph-edit.js';

export function eliminateDeadCode(graph: Graph): boolean {
  const needed = new Set<string>(graph.outputs.map((o) => o.name));
  const live = new Array<boolean>(graph.nodes.length).fill(false);
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i]!;
    if (!node.outputs.some((o) => o !== '' && needed.has(o))) continue;
    live[i] = true;
    for (const input of node.inputs) if (input !== '') needed.add(input);
  }

  const nodesBefore = graph.nodes.length;
  graph.nodes = graph.nodes.filter((_, i) => live[i]);
  let changed = graph.nodes.length !== nodesBefore;
  for (const name of [...graph.initializers.keys()]) {
    if (!needed.has(name)) {
      graph.initializers.delete(name);
      changed = true;
    }
  }
  const typesBefore = graph.types.size;
  dropStaleTypes(graph);
  return changed || graph.types.size !== typesBefore;
}

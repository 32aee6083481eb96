/**
 * Orders nodes so every value is written before it is read (Kahn's algorithm, stable: among ready
 * nodes the one earliest in the file goes first, so the order users see stays the exporter's).
 */
import { ModelError, describeNode } from '../errors.js';
import type { Graph, Node } from './graph.js';

export function toposort(graph: Graph): Node[] {
  const available = new Set<string>(['', ...graph.initializers.keys(), ...graph.inputs.map((i) => i.name)]);
  const writer = new Map<string, number>();
  graph.nodes.forEach((n, i) => n.outputs.forEach((o) => o !== '' && writer.set(o, i)));

  const waitingOn = graph.nodes.map(() => 0);
  const readers = new Map<string, number[]>();
  graph.nodes.forEach((n, i) => {
    for (const input of new Set(n.inputs)) {
      if (available.has(input)) continue;
      if (!writer.has(input)) {
        throw new ModelError(`${describeNode(n)} reads "${input}", which no node, input or initializer defines`);
      }
      waitingOn[i]!++;
      readers.set(input, [...(readers.get(input) ?? []), i]);
    }
  });

  const ready = graph.nodes.map((_, i) => i).filter((i) => waitingOn[i] === 0);
  const order: Node[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const i = ready.shift()!;
    const node = graph.nodes[i]!;
    order.push(node);
    for (const o of node.outputs) {
      for (const r of readers.get(o) ?? []) if (--waitingOn[r]! === 0) ready.push(r);
    }
  }
  if (order.length !== graph.nodes.length) {
    const stuck = graph.nodes.find((_, i) => waitingOn[i]! > 0)!;
    throw new ModelError(`the graph has a cycle through ${describeNode(stuck)}`);
  }
  return order;
}

/**
 * Residual Adds computed inside the Conv that feeds them, in runGraph's forward: clamp(conv(x) +
 * shortcut) by the Add's fused Relu/Clip, in the conv's own kernel call (its op's
 * forwardWithResidual), on each image's output while it is still in cache (wasm/src/elementwise.c
 * add_residual), instead of a pass of its own over three tensors. Bit for bit what the two nodes
 * give: the same float32 operations in the same order. Not an IR pass: the graph keeps its nodes
 * (the integer pipeline, C and cost model see them unchanged); only the fp32 engine schedules the
 * pair as one.
 *
 * A node qualifies when its op has forwardWithResidual (Conv), its one output is read by nothing
 * but the Add (and is no graph output), it has no fused activation of its own, and the Add's other
 * input (the shortcut) exists by the time the Conv runs: produced by an earlier node, a graph
 * input or an initializer. In a ResNet block that is the later of the two convs reaching the Add
 * (PyTorch exports the shortcut conv after the block's second conv). When the kernels do not take
 * a pair (no WebAssembly, a depthwise conv, shapes that differ), the engine runs both nodes as usual.
 */
import type { Graph, Node } from '../ir/graph.js';
import { opOf } from '../ops/registry.js';

export interface ResidualFusion {
  /** The Add the conv's output goes to: its output is what the fused call produces. */
  add: Node;
  /** The Add's other input, added in the conv's epilogue. */
  shortcut: string;
}

/** The Conv nodes of `graph` that compute their Add, each with its fusion. */
export function planResidualFusions(graph: Graph): Map<Node, ResidualFusion> {
  const producedAt = new Map<string, number>();
  graph.nodes.forEach((node, i) => node.outputs.forEach((name) => name !== '' && producedAt.set(name, i)));
  const readers = new Map<string, number>();
  for (const node of graph.nodes) for (const name of node.inputs) readers.set(name, (readers.get(name) ?? 0) + 1);
  const graphOutputs = new Set(graph.outputs.map((o) => o.name));

  const plan = new Map<Node, ResidualFusion>();
  for (const add of graph.nodes) {
    if (add.op !== 'Add' || add.domain !== '' || add.inputs.length !== 2 || add.inputs[0] === add.inputs[1]) continue;
    if (add.inputs.includes('')) continue;
    // The later-produced input is the conv to fuse into; the other must exist by then.
    const [first, second] = [...add.inputs].sort((a, b) => (producedAt.get(a) ?? -1) - (producedAt.get(b) ?? -1)) as [string, string];
    const at = producedAt.get(second);
    if (at === undefined) continue;
    const conv = graph.nodes[at]!;
    const fusable = opOf(conv)?.forwardWithResidual !== undefined && conv.outputs.length === 1 && !conv.activation &&
      readers.get(second) === 1 && !graphOutputs.has(second) && (producedAt.get(first) ?? -1) < at;
    if (fusable) plan.set(conv, { add, shortcut: first });
  }
  return plan;
}

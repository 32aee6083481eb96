/**
 * Pass: fuse-matmul-add.
 *
 * Before: MatMul(x, W) -> t -> Add(t, c) -> y      (or Add(c, t))
 * After:  Gemm(x, W, c) -> y                        (alpha = beta = 1, no transposes)
 *
 * This is how TensorFlow exporters (and PyTorch's Linear on some paths) write a dense layer; one
 * Gemm is one layer for quantization and code generation, with its bias in int32 beside it.
 *
 * Preconditions (otherwise both nodes stay):
 * - x is 2-D and W a constant 2-D [K, N] (Gemm is 2-D only; a batched MatMul stays a MatMul);
 * - c is a constant that Gemm's C can take: it broadcasts to t's shape [M, N] without enlarging
 *   it (shape [], [N], [1, N], [M, 1] or [M, N]), i.e. the Add's output shape is t's shape;
 * - t is read by the Add alone and is not a graph output; the MatMul has no fused activation
 *   (an activation on the Add moves to the Gemm, which then writes the Add's output).
 */
import type { Graph, Node } from '../ir/graph.js';
import { constantOf, dropStaleTypes, onlyReadBy, removeNodes, replaceNode } from './graph-edit.js';

export function fuseMatMulAdd(graph: Graph): boolean {
  let changed = false;
  for (const add of [...graph.nodes]) {
    if (add.op !== 'Add' || add.domain !== '' || add.inputs.length !== 2) continue;
    const match = matchMatMul(graph, add);
    if (!match) continue;
    const { matmul, bias } = match;
    const gemm: Node = {
      name: matmul.name,
      op: 'Gemm',
      domain: '',
      inputs: [matmul.inputs[0]!, matmul.inputs[1]!, bias],
      outputs: [add.outputs[0]!],
      attrs: {},
      ...(add.activation ? { activation: add.activation } : {}),
      ...(matmul.meta ? { meta: { ...matmul.meta } } : {}),
    };
    graph.types.delete(matmul.outputs[0]!);
    replaceNode(graph, matmul, gemm);
    removeNodes(graph, add);
    changed = true;
  }
  if (changed) dropStaleTypes(graph);
  return changed;
}

function matchMatMul(graph: Graph, add: Node): { matmul: Node; bias: string } | undefined {
  for (const side of [0, 1]) {
    const t = add.inputs[side]!;
    const bias = add.inputs[1 - side]!;
    const matmul = graph.nodes.find((n) => n.outputs[0] === t);
    if (!matmul || matmul.op !== 'MatMul' || matmul.domain !== '' || matmul.activation) continue;
    if (!onlyReadBy(graph, t, add)) continue;
    const x = graph.types.get(matmul.inputs[0]!);
    const w = constantOf(graph, matmul.inputs[1]!);
    const c = constantOf(graph, bias);
    const tType = graph.types.get(t);
    const yType = graph.types.get(add.outputs[0]!);
    if (!x || !w || !c || !tType || !yType) continue;
    if (x.shape.length !== 2 || w.shape.length !== 2 || x.dtype !== 'float32' || c.dtype !== 'float32') continue;
    if (!sameShape(yType.shape, tType.shape) || !gemmBroadcastable(c.shape, tType.shape)) continue;
    return { matmul, bias };
  }
  return undefined;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Gemm's C is unidirectionally broadcast to [M, N]: rank <= 2, each dim 1 or the output's. */
function gemmBroadcastable(c: readonly number[], out: readonly number[]): boolean {
  if (c.length > 2) return false;
  const tail = out.slice(out.length - c.length);
  return c.every((d, i) => d === 1 || d === tail[i]);
}

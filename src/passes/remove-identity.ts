/**
 * Pass: remove-identity.
 *
 * Before: x -> Identity -> y,  or  x -> Dropout (inference) -> y [, mask]
 * After:  readers of y read x. When y is a graph output, x's producer writes y instead, so the
 *         graph keeps its output names.
 *
 * Preconditions (otherwise the node stays):
 * - Dropout: `training_mode` is absent or a constant false, or `ratio` is a constant 0 (in
 *   training mode it drops values), and the `mask` output, if any, is unused;
 * - when y is a graph output: x is written by a node and is neither a graph input, an
 *   initializer nor another graph output (then an Identity is the only way to have both names).
 */
import type { Graph, Node } from '../ir/graph.js';
import { bypassNode, constantScalar, dropStaleTypes, isUsed } from './graph-edit.js';

export function removeIdentity(graph: Graph): boolean {
  let changed = false;
  for (const node of [...graph.nodes]) {
    if (!isPassThrough(graph, node)) continue;
    const input = node.inputs[0];
    const output = node.outputs[0];
    if (input === undefined || input === '' || output === undefined || output === '') continue;
    if (bypassNode(graph, node, input, output)) changed = true;
  }
  if (changed) dropStaleTypes(graph);
  return changed;
}

function isPassThrough(graph: Graph, node: Node): boolean {
  if (node.domain !== '') return false;
  if (node.op === 'Identity') return true;
  if (node.op !== 'Dropout') return false;
  // Training mode passes data through unchanged only with a ratio of 0 (the default is 0.5).
  const trainingMode = node.inputs[2];
  if (trainingMode !== undefined && trainingMode !== '' && constantScalar(graph, trainingMode) !== 0) {
    const ratio = node.inputs[1];
    if (ratio === undefined || ratio === '' || constantScalar(graph, ratio) !== 0) return false;
  }
  const mask = node.outputs[1];
  return mask === undefined || mask === '' || !isUsed(graph, mask);
}

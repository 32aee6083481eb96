/**
 * Pass: lower-batch-norm.
 *
 * Before: x -> BatchNormalization(x, scale, bias, mean, var) -> y   (nothing to fold it into)
 * After:  x -> ChannelAffine(x, a, b) -> y   (com.edgec, see ops/channel-affine.ts)
 *         with a = scale / sqrt(var + eps), b = bias - mean * a, and node.meta.batchNorm = the
 *         BN's statistics. The node keeps its name and output name.
 *
 * Run after fold-batch-norm, so only BNs with no foldable producer are lowered (one that follows
 * a graph input, an Add, a pool, a layer whose output has other readers...). Downstream stages
 * then handle one per-channel op instead of BN's five-input form with its training-mode outputs.
 *
 * Preconditions (otherwise the BN stays): inference mode, constant parameters of length C, the
 * running-statistics outputs unused (batch-norm-params.ts).
 */
import { addInitializer, EDGEC_DOMAIN, type Graph, type Node } from '../ir/graph.js';
import { makeTensor } from '../ir/tensor.js';
import { batchNormAffine } from './batch-norm-params.js';
import { dropStaleTypes, replaceNode } from './graph-edit.js';

export function lowerBatchNorm(graph: Graph): boolean {
  let changed = false;
  for (const bn of [...graph.nodes]) {
    const affine = batchNormAffine(graph, bn);
    if (!affine) continue;
    const dtype = graph.types.get(bn.inputs[0]!)!.dtype;
    const affineNode: Node = {
      name: bn.name,
      op: 'ChannelAffine',
      domain: EDGEC_DOMAIN,
      inputs: [
        bn.inputs[0]!,
        addInitializer(graph, `${bn.name}_scale`, makeTensor(dtype, [affine.a.length], affine.a)),
        addInitializer(graph, `${bn.name}_shift`, makeTensor(dtype, [affine.b.length], affine.b)),
      ],
      outputs: [bn.outputs[0]!],
      attrs: {},
      ...(bn.activation ? { activation: bn.activation } : {}),
      meta: { ...bn.meta, batchNorm: affine.stats },
    };
    replaceNode(graph, bn, affineNode);
    changed = true;
  }
  if (changed) dropStaleTypes(graph);
  return changed;
}

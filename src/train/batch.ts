/**
 * Rebinding the batch dimension of a loaded graph, for training and synthesis at batch N of a
 * model exported (or bound) at batch 1. Ops compute from the tensors they get, so only two things
 * hold a batch size: the graph inputs' declared shapes, and constant Reshape targets that copied
 * it (PyTorch's `x.view(x.size(0), -1)` folds to [1, -1]). Such a leading entry becomes 0, ONNX's
 * "copy this dimension from the input", when the Reshape's input leads with the batch too; then
 * shapes are inferred again, which fails with the node's name if some other op fixed the batch.
 */
import { ModelError } from '../errors.js';
import { inferTypes } from '../engine/infer-types.js';
import { addInitializer, cloneGraph, type Graph } from '../ir/graph.js';
import { makeTensor } from '../ir/tensor.js';

export function withBatch(graph: Graph, batch: number): Graph {
  if (!Number.isInteger(batch) || batch < 1) throw new ModelError(`batch size ${batch} must be a positive integer`);
  const out = cloneGraph(graph);
  const old = graph.inputs[0]?.shape[0];
  if (old === undefined) throw new ModelError(`graph "${graph.name}" has no input with a batch dimension`);
  for (const input of out.inputs) {
    if (input.shape[0] !== old) throw new ModelError(`graph inputs disagree on the batch size (${input.name} has [${input.shape.join(', ')}])`);
    input.shape = [batch, ...input.shape.slice(1)];
  }
  for (const node of out.nodes) {
    if (node.op !== 'Reshape' || node.domain !== '') continue;
    const target = out.initializers.get(node.inputs[1] ?? '');
    const inputShape = out.types.get(node.inputs[0] ?? '')?.shape;
    if (!target || target.data[0] !== old || inputShape?.[0] !== old || node.attrs.allowzero?.value === 1) continue;
    const copied = makeTensor(target.dtype, target.shape, target.data);
    copied.data[0] = 0;
    node.inputs[1] = addInitializer(out, `${node.inputs[1]}_batch`, copied);
  }
  const known = new Set([...out.inputs.map((v) => v.name), ...out.initializers.keys()]);
  for (const name of [...out.types.keys()]) if (!known.has(name)) out.types.delete(name);
  inferTypes(out);
  out.outputs = out.outputs.map((o) => ({ ...o, shape: [...out.types.get(o.name)!.shape] }));
  return out;
}

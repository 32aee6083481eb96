/**
 * One forward+backward pass of a graph for the benchmark, through the training engine
 * (src/train/backprop.ts): the forward keeps its tape, then gradients flow from the outputs
 * (seeded with a fixed random dL/dy, as a loss would give) to every float initializer and to the
 * input, as data-free distillation needs both.
 */
import type { Graph } from '../src/ir/graph.js';
import { makeTensor, type Tensor } from '../src/ir/tensor.js';
import { backward, forwardWithTape, recycleTape } from '../src/train/backprop.js';
import { rng } from '../src/util/random.js';

export function trainingStep(graph: Graph, inputName: string, input: Tensor): () => void {
  const r = rng(7);
  const seeds = new Map(graph.outputs.map((o) => {
    const shape = graph.types.get(o.name)!.shape;
    return [o.name, makeTensor('float32', shape, Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r() - 0.5))] as const;
  }));
  const wrt = [inputName, ...[...graph.initializers].filter(([, t]) => t.dtype === 'float32').map(([name]) => name)];
  return () => {
    const tape = forwardWithTape(graph, { [inputName]: input });
    backward(tape, seeds, wrt);
    // As a training loop does once the step's values are used: the next forward reuses the buffers.
    recycleTape(tape);
  };
}

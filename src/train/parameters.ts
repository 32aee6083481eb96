/**
 * Trainable parameters: which initializers train, their current values (copies, so training never
 * changes the loaded graph) and one training step's plumbing: forward with tape, loss, backward,
 * gradients into the parameters (and, when asked, into graph inputs, for synthetic data).
 */
import { giveFloat32, storageOf } from '../ir/buffer-pool.js';
import type { Graph } from '../ir/graph.js';
import { makeTensor, type Tensor } from '../ir/tensor.js';
import { backward, forwardWithTape, type Tape, type ValueTransform } from './backprop.js';

export interface Parameter {
  name: string;
  /** The current value; optimisers update its data in place. */
  value: Tensor;
  /** dLoss/dValue of the last step, same length as value.data. */
  grad: Float32Array;
}

/** Inputs that hold settings of the model, not weights: never trained by default. */
const SETTING_INPUTS: Record<string, number[]> = { Resize: [1, 2], Clip: [1, 2], Range: [0, 1, 2] };

/**
 * The float32 initializers read by some node as a weight-like input (the default selection
 * leaves out Resize's roi and scales and Clip's bounds), narrowed by `include` when given.
 * Parameters are listed in initializer order, so optimiser state lines up run after run.
 */
export function selectParameters(graph: Graph, include?: (name: string, value: Tensor) => boolean): Parameter[] {
  const weightLike = new Set<string>();
  for (const node of graph.nodes) {
    node.inputs.forEach((name, i) => {
      if (!SETTING_INPUTS[node.op]?.includes(i)) weightLike.add(name);
    });
  }
  const out: Parameter[] = [];
  for (const [name, t] of graph.initializers) {
    if (t.dtype !== 'float32' || !weightLike.has(name) || (include && !include(name, t))) continue;
    out.push({ name, value: makeTensor(t.dtype, t.shape, t.data), grad: new Float32Array(t.data.length) });
  }
  return out;
}

/** What a loss function returns: its value and dLoss/dValue for the values it read. */
export interface LossResult {
  value: number;
  grads: Map<string, Tensor>;
}

export interface StepOptions {
  /** Graph inputs whose gradients to return (synthetic-data optimisation). */
  inputGrads?: string[];
  transforms?: ReadonlyMap<string, ValueTransform>;
}

/**
 * One forward and backward pass: runs the graph with the parameters' current values, applies
 * `loss` to the tape's values, and stores each parameter's gradient in `param.grad`. Returns the
 * loss, the requested input gradients and the tape (for losses on intermediate values).
 */
export function computeGradients(
  graph: Graph,
  feeds: Record<string, Tensor>,
  params: readonly Parameter[],
  loss: (values: Map<string, Tensor>) => LossResult,
  options: StepOptions = {},
): { loss: number; inputGrads: Map<string, Tensor>; tape: Tape } {
  const parameters = new Map(params.map((p) => [p.name, p.value]));
  const tape = forwardWithTape(graph, feeds, { parameters, ...(options.transforms ? { transforms: options.transforms } : {}) });
  const result = loss(tape.values);
  const inputs = options.inputGrads ?? [];
  const grads = backward(tape, result.grads, [...params.map((p) => p.name), ...inputs]);
  for (const p of params) p.grad.set(grads.get(p.name)!.data);
  const inputGrads = new Map(inputs.map((name) => [name, grads.get(name)!]));
  // The parameters' gradient tensors were copied into p.grad: their buffers serve the next step.
  const returned = new Set([...inputGrads.values()].map((g) => storageOf(g.data)));
  for (const p of params) {
    const data = grads.get(p.name)!.data;
    if (data instanceof Float32Array && !returned.has(storageOf(data))) giveFloat32(data);
  }
  return { loss: result.value, inputGrads, tape };
}

/**
 * The inner loop every synthesis method shares: Adam on the pixels of one batch of inputs (the
 * teacher's weights stay fixed), a cosine learning-rate schedule, the image priors, and a
 * projection back into the input domain after every step. The method supplies the objective on
 * the teacher's values (BN statistics, class logits, penultimate features...) as seeds for
 * backward: dLoss/dValue by value name.
 */
import { InternalError } from '../../errors.js';
import type { Graph } from '../../ir/graph.js';
import { makeTensor, type Tensor } from '../../ir/tensor.js';
import { backward, forwardWithTape } from '../../train/backprop.js';
import { adam } from '../../train/optimizers.js';
import { cosineSchedule } from '../../train/schedule.js';
import { addPriors, clampInto, type PriorWeights } from './priors.js';

export interface ObjectiveResult {
  value: number;
  /** dLoss/dValue for the teacher values the objective read. */
  seeds: Map<string, Tensor>;
}

/** The method's loss at `step` on the teacher's values for the current inputs. */
export type Objective = (values: Map<string, Tensor>, step: number) => ObjectiveResult;

export interface BatchOptions {
  steps: number;
  /** Peak learning rate, in units of the input range. */
  learningRate: number;
  range: [number, number];
  priors: PriorWeights;
  objective: Objective;
  /** Called after every step with the total loss (objective + priors). */
  onStep?: (step: number, loss: number) => void;
  signal?: AbortSignal;
}

/**
 * Optimises `x` (the batch's inputs, updated in place) on `graph` (bound to the batch size).
 * Returns the teacher's values at the final inputs (for class balance and centroid estimates).
 */
export function optimizeBatch(graph: Graph, x: Float32Array, o: BatchOptions): Map<string, Tensor> {
  const input = graph.inputs[0];
  if (!input || x.length !== input.shape.reduce((a, b) => a * b, 1)) throw new InternalError('synthesis: batch does not match the graph input');
  const value = makeTensor('float32', input.shape, x);
  const data = value.data as Float32Array;
  const pixels = { value, grad: new Float32Array(x.length) };
  const optimizer = adam([pixels]);
  const width = o.range[1] - o.range[0];
  const lr = o.steps > 1 ? cosineSchedule({ base: o.learningRate * width, totalSteps: o.steps, warmupSteps: 0, min: 0.05 * o.learningRate * width }) : () => o.learningRate * width;
  for (let step = 0; step < o.steps; step++) {
    o.signal?.throwIfAborted();
    const tape = forwardWithTape(graph, { [input.name]: value });
    const objective = o.objective(tape.values, step);
    const grads = backward(tape, objective.seeds, [input.name]);
    pixels.grad.set(grads.get(input.name)!.data);
    const prior = addPriors(data, input.shape, o.range, o.priors, pixels.grad);
    optimizer.step(lr(step));
    clampInto(data, o.range);
    o.onStep?.(step, objective.value + prior);
  }
  // value.data may be a copy made by makeTensor: hand the result back to the caller's array.
  x.set(data);
  return forwardWithTape(graph, { [input.name]: value }).values;
}

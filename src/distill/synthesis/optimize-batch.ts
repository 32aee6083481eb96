/**
 * The inner loop every synthesis method shares: Adam on the pixels of one batch of inputs (the
 * teacher's weights stay fixed), a cosine learning-rate schedule, the image priors, and a
 * projection back into the input domain after every step. Image-like inputs may be optimised on a
 * coarser grid and shifted at random every step (parametrize.ts). The method supplies the objective on
 * the teacher's values (BN statistics, class logits, penultimate features...) as seeds for
 * backward: dLoss/dValue by value name.
 */
import { InternalError } from '../../errors.js';
import type { Graph } from '../../ir/graph.js';
import { makeTensor, type Tensor } from '../../ir/tensor.js';
import { backward, forwardWithTape, recycleTape } from '../../train/backprop.js';
import { adam } from '../../train/optimizers.js';
import { cosineSchedule } from '../../train/schedule.js';
import type { Random } from '../../util/random.js';
import { lowResolution, roll } from './parametrize.js';
import { addPriors, clampInto, initialInputs, type PriorWeights } from './priors.js';

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
  /** Image-like inputs: optimise on a grid this many times coarser per spatial axis (1: pixels). */
  resolutionFactor: number;
  /** Image-like inputs: largest random circular shift per step, rows and columns (0: none). */
  jitter: [number, number];
  /** Each sample starts around, and is held by the L2 prior to, its own random level in the range. */
  randomLevels?: boolean;
  /** Draws the starting points and the shifts. */
  random: Random;
  /** Called after every step with the total loss (objective + priors). */
  onStep?: (step: number, loss: number) => void;
  signal?: AbortSignal;
}

/**
 * Optimises one batch of inputs of `graph` (bound to the batch size), starting from smooth noise,
 * and writes them into `x`. Returns the teacher's values at the final, unshifted inputs (for class
 * balance and centroid estimates).
 */
export function optimizeBatch(graph: Graph, x: Float32Array, o: BatchOptions): Map<string, Tensor> {
  const input = graph.inputs[0];
  if (!input || x.length !== input.shape.reduce((a, b) => a * b, 1)) throw new InternalError('synthesis: batch does not match the graph input');
  const coarse = lowResolution(input.shape, o.resolutionFactor);
  const paramShape = coarse?.shape ?? input.shape;
  const levels = o.randomLevels ? Float32Array.from({ length: paramShape[0]! }, () => o.range[0] + (o.range[1] - o.range[0]) * o.random()) : undefined;
  const z = initialInputs(1, paramShape, o.range, o.random, levels);
  const pixels = { value: makeTensor('float32', paramShape, z), grad: new Float32Array(z.length) };
  const params = pixels.value.data as Float32Array;
  const seen = makeTensor('float32', input.shape);
  const shifted = seen.data as Float32Array;
  const gradX = new Float32Array(x.length);
  const optimizer = adam([pixels]);
  const width = o.range[1] - o.range[0];
  const lr = o.steps > 1 ? cosineSchedule({ base: o.learningRate * width, totalSteps: o.steps, warmupSteps: 0, min: 0.05 * o.learningRate * width }) : () => o.learningRate * width;
  const expand = () => (coarse ? coarse.expand(params, x) : x.set(params));
  const shiftable = input.shape.length >= 4 && (o.jitter[0] > 0 || o.jitter[1] > 0);
  for (let step = 0; step < o.steps; step++) {
    o.signal?.throwIfAborted();
    expand();
    const dy = shiftable ? Math.floor(o.random() * (2 * o.jitter[0] + 1)) - o.jitter[0] : 0;
    const dx = shiftable ? Math.floor(o.random() * (2 * o.jitter[1] + 1)) - o.jitter[1] : 0;
    if (dy !== 0 || dx !== 0) roll(x, input.shape, dy, dx, shifted);
    else shifted.set(x);
    const tape = forwardWithTape(graph, { [input.name]: seen });
    const objective = o.objective(tape.values, step);
    const grads = backward(tape, objective.seeds, [input.name]);
    const g = grads.get(input.name)!.data as Float32Array;
    if (dy !== 0 || dx !== 0) roll(g, input.shape, -dy, -dx, gradX);
    else gradX.set(g);
    recycleTape(tape); // read no more: the next step's forward reuses its buffers
    const prior = addPriors(x, input.shape, o.range, o.priors, gradX, levels);
    if (coarse) coarse.reduce(gradX, pixels.grad);
    else pixels.grad.set(gradX);
    optimizer.step(lr(step));
    clampInto(params, o.range);
    o.onStep?.(step, objective.value + prior);
  }
  expand();
  shifted.set(x);
  return forwardWithTape(graph, { [input.name]: seen }).values;
}

/**
 * Quantization-aware distillation: trains the quantized student (student.ts) to match the fp32
 * teacher (objective.ts) on mini-batches of the given samples (synthetic, or the user's --calib
 * data), with Adam on weights and step sizes and a cosine learning-rate schedule with a short
 * warmup, then hands the trained weights and step sizes (the last step's, or with `averageDecay`
 * their moving average) to export.ts.
 *
 * Deterministic: batches are drawn by a seeded shuffle (src/util/random.ts), the teacher runs the
 * fp32 engine, and the optimisers are plain arithmetic, so the same seed gives the same weights.
 */
import { UsageError } from '../../errors.js';
import { runGraph } from '../../engine/run-graph.js';
import type { Graph } from '../../ir/graph.js';
import { makeTensor, sizeOf, type Tensor } from '../../ir/tensor.js';
import type { BitPolicy } from '../../pipeline/bit-policy.js';
import type { QModel } from '../../quant/qmodel.js';
import { recycleTape, recycleValues } from '../../train/backprop.js';
import { withBatch } from '../../train/batch.js';
import { adam, exponentialAverage } from '../../train/optimizers.js';
import { computeGradients } from '../../train/parameters.js';
import { cosineSchedule } from '../../train/schedule.js';
import { rng } from '../../util/random.js';
import { distillationLoss, featureValues, isClassifier, type ObjectiveOptions } from './objective.js';
import { OscillationFreezer, type FreezeSettings } from './oscillation.js';
import { buildStudent, type Student } from './student.js';

export interface DistillOptions {
  steps: number;
  batch: number;
  seed: number;
  /** Adam learning rate of the weights. */
  learningRate?: number;
  /** Adam learning rate of the log step sizes (a relative change per step). */
  stepLearningRate?: number;
  temperature?: number;
  featureWeight?: number;
  /**
   * The fp32 teacher, when not the graph the student starts from (e.g. the student starts from a
   * bias-corrected copy); same structure and value names.
   */
  teacher?: Graph;
  /**
   * Mix each batch element with another sample (x = l a + (1 - l) b, l uniform in [0.5, 1]):
   * the teacher labels every mixture afresh, so a small synthetic set yields endless distinct
   * inputs inside the same input domain (convex combinations). Default true.
   */
  mixup?: boolean;
  /** Weight widths below this start at MSE-optimal step sizes (student.ts), the others at max|w| / qmax. */
  mseStepInitBelow?: number;
  /** Weights narrower than this pass gradients straight through where clamped too (student.ts). */
  unclippedBelowBits?: number;
  /**
   * When set, the student ends at the exponential moving average (this decay) of its weights and
   * step sizes over the steps instead of at the last step's values (optimizers.ts). Off by
   * default: at 0.99 on synthetic data, w2a8 compiled top-1, it raised dscnn (seed 0: 53.3 ->
   * 62.5%; scratch seeds 1/2/3: 59.4/56.7/56.1 -> 79.2/66.7/71.9%) but cost resnet8 1-4 points
   * (seed 2: 96.9 -> 92.8%), whose 3-point target it must keep; on --calib data it cost dscnn
   * 13 points (200 steps: early states still weigh in).
   */
  averageDecay?: number;
  /** Freeze weights that keep flipping between two integers (oscillation.ts). */
  freezeOscillations?: FreezeSettings;
  /** Rewrites each training batch in place (shape [batch, ...input]) before teacher and student see it. */
  augment?: (batch: Float32Array, shape: readonly number[], random: () => number) => void;
  /** Called after every step. */
  onProgress?: (p: DistillProgress) => void;
  /** Called after every step with the student as trained so far (measuring scripts). */
  onStep?: (step: number, student: Student) => void;
  signal?: AbortSignal;
}

export interface DistillProgress {
  step: number;
  steps: number;
  /** The output term of the loss (KL or normalised MSE), smoothed over the last steps. */
  loss: number;
}

export interface DistillOutcome {
  student: Student;
  /** The output loss (KL or normalised MSE) on the first and last few batches. */
  lossStart: number;
  lossEnd: number;
  steps: number;
  batch: number;
  objective: Omit<ObjectiveOptions, 'features'> & { features: number };
  /** With freezeOscillations: the weights frozen by the end, of those tracked. */
  frozen?: { frozen: number; tracked: number };
}

export const DEFAULT_LEARNING_RATE = 1e-3;
export const DEFAULT_STEP_LEARNING_RATE = 2e-3;
export const DEFAULT_TEMPERATURE = 4;
export const DEFAULT_FEATURE_WEIGHT = 0.5;

/** Trains a student started from `start` (canonical, batch 1) on `samples` (one float array per sample). */
export function distillStudent(start: Graph, samples: Float32Array[], policy: BitPolicy, ptq: QModel, o: DistillOptions): DistillOutcome {
  if (samples.length === 0) throw new UsageError('distillation needs at least one sample');
  const batch = Math.min(o.batch, samples.length);
  const teacher = o.teacher ?? start;
  const teacherB = withBatch(teacher, batch);
  const student = buildStudent(withBatch(start, batch), policy, ptq, {
    ...(o.mseStepInitBelow !== undefined ? { mseBelowBits: o.mseStepInitBelow } : {}),
    ...(o.unclippedBelowBits !== undefined ? { unclippedBelowBits: o.unclippedBelowBits } : {}),
  });
  const objective: ObjectiveOptions = {
    classifier: isClassifier(teacher),
    temperature: o.temperature ?? DEFAULT_TEMPERATURE,
    featureWeight: o.featureWeight ?? DEFAULT_FEATURE_WEIGHT,
    features: featureValues(teacher),
  };
  const lr = o.learningRate ?? DEFAULT_LEARNING_RATE;
  const schedule = cosineSchedule({ base: lr, totalSteps: Math.max(o.steps, 2), warmupSteps: Math.min(10, Math.floor(o.steps / 10)), min: lr / 100 });
  const optimizer = adam(student.weights);
  const logSteps = student.steps.map((p) => ({ value: makeTensor('float32', p.value.shape, p.value.data.map(Math.log)), grad: new Float32Array(p.grad.length) }));
  const stepOptimizer = adam(logSteps);
  const stepLr = o.stepLearningRate ?? DEFAULT_STEP_LEARNING_RATE;
  const input = teacher.inputs[0]!;
  const wanted = new Set([teacher.outputs[0]!.name, ...objective.features]);
  const next = batches(samples.length, batch, o.seed);
  const mixing = o.mixup ?? true ? rng((o.seed ^ 0x5bd1e995) >>> 0) : undefined;
  const augmentRandom = rng((o.seed ^ 0x2545f491) >>> 0);
  const losses: number[] = [];
  const freezer = o.freezeOscillations ? new OscillationFreezer(student, policy, o.freezeOscillations) : undefined;
  const average = o.averageDecay ? exponentialAverage([...student.weights, ...student.steps], o.averageDecay) : undefined;
  for (let step = 0; step < o.steps; step++) {
    if (o.signal?.aborted) throw new UsageError('distillation interrupted');
    const x = stackBatch(next(), samples, [batch, ...input.shape.slice(1)], mixing);
    if (o.augment) o.augment(x.data as Float32Array, x.shape, augmentRandom);
    const feeds = { [input.name]: x };
    const all = runGraph(teacherB, feeds, { keepAll: true });
    const target = new Map<string, Tensor>([...wanted].map((v) => [v, all.get(v)!]));
    student.zeroStepGrads();
    let outputLoss = 0;
    const { tape } = computeGradients(
      student.graph,
      feeds,
      student.weights,
      (values) => {
        const r = distillationLoss(teacher, values, target, objective);
        outputLoss = r.output;
        return r;
      },
      { transforms: student.transforms },
    );
    recycleTape(tape); // read no more: the next step's forward reuses its buffers
    recycleValues(teacherB, all); // the teacher's too (target points into it)
    optimizer.step(schedule(step));
    // Step sizes train in log space: Adam's update is then a relative change, the same for a
    // step of 1e-3 and of 1, and a step can never reach zero or change sign.
    student.steps.forEach((p, k) => {
      const log = logSteps[k]!;
      for (let i = 0; i < p.grad.length; i++) log.grad[i] = p.grad[i]! * p.value.data[i]!;
    });
    stepOptimizer.step((stepLr * schedule(step)) / lr);
    student.steps.forEach((p, k) => p.value.data.set(logSteps[k]!.value.data.map(Math.exp)));
    freezer?.afterStep(step + 1);
    losses.push(outputLoss);
    o.onProgress?.({ step: step + 1, steps: o.steps, loss: mean(losses.slice(-10)) });
    average?.update();
    o.onStep?.(step + 1, student);
  }
  average?.apply();
  freezer?.pinFrozen(); // the averaged weights, too, keep frozen ones on their integers
  const window = Math.max(1, Math.min(10, Math.floor(losses.length / 4)));
  return {
    student,
    lossStart: mean(losses.slice(0, window)),
    lossEnd: mean(losses.slice(-window)),
    steps: o.steps,
    batch,
    objective: { ...objective, features: objective.features.length },
    ...(freezer ? { frozen: freezer.counts } : {}),
  };
}

/** An endless seeded sequence of batches: a fresh permutation of the samples each epoch. */
function batches(count: number, batch: number, seed: number): () => number[] {
  const random = rng(seed);
  let order: number[] = [];
  return () => {
    const out: number[] = [];
    while (out.length < batch) {
      if (order.length === 0) {
        order = Array.from({ length: count }, (_, i) => i);
        for (let i = count - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
      }
      out.push(order.pop()!);
    }
    return out;
  };
}

function stackBatch(indices: number[], samples: Float32Array[], shape: number[], mixing?: () => number): Tensor {
  const per = sizeOf(shape) / indices.length;
  const data = new Float32Array(per * indices.length);
  indices.forEach((i, k) => {
    const a = samples[i]!;
    if (!mixing) return void data.set(a.subarray(0, per), k * per);
    const b = samples[Math.floor(mixing() * samples.length)]!;
    const l = 0.5 + 0.5 * mixing();
    for (let e = 0; e < per; e++) data[k * per + e] = l * a[e]! + (1 - l) * b[e]!;
  });
  return makeTensor('float32', shape, data);
}

function mean(xs: number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

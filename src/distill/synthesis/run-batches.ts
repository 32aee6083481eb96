/**
 * The synthesizer's batch loop (synthesize.ts chooses the method and the budget): the samples are
 * optimised BATCH at a time with the method's drawing (parametrize.ts) and objective
 * (objectives.ts), one batch after the other from one seeded random stream.
 *
 * Under the folded-BN prior (folded-bn-prior.ts) the loop first chooses the grid the samples are
 * drawn on. How coarse an input the model was trained on is a property of the data its statistics
 * kept: a probe batch is optimised on each distinct grid of PRIOR_RESOLUTIONS, from the same start,
 * and the grid whose batch fits the prior best (the coarsest within GRID_TOLERANCE of the best)
 * draws all the samples. When even the best grid misses PRIOR_FIT, the model does not admit the
 * prior and the caller starts again without it.
 *
 * dscnn's real inputs are 8x8 digits resized to 49x10. At prior weight 10 and 39 steps its probes
 * fit 0.13, 0.07, 0.055 and 0.046 on the 49x10, 25x8, 13x8 and 8x8 grids (mean of seeds 1-3; a
 * 5x4 grid: 0.07 again), and its w2a8 students, integer top-1 on the real test set, seeds 1-4,
 * reached 95.0 / 93.3 / 91.1 / 93.3% drawn on 8x8, against 91.9 / 90.6 / 91.4 / 90.0% on the
 * fixed 13x8 grid used before.
 */
import type { Graph } from '../../ir/graph.js';
import { withBatch } from '../../train/batch.js';
import { rng, type Random } from '../../util/random.js';
import type { SynthesisMethod, SynthesisOptions } from '../synthesize.js';
import { balancedLabels, countArgmax } from './class-targets.js';
import { PRIOR_FIT, PRIOR_WEIGHT, priorFit, priorLayer, unitNormalTargets } from './folded-bn-prior.js';
import { exposePreActivations, type Classifier } from './graph-probe.js';
import { buildObjective, statTargetsFor, type MethodSetup } from './objectives.js';
import { optimizeBatch } from './optimize-batch.js';
import { DRAWING, distinctGrids, jitterFor, PRIOR_DRAWING, PRIOR_RESOLUTIONS, type Drawing } from './parametrize.js';

/**
 * Grids whose probe fits within this fraction of the best count as fitting as well, and the
 * coarsest of them is taken: one grid's fit varies that much from seed to seed (dscnn 8x8, seeds
 * 1-4: 0.025-0.029), and at such near-ties the finer grid cost accuracy (dscnn w2a8, seeds 2 and 3
 * drew on 13x8 at fits 0.027 and 0.027, against 0.027 and 0.029 on 8x8: 95.0 / 93.3%, where the
 * seeds drawn on 8x8 reached 97.2 / 96.4%).
 */
export const GRID_TOLERANCE = 0.1;

/** Samples optimised together (BN statistics are batch statistics). */
export const BATCH = 32;

/** The folded-BN prior as used: its layers, the chosen grid, and every probed grid's fit. */
export interface PriorFit {
  layers: number;
  /** The chosen grid's probe batch's mean statistic loss (priorFit). */
  fit: number;
  /** The spatial grid the samples were drawn on, [rows, columns] (empty: not image-like). */
  grid: number[];
  probes: { grid: number[]; fit: number }[];
}

export interface BatchesRun {
  samples: Float32Array[];
  /** Optimisation steps each batch (and probe) took. */
  steps: number;
  counts: number[] | undefined;
  setup: MethodSetup;
  prior?: PriorFit;
}

export interface BatchesSettings {
  method: SynthesisMethod;
  classifier: Classifier | undefined;
  range: [number, number];
  steps: number;
  withPrior: boolean;
}

/** Optimises all batches; with the prior, returns `rejected` when no grid's probe fits it. */
export function runBatches(graph: Graph, options: SynthesisOptions, s: BatchesSettings): BatchesRun | { rejected: PriorFit } {
  const { count } = options;
  const { method, classifier, range, steps, withPrior } = s;
  const exposed = method === 'bn-statistics' ? exposePreActivations(graph) : withPrior ? exposePreActivations(graph, priorLayer) : { graph, preActivation: new Map<string, string>() };
  const random = rng(options.seed);
  const setup: MethodSetup = {
    method,
    classifier,
    outputName: graph.outputs[0]!.name,
    statTargets: withPrior ? unitNormalTargets(exposed.graph, exposed.preActivation.values()) : statTargetsFor(method, graph, exposed.preActivation, range, random),
    ...(withPrior ? { statWeight: PRIOR_WEIGHT } : {}),
    steps,
    ...(options.classCentroids ? { userCentroids: options.classCentroids } : {}),
  };
  const sampleShape = graph.inputs[0]!.shape;
  const per = sampleShape.reduce((a, b) => a * b, 1);
  const batches = Math.ceil(count / BATCH);
  const grids = withPrior ? distinctGrids(sampleShape, PRIOR_RESOLUTIONS) : [];
  const total = (grids.length + batches) * steps;
  const graphs = new Map<number, Graph>();
  const batchGraph = (size: number): Graph => graphs.get(size) ?? graphs.set(size, withBatch(exposed.graph, size)).get(size)!;
  const optimize = (b: number, size: number, x: Float32Array, drawing: Drawing, stream: Random, done: number) =>
    optimizeBatch(batchGraph(size), x, {
      steps,
      learningRate: 0.1,
      range,
      priors: drawing.priors,
      resolutionFactor: drawing.resolutionFactor,
      jitter: jitterFor(sampleShape, drawing.jitterFraction),
      randomLevels: drawing.randomLevels,
      random: stream,
      objective: buildObjective(setup, classifier ? balancedLabels(b * BATCH, size, classifier.classes) : undefined, stream),
      onStep: (step, loss) => options.onProgress?.(done + step + 1, total, loss),
      ...(options.signal ? { signal: options.signal } : {}),
    });

  let drawing = withPrior ? PRIOR_DRAWING : DRAWING[method];
  let prior: PriorFit | undefined;
  if (withPrior) {
    // Every probe starts from the same stream, so the grids differ in nothing else.
    const size = Math.min(BATCH, count);
    const probes = grids.map((g, k) => {
      const values = optimize(0, size, new Float32Array(size * per), { ...PRIOR_DRAWING, resolutionFactor: g.factor }, rng((options.seed ^ 0x6a09e667) >>> 0), k * steps);
      return { ...g, fit: priorFit(values, setup.statTargets) };
    });
    const fitting = probes.filter((p) => p.fit <= PRIOR_FIT);
    const best = coarsestOfBest(fitting.length > 0 ? fitting : probes);
    prior = { layers: setup.statTargets.length, fit: best.fit, grid: best.grid, probes: probes.map(({ grid, fit }) => ({ grid, fit })) };
    if (fitting.length === 0) return { rejected: prior };
    drawing = { ...PRIOR_DRAWING, resolutionFactor: best.factor };
  }
  const samples: Float32Array[] = [];
  const counts = classifier ? new Array<number>(classifier.classes).fill(0) : undefined;
  for (let b = 0; b < batches; b++) {
    const size = Math.min(BATCH, count - b * BATCH);
    const x = new Float32Array(size * per);
    const values = optimize(b, size, x, drawing, random, (grids.length + b) * steps);
    for (let k = 0; k < size; k++) samples.push(x.slice(k * per, (k + 1) * per));
    if (counts) countArgmax(values.get(setup.outputName)!, counts);
  }
  return { samples, steps, counts, setup, ...(prior ? { prior } : {}) };
}

/** Of probes ordered fine to coarse, the coarsest whose fit is within GRID_TOLERANCE of the best. */
export function coarsestOfBest<P extends { fit: number }>(probes: readonly P[]): P {
  const lowest = Math.min(...probes.map((p) => p.fit));
  return probes.filter((p) => p.fit <= (1 + GRID_TOLERANCE) * lowest).at(-1)!;
}

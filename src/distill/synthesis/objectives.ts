/**
 * Each synthesis method's objective on the teacher's values, as a weighted sum of terms:
 * - bn-statistics: mean over BN layers of the statistic loss (losses.ts) + CE_WEIGHT x the
 *   cross-entropy to the sample's target class when the model is a classifier (DeepInversion);
 * - class-conditional: cross-entropy to the target class for the first CLASS_PHASE of the steps;
 *   then feature targets are drawn around the per-class centroids of the penultimate activation
 *   (estimated at that step from this batch, or the user's) and FEATURE_WEIGHT x the feature loss
 *   joins the cross-entropy (Dream Distillation). With user centroids the feature term runs from
 *   the start. Under the folded-BN prior (folded-bn-prior.ts) statWeight x the statistic loss
 *   against unit-normal targets is added at every step;
 * - activation-statistics: mean over the first layers of the statistic loss, whose targets come
 *   from a first pass over uniform inputs on the domain (FIRST_PASS_SAMPLES of them).
 */
import { runGraph } from '../../engine/run-graph.js';
import type { Graph } from '../../ir/graph.js';
import { makeTensor, type Tensor } from '../../ir/tensor.js';
import { crossEntropyLoss } from '../../train/losses.js';
import { withBatch } from '../../train/batch.js';
import type { Random } from '../../util/random.js';
import type { SynthesisMethod } from '../synthesize.js';
import { centroidsOf, sampleTargets } from './class-targets.js';
import { batchNormNodes, batchNormTarget, earlyActivations, type Classifier, type StatTarget } from './graph-probe.js';
import { channelStatistics, featureLoss, statisticLoss } from './losses.js';
import type { Objective } from './optimize-batch.js';

const CE_WEIGHT = 0.1;
const FEATURE_WEIGHT = 1;
const CLASS_PHASE = 0.4;
/** Feature targets' noise, relative to the centroid's RMS. */
const DIVERSITY = 0.3;
const FIRST_PASS_SAMPLES = 32;
const EARLY_LAYERS = 2;

export interface MethodSetup {
  method: SynthesisMethod;
  classifier: Classifier | undefined;
  outputName: string;
  statTargets: StatTarget[];
  steps: number;
  userCentroids?: Float32Array[];
  /** The statistic term's weight (default 1; the folded-BN prior's PRIOR_WEIGHT). */
  statWeight?: number;
}

export function statTargetsFor(method: SynthesisMethod, graph: Graph, preActivation: ReadonlyMap<string, string>, range: [number, number], random: Random): StatTarget[] {
  if (method === 'bn-statistics') return batchNormNodes(graph).map((n) => batchNormTarget(preActivation.get(n.name)!, n.meta!.batchNorm!));
  if (method === 'class-conditional') return [];
  const batchGraph = withBatch(graph, FIRST_PASS_SAMPLES);
  const input = batchGraph.inputs[0]!;
  const x = makeTensor('float32', input.shape);
  for (let i = 0; i < x.data.length; i++) x.data[i] = range[0] + (range[1] - range[0]) * random();
  const values = runGraph(batchGraph, { [input.name]: x }, { keepAll: true });
  return earlyActivations(graph, EARLY_LAYERS).map((value) => ({ value, ...channelStatistics(values.get(value)!) }));
}

function addSeed(seeds: Map<string, Tensor>, name: string, grad: Tensor, weight: number): void {
  const prev = seeds.get(name);
  const out = prev ?? makeTensor('float32', grad.shape);
  for (let i = 0; i < out.data.length; i++) out.data[i]! += weight * grad.data[i]!;
  seeds.set(name, out);
}

function statisticTerms(targets: readonly StatTarget[], values: Map<string, Tensor>, seeds: Map<string, Tensor>, weight: number): number {
  let total = 0;
  for (const target of targets) {
    const loss = statisticLoss(values.get(target.value)!, target);
    addSeed(seeds, target.value, loss.grad, weight / targets.length);
    total += (weight * loss.value) / targets.length;
  }
  return total;
}

/** The objective for one batch whose samples target `labels` (classifiers). */
export function buildObjective(setup: MethodSetup, labels: number[] | undefined, random: Random): Objective {
  const { classifier } = setup;
  const phaseEnd = setup.userCentroids ? 0 : Math.floor(CLASS_PHASE * setup.steps);
  let featureTargets: Float64Array[] | undefined;
  return (values, step) => {
    const seeds = new Map<string, Tensor>();
    let value = statisticTerms(setup.statTargets, values, seeds, setup.statWeight ?? 1);
    if (!classifier || !labels) return { value, seeds };
    const logits = values.get(setup.outputName)!;
    const ce = crossEntropyLoss(logits, labels);
    const ceWeight = setup.method === 'bn-statistics' ? CE_WEIGHT : 1;
    addSeed(seeds, setup.outputName, ce.grad, ceWeight);
    value += ceWeight * ce.value;
    if (setup.method !== 'class-conditional' || step < phaseEnd) return { value, seeds };
    const features = values.get(classifier.penultimate)!;
    if (!featureTargets) {
      const centroids = setup.userCentroids?.map((c) => Float64Array.from(c)) ?? centroidsOf(features, labels, classifier.classes);
      featureTargets = sampleTargets(centroids as Float64Array[], labels, DIVERSITY, random);
    }
    const feature = featureLoss(features, featureTargets);
    addSeed(seeds, classifier.penultimate, feature.grad, FEATURE_WEIGHT);
    return { value: value + FEATURE_WEIGHT * feature.value, seeds };
  };
}

/**
 * The folded-BatchNorm prior of class-conditional synthesis.
 *
 * An exporter that folds BatchNorm into the Conv before it (conv-BN-ReLU becomes Conv+ReLU) drops
 * the running statistics ZeroQ and DeepInversion match. What survives is a property of the data:
 * on the inputs the model was trained on, the folded Conv's pre-activation is still distributed
 * per channel as BN left it, with mean beta_c and standard deviation |gamma_c|. Those affine
 * parameters are lost too, but they start at 0 and 1 and small models trained briefly leave them
 * near there. On the shared models' real test inputs (which synthesis never reads; measured once,
 * see CHANGELOG) the pre-activations of every Conv+ReLU have, over the middle 80% of channels,
 * means within +-0.13 and standard deviations 0.86-1.10 (dscnn's nine, resnet8's four; dscnn's last
 * layer, before the pooling, mean 0.24 and standard deviation 1.31). So every Conv followed by an
 * activation gets the target N(0, 1) per channel, DeepInversion's statistic loss against a
 * default BN.
 *
 * The prior anchors what the class-conditional method otherwise leaves free, above all the input
 * level: dscnn's real inputs (digits on a black background) score 0.025 on this loss, the same
 * inputs lifted to a grey background 0.24 (and the fp32 teacher's top-1 on them falls from 98% to
 * 30%); per-sample random levels, the class-conditional drawing without the prior, train a w2a8
 * student on such inputs.
 *
 * A model trained without BN does not admit the prior: its layers cannot all reach unit
 * statistics together (digits_lenet: loss 1.5 after 150 steps, against 0.05 for dscnn after 39).
 * The synthesizer therefore keeps the prior only when a probe batch fits it to within PRIOR_FIT
 * (run-batches.ts), and otherwise starts again without it; and it tries the prior only where it
 * covers every Conv (priorCoversAllConvs).
 */
import type { Graph, Node } from '../../ir/graph.js';
import type { Tensor } from '../../ir/tensor.js';
import type { StatTarget } from './graph-probe.js';
import { statisticLoss } from './losses.js';

/**
 * The statistic term's weight against the class terms (cross-entropy 1), and how many times the
 * budgeted steps the synthesizer gives samples under the prior (synthesize.ts). DeepInversion's
 * 1 : 0.1 (weight 10) left dscnn's samples at a fit of 0.046 (8x8 grid, 39 steps) where its real
 * inputs score 0.005-0.02 on all but the last layer; their w2a8 students, integer top-1 on the
 * real test set, seeds 1-4: 95.0 / 93.3 / 91.1 / 93.3% (mean 93.2). Weight 30: fit 0.033-0.037,
 * 95.6 / 95.6 / 93.9 / 94.4% (94.9); weight 100: 95.0 / 96.1 / 93.1 / 95.3% (94.9); weight 30 and
 * twice the steps: 97.2 / 95.0 / 93.3 / 96.4% (95.5), and 97.2 / 95.8 / 95.0 / 96.4% (96.1) once
 * near-ties went to the coarser grid (run-batches.ts GRID_TOLERANCE).
 */
export const PRIOR_WEIGHT = 30;
/** Samples under the prior get this many times the budgeted steps (see PRIOR_WEIGHT for why). */
export const PRIOR_STEP_FACTOR = 2;
/** The largest mean statistic loss of a probe batch that still counts as fitting the prior. */
export const PRIOR_FIT = 0.25;

/** The layers the prior applies to: Convs with a fused activation (where conv-BN-ReLU folds to). */
export function priorLayer(node: Node): boolean {
  return node.op === 'Conv' && node.activation !== undefined;
}

/**
 * The prior is tried only on models whose every Conv has its activation (a plain conv-BN-ReLU
 * chain, as dscnn): in a residual net the Convs that feed an Add are left free, and there the
 * prior cost w2a8 accuracy (resnet8 compiled top-1, seed 1: 99.4% without it; 96.1-97.2% with it
 * on its 4 Conv+ReLU layers, 95.8-96.1% with unit-normal targets on all 9 Convs).
 */
export function priorCoversAllConvs(graph: Graph): boolean {
  const convs = graph.nodes.filter((n) => n.op === 'Conv');
  return convs.length > 0 && convs.every(priorLayer);
}

/** N(0, 1) per channel for each exposed pre-activation (value names of an exposePreActivations graph). */
export function unitNormalTargets(exposed: Graph, preActivations: Iterable<string>): StatTarget[] {
  return [...preActivations].map((value) => {
    const channels = exposed.types.get(value)?.shape[1] ?? 1;
    return { value, mean: new Float64Array(channels), std: new Float64Array(channels).fill(1) };
  });
}

/** The mean statistic loss of the values against the targets: how well a batch fits the prior. */
export function priorFit(values: ReadonlyMap<string, Tensor>, targets: readonly StatTarget[]): number {
  if (targets.length === 0) return 0;
  let total = 0;
  for (const target of targets) total += statisticLoss(values.get(target.value)!, target).value;
  return total / targets.length;
}

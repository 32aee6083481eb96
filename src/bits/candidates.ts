/**
 * The search space of `--bits auto` and its price list. Per weighted layer, weight widths in
 * {8, 4, 2} and per model activation widths in {8, 16}, each kept only if the target's kernels
 * support it (targets/<id>.json `weight_bits`, `activation_bits`).
 *
 * Activation widths are chosen for the whole model: the quantizer and the integer kernels run one
 * activation type throughout (quant/quantize-model.ts), which also makes every layer that shares a
 * tensor (residual Add, Concat) agree on its type by construction.
 *
 * Prices come from the target's own cost model (cost/estimate-model.ts), not from a formula
 * restated here: one quantized model per activation width (all weights 8-bit) is priced with each
 * layer's weights relabelled at every candidate width. Flash, cycles, latency and energy of a
 * layer depend only on that layer's widths, so a configuration's totals are sums over layers plus
 * a constant (kernel code, the per-layer call).
 */
import { planArena } from '../codegen/plan-arena.js';
import { estimateModelCost } from '../cost/estimate-model.js';
import type { Graph } from '../ir/graph.js';
import type { WeightBits } from '../quant/pack.js';
import type { ActivationType, QModel } from '../quant/qmodel.js';
import { quantizeModel } from '../quant/quantize-model.js';
import { activationBytes, packedWeightBytes } from '../report/compress-report.js';
import type { ResolvedTarget, Target } from '../targets/target.js';
import { activationBits, weightedLayers } from './weighted-layers.js';

// Re-exported: the CLI's --layer-bits parsing imports them from weighted-layers.ts without this
// module's quantizer and cost model (edgec --help stays fast; bench/startup.ts).
export { activationBits, weightedLayers };

/** What a configuration costs: the quantities budgets and `--optimize` refer to. */
export interface CostVector {
  flash_bytes: number;
  latency_ms: number;
  energy_uj: number;
  cycles: number;
  /** Packed weights only (the acceptance's "weight flash"). */
  weight_bytes: number;
}

export const COST_KEYS = ['flash_bytes', 'latency_ms', 'energy_uj', 'cycles', 'weight_bytes'] as const;

export const WEIGHT_CHOICES: readonly WeightBits[] = [8, 4, 2];
export const ACTIVATION_CHOICES: readonly ActivationType[] = ['int8', 'int16'];


/** The widths the target supports, widest first. */
export function supportedWidths(target: Target): { weights: WeightBits[]; activations: ActivationType[] } {
  const weights = WEIGHT_CHOICES.filter((b) => target.weight_bits.includes(b));
  const activations = ACTIVATION_CHOICES.filter((t) => target.activation_bits.includes(activationBits(t)));
  return { weights: weights.length > 0 ? weights : [8], activations: activations.length > 0 ? activations : ['int8'] };
}

/** Prices at one activation width. */
export interface PriceList {
  activation: ActivationType;
  /** Layer name -> weight bits -> what that layer costs at them. */
  perLayer: Map<string, Map<WeightBits, CostVector>>;
  /** Everything that does not depend on weight widths (unweighted layers, code, calls). */
  fixed: CostVector;
  /** Arena + I/O buffers: depends on the activation width only. */
  ramBytes: number;
}

const zero = (): CostVector => ({ flash_bytes: 0, latency_ms: 0, energy_uj: 0, cycles: 0, weight_bytes: 0 });

export function addCost(a: CostVector, b: CostVector): CostVector {
  return { flash_bytes: a.flash_bytes + b.flash_bytes, latency_ms: a.latency_ms + b.latency_ms, energy_uj: a.energy_uj + b.energy_uj, cycles: a.cycles + b.cycles, weight_bytes: a.weight_bytes + b.weight_bytes };
}

/** A model to price: the graph quantized at 8-bit weights on one random sample (qparams do not affect cost). */
export function pricingModel(graph: Graph, activation: ActivationType): QModel {
  return quantizeModel(graph, { weightBits: 8, activation, samples: 1, seed: 0 });
}

function relabel(model: QModel, bits: WeightBits): QModel {
  return { ...model, layers: model.layers.map((l) => (l.weights ? { ...l, weights: { ...l.weights, bits } } : l)) };
}

export function priceList(model: QModel, activation: ActivationType, target: Target | ResolvedTarget, widths: readonly WeightBits[]): PriceList {
  const arena = planArena(model).arenaSize;
  const io = [...model.inputs, ...model.outputs].reduce((s, n) => s + activationBytes(model.tensors.get(n)!), 0);
  const perLayer = new Map<string, Map<WeightBits, CostVector>>();
  let fixed = zero();
  for (const bits of widths) {
    const relabelled = relabel(model, bits);
    const cost = estimateModelCost(relabelled, target, { arenaBytes: arena });
    cost.layers.forEach((lc, i) => {
      const layer = relabelled.layers[i]!;
      const vector: CostVector = { flash_bytes: lc.flash_bytes, latency_ms: lc.latency_ms, energy_uj: lc.energy_uj, cycles: lc.cycles, weight_bytes: packedWeightBytes(layer) };
      if (layer.weights) {
        if (!perLayer.has(layer.name)) perLayer.set(layer.name, new Map());
        perLayer.get(layer.name)!.set(bits, vector);
      } else if (bits === widths[0]) fixed = addCost(fixed, vector);
    });
    if (bits === widths[0]) fixed = addCost(fixed, { ...zero(), flash_bytes: cost.totals.code_bytes });
  }
  return { activation, perLayer, fixed, ramBytes: arena + io };
}

/** The totals of one assignment (layer -> weight bits) at a price list's activation width. */
export function totalCost(prices: PriceList, assignment: ReadonlyMap<string, WeightBits>): CostVector {
  let total = prices.fixed;
  for (const [layer, options] of prices.perLayer) total = addCost(total, options.get(assignment.get(layer) ?? 8)!);
  return total;
}

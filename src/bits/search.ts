/**
 * `--bits auto`: per-layer weight widths (and the model's activation width) chosen against the
 * target's cost model. Steps:
 * 1. candidates and prices (candidates.ts), --layer-bits fixed (layer-bits.ts);
 * 2. per-layer sensitivity on half of the synthetic samples (sensitivity.ts);
 * 3. the exact front of objective cost against the additive proxy under the cost budgets
 *    (solver.ts); none at all: the configuration closest to the budgets, with a message saying
 *    the smallest achievable (the pipeline writes it and fails with the budget code, exit 5);
 * 4. the cheapest front point within the proxy budget (proxyBudget: --max-drop, scaled when distilled) by the proxy
 *    measured on the other half (held out from step 2) (select.ts), compared with the uniform
 *    configurations;
 * 5. a ladder of safer configurations (the drop budget tightened to 1/2 and 1/4, the most precise
 *    point, then 16-bit activations) which the pipeline steps down when the configuration, once
 *    quantized (and distilled), misses the drop on the integer reference (bit-search-stage.ts).
 */
import { ModelError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import type { WeightBits } from '../quant/pack.js';
import type { ActivationType } from '../quant/qmodel.js';
import type { ResolvedTarget } from '../targets/target.js';
import type { Budgets } from '../pipeline/budgets.js';
import type { Samples } from '../pipeline/samples.js';
import { activationBits, pricingModel, priceList, supportedWidths, totalCost, weightedLayers, type CostVector, type PriceList } from './candidates.js';
import { checkLayerBits, type LayerBits } from './layer-bits.js';
import { additiveProxy, makeProbe, measureSensitivity, probeableLayers, type LayerSensitivity, type ProxyMeasure } from './sensitivity.js';
import { solveFront, type CostLimits, type Objective } from './solver.js';
import { assignmentKey, cheapestWithin, measuredFront, uniformConfigurations, type MeasuredFront } from './select.js';

/**
 * How far the proxy, measured before distillation, may go over --max-drop when the configuration
 * will be distilled: the proxy is the fake-quant fp32 model on synthetic samples, and distillation
 * recovers most of it. On the shared models (scripts/bit-search-figures.ts, coarse-grid synthetic
 * samples) resnet8 at w4 measures 3.4 (4.2 with 8-bit first and last layers) and loses 0.3 (0)
 * points of compiled top-1 on the real test set once distilled; dscnn at w4 loses none. The
 * realized, distilled model is then checked against --max-drop itself on synthetic samples it was
 * not distilled on, and the search steps back if it misses (bit-search-stage.ts).
 */
export const DISTILLED_PROXY_SCALE = 4;

/** The proxy budget for a --max-drop: scale 1 for a model used as quantized, DISTILLED_PROXY_SCALE before distillation. */
export function proxyBudget(maxDrop: number, scale = 1): number {
  return maxDrop * scale;
}

/**
 * Whether a measured proxy meets --max-drop: the proxy within its budget and, for classifiers,
 * no more of the samples' top-1 changed than --max-drop allows. The total-variation proxy alone
 * is blind where the softmax is nearly flat (an untrained or uncertain model): every class's
 * probability moves little while the top class changes on most samples.
 */
export function meetsDrop(m: ProxyMeasure, maxDrop: number, scale = 1): boolean {
  return m.drop <= proxyBudget(maxDrop, scale) && (m.agreement === null || 100 * (1 - m.agreement) <= maxDrop + 1e-9);
}

export interface BitSearchOptions {
  target: ResolvedTarget;
  objective: Objective;
  /** --max-drop, points of the proxy. */
  maxDrop: number;
  budgets: Budgets;
  layerBits?: LayerBits;
  /**
   * Let the search narrow the first and last weighted layers too (--uniform-bits). By default
   * they stay at 8 bits, as with the presets (pipeline/bit-policy.ts): the proxy, measured on
   * synthetic data, sees least of what their errors cost on real data (the first sees raw inputs,
   * the last writes the scores), and their few weights save little flash.
   */
  searchEnds?: boolean;
  /** proxyBudget's scale: DISTILLED_PROXY_SCALE when the choice will be distilled (default 1). */
  proxyScale?: number;
  onProgress?: (stage: string, done?: number, total?: number) => void;
}

/** One configuration the search priced and measured. */
export interface Candidate {
  label: string;
  activation: ActivationType;
  assignment: Map<string, WeightBits>;
  cost: CostVector;
  ramBytes: number;
  /** Sum of the layers' sensitivities. */
  additive: number;
  /** On the held-out synthetic samples, all its layers quantized at once. */
  measured: ProxyMeasure;
  /** meetsDrop(measured, --max-drop, proxyScale): the proxy within its budget, top-1 agreement within --max-drop. */
  met: boolean;
}

export interface BitSearchResult {
  /** The chosen configuration first, then safer ones to step back to. */
  ladder: Candidate[];
  sensitivities: LayerSensitivity[];
  prices: PriceList;
  front: MeasuredFront;
  uniform: Candidate[];
  /** Layers fixed by --layer-bits, or kept at 8 bits: first or last (without searchEnds), or the probe cannot quantize them. */
  fixed: Map<string, { bits: WeightBits; why: FixedWhy }>;
  exact: boolean;
  holdoutSamples: number;
  searchSamples: number;
  /** What the proxy is held to: proxyBudget(--max-drop). */
  proxyBudget: number;
  /** Budgets no configuration meets, and the smallest achievable (the ladder is then the closest configuration). */
  impossible?: string;
}

export type FixedWhy = 'layer-bits' | 'not probeable' | 'first or last';

export function searchBits(graph: Graph, samples: Samples, o: BitSearchOptions): BitSearchResult {
  const widths = supportedWidths(o.target);
  const forced = o.layerBits ? checkLayerBits(o.layerBits, graph, o.target) : undefined;
  const activations = forced ? [forced] : widths.activations.filter((a) => a === 'int8' || widths.activations.length === 1);
  const layers = weightedLayers(graph);
  const probeable = probeableLayers(graph);
  const fixed = new Map<string, { bits: WeightBits; why: FixedWhy }>();
  for (const layer of layers) {
    const w = o.layerBits?.get(layer)?.weightBits;
    if (w !== undefined) fixed.set(layer, { bits: w, why: 'layer-bits' });
    else if (!probeable.has(layer)) fixed.set(layer, { bits: 8, why: 'not probeable' });
  }
  const choices = new Map(layers.map((l) => [l, fixed.has(l) ? [fixed.get(l)!.bits] : widths.weights] as const));
  // The first and last layers are measured at every width (the uniform configurations and a
  // budget only narrower ends meet need them) but offered to the solver at 8 bits only.
  const ends = new Set(o.searchEnds || layers.length <= 2 ? [] : [layers[0]!, layers[layers.length - 1]!].filter((l) => !fixed.has(l)));
  for (const layer of ends) fixed.set(layer, { bits: 8, why: 'first or last' });

  // Sensitivities on the even samples, the measured proxy on the odd ones (held out from them).
  const searchSet = samples.filter((_, i) => i % 2 === 0);
  const holdout = samples.filter((_, i) => i % 2 === 1);
  o.onProgress?.('bit search: measuring layer sensitivities');
  const sensitivities = measureSensitivity(makeProbe(graph, searchSet), layers, choices, { onLayer: (d, t) => o.onProgress?.('bit search: measuring layer sensitivities', d, t) });
  const probe = makeProbe(graph, holdout.length > 0 ? holdout : searchSet);

  const activation = activations[0]!;
  const scale = o.proxyScale ?? 1;
  const budget = proxyBudget(o.maxDrop, scale);
  o.onProgress?.('bit search: solving for the front');
  const prices = priceList(pricingModel(graph, activation), activation, o.target, widths.weights);
  const limits = costLimits(o);
  // Budgets no configuration meets: the search picks the one closest to them (the smallest of
  // the missed quantity), the pipeline writes it and fails with the budget code, and the message
  // says what is the smallest achievable.
  const impossible: string[] = [];
  if (o.budgets.maxRamBytes !== undefined && prices.ramBytes > o.budgets.maxRamBytes) {
    impossible.push(`no bit-width configuration meets --max-ram ${o.budgets.maxRamBytes} B: the smallest achievable RAM is ${prices.ramBytes} B (${activationBits(activation)}-bit activations; weight widths do not change RAM)`);
  }
  const endsAtEight = sensitivities.map((s) => (ends.has(s.layer) ? { layer: s.layer, byBits: new Map([[8, s.byBits.get(8)!]] as const) } : s));
  let solved = solveFront(prices, endsAtEight, o.objective, limits);
  if (solved.front.length === 0 && ends.size > 0) {
    // The cost budgets need narrower first or last layers: the search may narrow them after all.
    solved = solveFront(prices, sensitivities, o.objective, limits);
    for (const layer of ends) fixed.delete(layer);
  }
  if (solved.front.length === 0) {
    const miss = impossibleLimit(prices, limits, o);
    impossible.push(miss.message);
    solved = { front: solveFront(prices, sensitivities, miss.key, {}).front.slice(0, 1), exact: solved.exact };
  }
  const fixedBits = new Map([...fixed].map(([k, v]) => [k, v.bits] as const));
  const front = measuredFront(solved.front, probe, fixedBits);
  o.onProgress?.('bit search: measuring front configurations');

  const candidate = (label: string, index: number): Candidate => {
    const point = front.front[index]!;
    const measured = front.measure(index);
    return { label, activation, assignment: point.assignment, cost: point.cost, ramBytes: prices.ramBytes, additive: point.proxy, measured, met: meetsDrop(measured, o.maxDrop, scale) };
  };
  // The uniform configurations narrow the first and last layers too (unless --layer-bits fixes
  // them): the floor the choice must never cost more than is every layer at one width.
  const uniformFixed = new Map([...fixed].filter(([, v]) => v.why !== 'first or last').map(([k, v]) => [k, v.bits] as const));
  const uniform = uniformConfigurations(layers, widths.weights, uniformFixed).map(({ label, assignment }) => {
    const cost = totalCost(prices, assignment);
    const measured = probe.measure(assignment);
    return { label, activation, assignment, cost, ramBytes: prices.ramBytes, additive: additiveProxy(sensitivities, assignment), measured, met: meetsDrop(measured, o.maxDrop, scale) };
  });
  const fits = (c: Candidate) => (Object.keys(limits) as Objective[]).every((k) => c.cost[k] <= limits[k]! * (1 + 1e-12));

  const ladder: Candidate[] = [];
  if (solved.front.length === 1 && impossible.length > 0 && !fits(candidate('', 0))) {
    return { ladder: [candidate('closest to the budgets', 0)], sensitivities, prices, front, uniform, fixed, exact: solved.exact, holdoutSamples: probe.samples, searchSamples: searchSet.length, proxyBudget: budget, impossible: impossible.join('; ') };
  }
  for (const [label, drop] of [['chosen', o.maxDrop], ['drop budget halved', o.maxDrop / 2], ['drop budget quartered', o.maxDrop / 4]] as const) {
    ladder.push(candidate(label, cheapestWithin(front, (m) => meetsDrop(m, drop, scale)).index));
  }
  ladder.push(candidate('most precise on the front', front.front.length - 1));
  // Never more than the best uniform configuration that meets the same drop and budgets.
  const bestUniform = uniform.filter((u) => u.met && fits(u)).sort((a, b) => a.cost[o.objective] - b.cost[o.objective])[0];
  if (bestUniform && (!ladder[0]!.met || bestUniform.cost[o.objective] < ladder[0]!.cost[o.objective])) ladder.unshift({ ...bestUniform, label: `chosen (${bestUniform.label})` });
  const a16 = a16Step(graph, o, widths.activations, forced, ladder[ladder.length - 1]!, limits);
  if (a16) ladder.push(a16);
  const seen = new Set<string>();
  const unique = ladder.filter((c) => {
    const key = `${c.activation}:${assignmentKey(c.assignment)}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  return { ladder: unique, sensitivities, prices, front, uniform, fixed, exact: solved.exact, holdoutSamples: probe.samples, searchSamples: searchSet.length, proxyBudget: budget, ...(impossible.length > 0 ? { impossible: impossible.join('; ') } : {}) };
}

function costLimits(o: BitSearchOptions): CostLimits {
  const limits: CostLimits = { flash_bytes: Math.min(o.budgets.maxFlashBytes ?? Infinity, o.target.flash_bytes) };
  if (o.budgets.maxLatencyMs !== undefined) limits.latency_ms = o.budgets.maxLatencyMs;
  if (o.budgets.maxEnergyUj !== undefined) limits.energy_uj = o.budgets.maxEnergyUj;
  return limits;
}

const WHAT: Record<Objective, { flag: string; what: string; unit: string }> = {
  flash_bytes: { flag: '--max-flash', what: 'flash', unit: 'B' },
  latency_ms: { flag: '--max-latency', what: 'latency', unit: 'ms' },
  energy_uj: { flag: '--max-energy', what: 'energy', unit: 'uJ' },
};

/** Which limit cannot be met even at the narrowest widths, and the smallest achievable value. */
function impossibleLimit(prices: PriceList, limits: CostLimits, o: BitSearchOptions): { key: Objective; message: string } {
  for (const key of Object.keys(limits) as Objective[]) {
    let least = prices.fixed[key];
    for (const options of prices.perLayer.values()) least += Math.min(...[...options.values()].map((c) => c[key]));
    if (least > limits[key]!) {
      const w = WHAT[key];
      const flag = key === 'flash_bytes' && o.budgets.maxFlashBytes === undefined ? `the flash of ${o.target.id}` : `${w.flag} ${round(limits[key]!)} ${w.unit}`;
      return { key, message: `no bit-width configuration meets ${flag}: the smallest achievable ${w.what} is ${round(least)} ${w.unit}` };
    }
  }
  return { key: o.objective, message: 'no bit-width configuration meets --max-flash, --max-latency and --max-energy together (each alone is achievable); relax one of them' };
}

function round(x: number): number {
  return Number(x.toPrecision(6));
}

/** The last resort: the most precise weights with 16-bit activations, when the target has them and the budgets allow. */
function a16Step(graph: Graph, o: BitSearchOptions, supported: ActivationType[], forced: ActivationType | undefined, last: Candidate, limits: CostLimits): Candidate | undefined {
  if (forced !== undefined || !supported.includes('int16') || last.activation === 'int16') return undefined;
  let model;
  try {
    model = pricingModel(graph, 'int16');
  } catch (e) {
    if (e instanceof ModelError) return undefined; // an op without int16 kernels (integer Softmax...)
    throw e;
  }
  const prices = priceList(model, 'int16', o.target, [...new Set(last.assignment.values())]);
  const cost = totalCost(prices, last.assignment);
  const over = (Object.keys(limits) as Objective[]).some((k) => cost[k] > limits[k]!) || (o.budgets.maxRamBytes !== undefined && prices.ramBytes > o.budgets.maxRamBytes) || prices.ramBytes > o.target.sram_bytes;
  return over ? undefined : { ...last, label: '16-bit activations', activation: 'int16', cost, ramBytes: prices.ramBytes };
}

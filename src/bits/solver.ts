/**
 * The exact solver of the budgeted choice: a multiple-choice knapsack over the weighted layers
 * (one width per layer), solved by dynamic programming over layers that keeps, after each layer,
 * every partial configuration not dominated in (objective cost, additive proxy, and each other
 * budgeted cost). Costs are exact sums (candidates.ts), so nothing is discretised: the final set,
 * reduced to (objective, proxy), is the exact Pareto front of the additive model. Partial
 * configurations that already exceed a budget with the cheapest completion are dropped early.
 *
 * Should the front ever outgrow MAX_STATES (far beyond the MLPerf Tiny models' ~10^3), it is
 * thinned to evenly spaced points and the result says `exact: false`.
 */
import type { WeightBits } from '../quant/pack.js';
import { addCost, type CostVector, type PriceList } from './candidates.js';
import type { LayerSensitivity } from './sensitivity.js';

export type Objective = 'flash_bytes' | 'latency_ms' | 'energy_uj';
export type CostLimits = Partial<Record<Objective, number>>;

export interface FrontPoint {
  assignment: Map<string, WeightBits>;
  cost: CostVector;
  /** The additive proxy (sum of the layers' sensitivities), points. */
  proxy: number;
}

export interface SolverResult {
  /** Objective ascending, proxy descending: the cheapest configuration first. */
  front: FrontPoint[];
  exact: boolean;
}

const MAX_STATES = 20000;

interface State {
  cost: CostVector;
  proxy: number;
  choices: WeightBits[];
}

export function solveFront(prices: PriceList, sensitivities: readonly LayerSensitivity[], objective: Objective, limits: CostLimits): SolverResult {
  const keys = [objective, ...(Object.keys(limits) as Objective[]).filter((k) => k !== objective)];
  const layers = sensitivities.filter((s) => prices.perLayer.has(s.layer));
  // Cheapest completion of layers i.. for each limited key (the lower bound used to prune).
  const rest = layers.map(() => ({}) as Record<Objective, number>);
  for (let i = layers.length - 1; i >= 0; i--) {
    const options = [...prices.perLayer.get(layers[i]!.layer)!.values()];
    for (const k of keys) rest[i]![k] = Math.min(...options.map((c) => c[k])) + (rest[i + 1]?.[k] ?? 0);
  }
  let states: State[] = [{ cost: prices.fixed, proxy: 0, choices: [] }];
  let exact = true;
  layers.forEach((layer, i) => {
    const options = prices.perLayer.get(layer.layer)!;
    const next: State[] = [];
    for (const s of states) {
      for (const [bits, measure] of layer.byBits) {
        const price = options.get(bits);
        if (!price) continue;
        const cost = addCost(s.cost, price);
        const fits = keys.every((k) => limits[k] === undefined || cost[k] + (rest[i + 1]?.[k] ?? 0) <= limits[k]! * (1 + 1e-12));
        if (fits) next.push({ cost, proxy: s.proxy + measure.drop, choices: [...s.choices, bits] });
      }
    }
    states = prune(next, keys);
    if (states.length > MAX_STATES) {
      exact = false;
      const step = states.length / MAX_STATES;
      states = Array.from({ length: MAX_STATES }, (_, j) => states[Math.floor(j * step)]!);
    }
  });
  const front = prune(states, [objective]).map((s) => ({ assignment: new Map(s.choices.map((b, j) => [layers[j]!.layer, b])), cost: s.cost, proxy: s.proxy }));
  return { front, exact };
}

/** States not dominated in (keys..., proxy), sorted by the first key. */
function prune(states: State[], keys: readonly Objective[]): State[] {
  const sorted = [...states].sort((a, b) => a.cost[keys[0]!] - b.cost[keys[0]!] || a.proxy - b.proxy);
  if (keys.length === 1) {
    const out: State[] = [];
    for (const s of sorted) if (out.length === 0 || s.proxy < out[out.length - 1]!.proxy - 1e-12) out.push(s);
    return out;
  }
  // More than two criteria: pairwise check against the kept states (small fronts in practice).
  const kept: State[] = [];
  for (const s of sorted) {
    const dominated = kept.some((k) => k.proxy <= s.proxy && keys.every((key) => k.cost[key] <= s.cost[key]));
    if (!dominated) kept.push(s);
  }
  return kept;
}

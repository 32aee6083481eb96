/**
 * report.json's `bit_search` block: why each layer got its widths (its sensitivity at every
 * candidate width and what the chosen width saves against 8 bits), the configurations tried (the
 * ladder, with the realized model's proxy on the integer reference), the uniform configurations
 * it was compared with, and the Pareto front of the objective against the proxy (thinned to at
 * most FRONT_POINTS points for the report; every measured point kept).
 */
import type { WeightBits } from '../quant/pack.js';
import { activationBits, type CostVector } from './candidates.js';
import type { ProxyMeasure } from './sensitivity.js';
import type { BitSearchResult, Candidate, FixedWhy } from './search.js';
import type { Objective } from './solver.js';

export const FRONT_POINTS = 60;

const FIXED_WHY: Record<FixedWhy, string> = {
  'layer-bits': 'fixed by --layer-bits',
  'not probeable': 'kept at 8 bits: the probe cannot quantize this op',
  'first or last': 'kept at 8 bits: the first or last weighted layer (--uniform-bits lets the search narrow it)',
};

export interface ProxyReport {
  drop: number;
  kl: number | null;
  agreement: number | null;
}

export interface ConfigurationReport {
  label: string;
  activation_bits: number;
  /** Layer -> weight bits, as "w8w4..." in layer order is unreadable: a record. */
  weight_bits: Record<string, number>;
  flash_bytes: number;
  weight_bytes: number;
  latency_ms: number;
  energy_uj: number;
  cycles: number;
  ram_bytes: number;
  proxy_additive: number;
  proxy_measured: ProxyReport;
  meets_drop: boolean;
}

export interface LayerChoiceReport {
  name: string;
  weight_bits: number;
  /** Proxy (points) with only this layer quantized, per candidate width ("8", "4", "2"). */
  sensitivity: Record<string, number>;
  /** Against 8-bit weights, in the objective's unit and in flash bytes. */
  saved: { objective: number; flash_bytes: number };
  why: string;
}

export interface RealizationReport {
  label: string;
  /** The quantized (and distilled) model on the integer reference, held-out synthetic samples. */
  proxy: ProxyReport;
  meets_drop: boolean;
}

export interface BitSearchReport {
  objective: Objective;
  max_drop: number;
  /** What the proxy is held to: PROXY_MARGIN x max_drop (src/bits/search.ts); meets_drop means within it. */
  proxy_budget: number;
  proxy: string;
  search_samples: number;
  holdout_samples: number;
  exact: boolean;
  /** Budgets no configuration meets and the smallest achievable (the closest configuration was compiled); null when all can be met. */
  impossible: string | null;
  chosen: ConfigurationReport;
  /** The chosen configuration against all layers at w8 (same activation width): cycles(w8) / cycles(chosen), and the flash ratio. */
  versus_w8: { speedup: number; flash_ratio: number; weight_ratio: number } | null;
  layers: LayerChoiceReport[];
  uniform: ConfigurationReport[];
  front: { objective: number; proxy_additive: number; proxy_measured: number | null; weight_bits: string }[];
  realizations: RealizationReport[];
}

export const PROXY_DESCRIPTION =
  'points: 100 x mean total-variation distance between fp32 and quantized softmax outputs (classifiers), 100 x normalised squared error (other models); fake-quant fp32 on held-out synthetic samples, integer reference for realizations';

const r6 = (x: number) => Number(x.toPrecision(6));

export function proxyReport(m: ProxyMeasure): ProxyReport {
  return { drop: r6(m.drop), kl: m.kl === null ? null : r6(m.kl), agreement: m.agreement === null ? null : r6(m.agreement) };
}

export function configurationReport(c: Candidate): ConfigurationReport {
  return {
    label: c.label,
    activation_bits: activationBits(c.activation),
    weight_bits: Object.fromEntries(c.assignment),
    flash_bytes: c.cost.flash_bytes,
    weight_bytes: c.cost.weight_bytes,
    latency_ms: r6(c.cost.latency_ms),
    energy_uj: r6(c.cost.energy_uj),
    cycles: c.cost.cycles,
    ram_bytes: c.ramBytes,
    proxy_additive: r6(c.additive),
    proxy_measured: proxyReport(c.measured),
    meets_drop: c.met,
  };
}

function layerChoice(r: BitSearchResult, chosen: Candidate, objective: Objective, layer: string): LayerChoiceReport {
  const bits = chosen.assignment.get(layer) ?? 8;
  const sens = r.sensitivities.find((s) => s.layer === layer);
  const prices = r.prices.perLayer.get(layer);
  const at = (b: WeightBits): CostVector | undefined => prices?.get(b);
  const saved = { objective: r6((at(8)?.[objective] ?? 0) - (at(bits)?.[objective] ?? 0)), flash_bytes: (at(8)?.flash_bytes ?? 0) - (at(bits)?.flash_bytes ?? 0) };
  const drop = (b: WeightBits) => sens?.byBits.get(b)?.drop ?? 0;
  const fixed = r.fixed.get(layer);
  let why: string;
  if (fixed) why = FIXED_WHY[fixed.why];
  else {
    const narrower = ([4, 2] as WeightBits[]).filter((b) => b < bits && sens?.byBits.has(b));
    const refused = narrower.map((b) => `w${b} would add ${r6(drop(b) - drop(bits))} points for ${(at(bits)?.flash_bytes ?? 0) - (at(b)?.flash_bytes ?? 0)} B less`);
    why = [bits < 8 ? `w${bits} saves ${saved.flash_bytes} B of flash for +${r6(drop(bits) - drop(8))} points` : 'kept at 8 bits', ...refused].join('; ');
  }
  return { name: layer, weight_bits: bits, sensitivity: Object.fromEntries([...(sens?.byBits ?? [])].map(([b, m]) => [String(b), r6(m.drop)])), saved, why };
}

export function explainSearch(r: BitSearchResult, chosen: Candidate, objective: Objective, maxDrop: number, realizations: RealizationReport[]): BitSearchReport {
  const front = r.front.front;
  const step = Math.max(1, front.length / FRONT_POINTS);
  const keep = new Set([...Array.from({ length: Math.min(front.length, FRONT_POINTS) }, (_, j) => Math.floor(j * step)), front.length - 1, ...r.front.measured.keys()]);
  return {
    objective,
    max_drop: maxDrop,
    proxy_budget: r6(r.proxyBudget),
    proxy: PROXY_DESCRIPTION,
    search_samples: r.searchSamples,
    holdout_samples: r.holdoutSamples,
    exact: r.exact,
    impossible: r.impossible ?? null,
    chosen: configurationReport(chosen),
    versus_w8: versusW8(r, chosen),
    layers: [...chosen.assignment.keys()].map((l) => layerChoice(r, chosen, objective, l)),
    uniform: r.uniform.map(configurationReport),
    front: [...keep]
      .sort((a, b) => a - b)
      .map((i) => ({ objective: r6(front[i]!.cost[objective]), proxy_additive: r6(front[i]!.proxy), proxy_measured: r.front.measured.has(i) ? r6(r.front.measured.get(i)!.drop) : null, weight_bits: [...front[i]!.assignment.values()].join('') })),
    realizations,
  };
}

function versusW8(r: BitSearchResult, chosen: Candidate): BitSearchReport['versus_w8'] {
  const w8 = r.uniform.find((u) => u.label === 'uniform w8');
  if (!w8 || chosen.activation !== w8.activation) return null;
  return { speedup: r6(w8.cost.cycles / chosen.cost.cycles), flash_ratio: r6(chosen.cost.flash_bytes / w8.cost.flash_bytes), weight_ratio: r6(chosen.cost.weight_bytes / w8.cost.weight_bytes) };
}

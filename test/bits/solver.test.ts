/**
 * The bit-width search's arithmetic against references written independently of it:
 * - the price list's totals for a mixed assignment equal the cost model run on the model actually
 *   quantized at those widths (estimateModelCost on quantizeModel's output);
 * - the solver's front equals the Pareto front found by enumerating every assignment (3^6 on a
 *   random instance), with and without a second budgeted cost;
 * - the probe's proxy is 100 x the softmax total-variation distance computed by hand, and the
 *   uniform configurations keep --layer-bits widths.
 */
import { describe, expect, it } from 'vitest';
import { addCost, pricingModel, priceList, totalCost, weightedLayers, type CostVector, type PriceList } from '../../src/bits/candidates.js';
import { compareOutputs, type LayerSensitivity } from '../../src/bits/sensitivity.js';
import { solveFront, type Objective } from '../../src/bits/solver.js';
import { uniformConfigurations } from '../../src/bits/select.js';
import { estimateModelCost } from '../../src/cost/estimate-model.js';
import { planArena } from '../../src/codegen/plan-arena.js';
import { loadCanonical } from '../../src/pipeline/compress-model.js';
import type { WeightBits } from '../../src/quant/pack.js';
import { quantizeModel } from '../../src/quant/quantize-model.js';
import { resolveTarget } from '../../src/targets/load-targets.js';
import { rng } from '../helpers/random.js';

const FIXTURE = new URL('../../fixtures/cnn-tiny.onnx', import.meta.url).pathname;

describe('price list', () => {
  it.each(['stm32l4r5', 'bitfusion'])('totals of a mixed assignment equal the cost model on the quantized model (%s)', (id) => {
    const graph = loadCanonical(FIXTURE, []);
    const target = resolveTarget(id, {});
    const prices = priceList(pricingModel(graph, 'int8'), 'int8', target, [8, 4, 2]);
    const layers = weightedLayers(graph);
    const widths: WeightBits[] = [2, 4, 8, 4, 2, 8];
    const assignment = new Map(layers.map((l, i) => [l, widths[i % widths.length]!]));
    const model = quantizeModel(graph, { weightBits: Object.fromEntries(assignment), samples: 2, seed: 3 });
    const cost = estimateModelCost(model, target, { arenaBytes: planArena(model).arenaSize });
    const priced = totalCost(prices, assignment);
    expect(priced.flash_bytes).toBe(cost.totals.flash_bytes);
    expect(priced.cycles).toBe(cost.totals.cycles);
    expect(priced.latency_ms).toBeCloseTo(cost.totals.latency_ms, 9);
    expect(priced.energy_uj).toBeCloseTo(cost.totals.energy_uj, 6);
    const weights = model.layers.reduce((s, l) => s + (l.weights ? Math.ceil((l.weights.values.length * l.weights.bits) / 8) : 0), 0);
    expect(priced.weight_bytes).toBe(weights);
  });
});

/** A random instance: 6 layers, widths 8/4/2 with costs falling and sensitivities rising. */
function instance(seed: number): { prices: PriceList; sens: LayerSensitivity[] } {
  const r = rng(seed);
  const perLayer = new Map<string, Map<WeightBits, CostVector>>();
  const sens: LayerSensitivity[] = [];
  for (let i = 0; i < 6; i++) {
    const size = 100 + Math.floor(r() * 900);
    const speed = 1 + r();
    const costs = new Map<WeightBits, CostVector>();
    const byBits = new Map();
    for (const b of [8, 4, 2] as WeightBits[]) {
      const w = Math.ceil((size * b) / 8);
      costs.set(b, { flash_bytes: w + 10, weight_bytes: w, cycles: Math.round(size * speed * (b === 8 ? 1 : b === 4 ? 1.3 : 1.6)), latency_ms: 0, energy_uj: r() * 5 + b });
      byBits.set(b, { drop: b === 8 ? r() * 0.01 : b === 4 ? r() * 0.5 : r() * 8, kl: null, agreement: null });
    }
    perLayer.set(`l${i}`, costs);
    sens.push({ layer: `l${i}`, byBits });
  }
  const fixed: CostVector = { flash_bytes: 500, weight_bytes: 0, cycles: 0, latency_ms: 0, energy_uj: 1 };
  return { prices: { activation: 'int8', perLayer, fixed, ramBytes: 0 }, sens };
}

function bruteForceFront(prices: PriceList, sens: LayerSensitivity[], objective: Objective, limits: Partial<Record<Objective, number>>): [number, number][] {
  const all: [number, number][] = [];
  const widths: WeightBits[] = [8, 4, 2];
  for (let code = 0; code < 3 ** sens.length; code++) {
    let cost = prices.fixed;
    let proxy = 0;
    let c = code;
    for (const s of sens) {
      const b = widths[c % 3]!;
      c = Math.floor(c / 3);
      cost = addCost(cost, prices.perLayer.get(s.layer)!.get(b)!);
      proxy += s.byBits.get(b)!.drop;
    }
    if (Object.entries(limits).every(([k, v]) => cost[k as Objective] <= v!)) all.push([cost[objective], proxy]);
  }
  // Non-dominated points, objective ascending.
  return all
    .filter(([o, p]) => !all.some(([o2, p2]) => o2 <= o && p2 <= p && (o2 < o || p2 < p)))
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .filter((pt, i, arr) => i === 0 || pt[0] !== arr[i - 1]![0] || pt[1] !== arr[i - 1]![1]);
}

describe('solver', () => {
  it.each([1, 2, 3])('equals the enumerated Pareto front (seed %i)', (seed) => {
    const { prices, sens } = instance(seed);
    const got = solveFront(prices, sens, 'flash_bytes', {}).front.map((p) => [p.cost.flash_bytes, p.proxy]);
    const want = bruteForceFront(prices, sens, 'flash_bytes', {});
    expect(got.length).toBe(want.length);
    got.forEach(([o, p], i) => {
      expect(o).toBe(want[i]![0]);
      expect(p).toBeCloseTo(want[i]![1], 9);
    });
  });

  it('respects a second budget exactly (energy limit while minimising flash)', () => {
    const { prices, sens } = instance(7);
    const energies = solveFront(prices, sens, 'energy_uj', {}).front.map((p) => p.cost.energy_uj);
    const limit = (Math.min(...energies) + Math.max(...energies)) / 2;
    const result = solveFront(prices, sens, 'flash_bytes', { energy_uj: limit });
    for (const p of result.front) expect(p.cost.energy_uj).toBeLessThanOrEqual(limit);
    const want = bruteForceFront(prices, sens, 'flash_bytes', { energy_uj: limit });
    expect(result.front.map((p) => p.cost.flash_bytes)).toEqual(want.map(([o]) => o));
  });

  it('returns an empty front when no assignment fits', () => {
    const { prices, sens } = instance(4);
    expect(solveFront(prices, sens, 'flash_bytes', { flash_bytes: 10 }).front).toEqual([]);
  });
});

describe('proxy and uniform configurations', () => {
  it('is 100 x the mean softmax total-variation distance, with agreement and KL', () => {
    const ref = [2, 0, 0, 0, 1, 0];
    const out = [0, 2, 0, 0, 1, 0];
    const sm = (z: number[]) => z.map((v) => Math.exp(v) / z.reduce((s, u) => s + Math.exp(u), 0));
    const [a, b] = [sm([2, 0, 0]), sm([0, 2, 0])];
    const tv = a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / 2;
    const kl = a.reduce((s, v, i) => s + v * Math.log(v / b[i]!), 0);
    const m = compareOutputs(ref, out, 3);
    expect(m.drop).toBeCloseTo((100 * tv) / 2, 10);
    expect(m.kl).toBeCloseTo(kl / 2, 10);
    expect(m.agreement).toBe(0.5);
    expect(compareOutputs([1, 2], [1, 3], 0).drop).toBeCloseTo((100 * 1) / 5, 12);
  });

  it('keeps fixed layers and the first/last-8-bit variant', () => {
    const configs = uniformConfigurations(['a', 'b', 'c', 'd'], [8, 4], new Map([['b', 2 as WeightBits]]));
    expect(configs.map((c) => [c.label, [...c.assignment.values()].join('')])).toEqual([
      ['uniform w8', '8288'],
      ['uniform w4', '4244'],
      ['w4, first and last 8-bit', '8248'],
    ]);
  });
});

/**
 * searchBits on the fixtures with seeded random samples: deterministic; never costlier than the
 * best uniform configuration meeting the same drop; the ladder only offers 16-bit activations
 * when every op of the model has int16 kernels (kws-tiny ends in an int8-only Softmax).
 */
import { describe, expect, it } from 'vitest';
import { meetsDrop, proxyBudget, searchBits } from '../../src/bits/search.js';
import { totalCost, weightedLayers } from '../../src/bits/candidates.js';
import { loadCanonical } from '../../src/pipeline/compress-model.js';
import { resolveTarget } from '../../src/targets/load-targets.js';
import { randomTensor } from '../helpers/random.js';

const fixture = (name: string) => new URL(`../../fixtures/${name}.onnx`, import.meta.url).pathname;

function samples(shape: number[], n: number): Float32Array[] {
  return Array.from({ length: n }, (_, k) => randomTensor(shape, 100 + k, 0, 1).data as Float32Array);
}

describe('searchBits', () => {
  const target = resolveTarget('stm32l4r5', {});

  it.each([0.3, 3])('is deterministic and never costlier than the best uniform configuration meeting --max-drop %s', (maxDrop) => {
    const graph = loadCanonical(fixture('cnn-tiny'), []);
    const data = samples([3, 32, 32], 16);
    const run = () => searchBits(graph, data, { target, objective: 'flash_bytes', maxDrop, budgets: {} });
    const a = run();
    const b = run();
    expect([...a.ladder[0]!.assignment]).toEqual([...b.ladder[0]!.assignment]);
    expect(a.ladder[0]!.measured.drop).toBe(b.ladder[0]!.measured.drop);
    const chosen = a.ladder[0]!;
    // "Meets the drop" is one test for all: the proxy within its budget, top-1 agreement within --max-drop.
    expect(a.proxyBudget).toBe(proxyBudget(maxDrop));
    for (const c of [...a.uniform, ...a.ladder]) expect(c.met, c.label).toBe(meetsDrop(c.measured, maxDrop));
    const uniform = a.uniform.filter((u) => u.met).map((u) => u.cost.flash_bytes);
    if (uniform.length > 0 && chosen.met) expect(chosen.cost.flash_bytes).toBeLessThanOrEqual(Math.min(...uniform));
    // The chosen configuration's proxy was measured, not assumed.
    if (chosen.met) expect(chosen.measured.drop).toBeLessThanOrEqual(a.proxyBudget);
  });

  it('meets the drop only within the proxy budget and with top-1 agreement within --max-drop', () => {
    expect(meetsDrop({ drop: 0.5, kl: 0.01, agreement: 1 }, 1)).toBe(true);
    expect(meetsDrop({ drop: 1.1, kl: 0.01, agreement: 1 }, 1)).toBe(false);
    // Nearly flat outputs: a small total-variation distance, yet the top class changed on half the samples.
    expect(meetsDrop({ drop: 0.1, kl: 1e-4, agreement: 0.5 }, 1)).toBe(false);
    expect(meetsDrop({ drop: 0.1, kl: 1e-4, agreement: 0.97 }, 5)).toBe(true);
    expect(meetsDrop({ drop: 0.1, kl: null, agreement: null }, 1)).toBe(true);
    // kws-tiny's random weights give such outputs: whatever is chosen keeps the top class.
    const graph = loadCanonical(fixture('kws-tiny'), []);
    const chosen = searchBits(graph, samples([1, 49, 10], 32), { target, objective: 'flash_bytes', maxDrop: 1, budgets: {} }).ladder[0]!;
    expect(chosen.met).toBe(true);
    expect(chosen.measured.agreement).toBe(1);
  });

  it('keeps the first and last layers at 8 bits, unless told (--uniform-bits) or only narrower ones meet the flash budget', () => {
    const graph = loadCanonical(fixture('cnn-tiny'), []);
    const data = samples([3, 32, 32], 16);
    const layers = weightedLayers(graph);
    const ends = [layers[0]!, layers[layers.length - 1]!];
    const options = { target, objective: 'flash_bytes' as const, maxDrop: 100, budgets: {} };
    const kept = searchBits(graph, data, options);
    for (const p of kept.front.front) for (const l of ends) expect(p.assignment.get(l), l).toBe(8);
    expect(kept.fixed.get(ends[0]!)?.why).toBe('first or last');
    // The uniform configurations, the floor of the choice, narrow them all the same.
    expect(kept.uniform.find((u) => u.label === 'uniform w2')!.assignment.get(ends[0]!)).toBe(2);
    const free = searchBits(graph, data, { ...options, searchEnds: true });
    expect(free.front.front.some((p) => ends.some((l) => p.assignment.get(l)! < 8))).toBe(true);
    const leastWithEnds = totalCost(kept.prices, new Map(layers.map((l) => [l, ends.includes(l) ? 8 : 2] as const))).flash_bytes;
    const tight = searchBits(graph, data, { ...options, budgets: { maxFlashBytes: leastWithEnds - 1 } });
    expect(tight.impossible).toBeUndefined();
    expect(tight.ladder[0]!.cost.flash_bytes).toBeLessThanOrEqual(leastWithEnds - 1);
    expect(tight.fixed.has(ends[0]!)).toBe(false);
  });

  it('offers no 16-bit step for a model with an int8-only op', () => {
    const graph = loadCanonical(fixture('kws-tiny'), []);
    const result = searchBits(graph, samples([1, 49, 10], 8), { target, objective: 'flash_bytes', maxDrop: 1e-6, budgets: {} });
    expect(result.ladder.every((c) => c.activation === 'int8')).toBe(true);
    expect(result.ladder[result.ladder.length - 1]!.assignment.size).toBeGreaterThan(0);
  });
});

/**
 * Picking configurations off the solver's front with the measured (not additive) proxy: the
 * cheapest front point whose fake-quant proxy on held-out synthetic samples is within the drop
 * budget, found by bisection along the front (objective ascending, additive proxy descending, so
 * the measured proxy falls roughly monotonically); every measurement is cached and reported.
 *
 * And the uniform configurations the choice must never do worse than: every layer at one width,
 * and the presets' default of the first and last weighted layers at 8 bits (bit-policy.ts).
 * Layers fixed by --layer-bits (or not probeable) keep their width in all of them.
 */
import type { WeightBits } from '../quant/pack.js';
import type { Probe, ProxyMeasure } from './sensitivity.js';
import type { FrontPoint } from './solver.js';

export interface MeasuredFront {
  front: FrontPoint[];
  /** Front index -> the measured proxy (only the points bisection looked at). */
  measured: Map<number, ProxyMeasure>;
  measure(index: number): ProxyMeasure;
}

export function assignmentKey(assignment: ReadonlyMap<string, WeightBits>): string {
  return [...assignment].map(([k, v]) => `${k}=${v}`).join(',');
}

export function measuredFront(front: FrontPoint[], probe: Probe, fixed: ReadonlyMap<string, WeightBits>): MeasuredFront {
  const measured = new Map<number, ProxyMeasure>();
  return {
    front,
    measured,
    measure(index) {
      let m = measured.get(index);
      if (!m) {
        m = probe.measure(new Map([...fixed, ...front[index]!.assignment]));
        measured.set(index, m);
      }
      return m;
    },
  };
}

/**
 * The cheapest front index whose measured proxy `meets` the budget, and whether one exists (if
 * none, the most precise point: the last).
 */
export function cheapestWithin(m: MeasuredFront, meets: (p: ProxyMeasure) => boolean): { index: number; met: boolean } {
  const last = m.front.length - 1;
  if (last < 0) throw new RangeError('empty front');
  if (!meets(m.measure(last))) return { index: last, met: false };
  let lo = 0;
  let hi = last; // invariant: hi meets the budget
  if (meets(m.measure(lo))) return { index: lo, met: true };
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (meets(m.measure(mid))) hi = mid;
    else lo = mid;
  }
  return { index: hi, met: true };
}

export interface UniformConfiguration {
  label: string;
  assignment: Map<string, WeightBits>;
}

export function uniformConfigurations(layers: readonly string[], widths: readonly WeightBits[], fixed: ReadonlyMap<string, WeightBits>): UniformConfiguration[] {
  const out: UniformConfiguration[] = [];
  const ends = new Set([layers[0], layers[layers.length - 1]]);
  for (const bits of widths) {
    out.push({ label: `uniform w${bits}`, assignment: new Map(layers.map((l) => [l, fixed.get(l) ?? bits])) });
    if (bits !== 8 && layers.length > 2) {
      out.push({ label: `w${bits}, first and last 8-bit`, assignment: new Map(layers.map((l) => [l, fixed.get(l) ?? (ends.has(l) ? 8 : bits)])) });
    }
  }
  return out;
}
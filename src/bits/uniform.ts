/**
 * The uniform configurations the search must never do worse than: every layer at one width, and
 * the presets' default of the first and last weighted layers at 8 bits (pipeline/bit-policy.ts).
 * Layers fixed by --layer-bits (or not probeable) keep their width in all of them.
 */
import type { WeightBits } from '../quant/pack.js';

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

/**
 * The flags of the bit-width search (`--bits auto`), parsed and checked as the other options are
 * (options.ts): every bad value is a one-line UsageError naming the flag.
 *
 *   --optimize flash|latency|energy   what the search minimises (default flash)
 *   --max-drop P                      accuracy-proxy budget, points (default 1)
 *   --layer-bits name=w4a8,...        widths fixed by hand (src/bits/layer-bits.ts)
 */
import { UsageError } from '../errors.js';
import { parseLayerBits, type LayerBits } from '../bits/layer-bits.js';
import type { Objective } from '../bits/solver.js';

export const OPTIMIZE_CHOICES = ['flash', 'latency', 'energy'] as const;
export type OptimizeChoice = (typeof OPTIMIZE_CHOICES)[number];
export const DEFAULT_MAX_DROP = 1;

export interface SearchFlags {
  optimize?: OptimizeChoice;
  /** Points of the accuracy proxy (src/bits/sensitivity.ts). */
  maxDrop?: number;
  /** Layer name -> widths; a string is parsed as --layer-bits takes it. */
  layerBits?: LayerBits | string;
}

const OBJECTIVE: Record<OptimizeChoice, Objective> = { flash: 'flash_bytes', latency: 'latency_ms', energy: 'energy_uj' };

export function parseOptimize(value: string): OptimizeChoice {
  if ((OPTIMIZE_CHOICES as readonly string[]).includes(value)) return value as OptimizeChoice;
  throw new UsageError(`--optimize "${value}": expected one of ${OPTIMIZE_CHOICES.join(', ')}`);
}

export function parseMaxDrop(value: string): number {
  const n = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n <= 0 || n > 100) throw new UsageError(`--max-drop "${value}": expected points of accuracy in (0, 100], e.g. 1 or 0.5`);
  return n;
}

export function resolveSearchFlags(o: SearchFlags): { optimize: Objective; maxDrop: number; layerBits: LayerBits | undefined } {
  const optimize = OBJECTIVE[parseOptimize(o.optimize ?? 'flash')];
  const maxDrop = o.maxDrop ?? DEFAULT_MAX_DROP;
  if (!(Number.isFinite(maxDrop) && maxDrop > 0 && maxDrop <= 100)) throw new UsageError(`--max-drop ${maxDrop}: expected points of accuracy in (0, 100]`);
  const layerBits = typeof o.layerBits === 'string' ? parseLayerBits(o.layerBits) : o.layerBits;
  return { optimize, maxDrop, layerBits };
}

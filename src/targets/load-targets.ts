/**
 * The target database: targets/<id>.json at the package root (shipped in the npm package, found
 * relative to this module both as src/targets/*.ts and as dist/targets/*.js, never relative to
 * the working directory). Files are read and validated on first use and cached.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { FileError, UsageError } from '../errors.js';
import type { ResolvedTarget, Target } from './target.js';
import { validateTarget } from './validate-target.js';

const TARGETS_DIR = new URL('../../targets/', import.meta.url);

/** The MLPerf Tiny reference board. */
export const DEFAULT_TARGET = 'stm32l4r5';

const cache = new Map<string, Target>();

/** Target ids, sorted. */
export function targetIds(): string[] {
  let names: string[];
  try {
    names = readdirSync(TARGETS_DIR);
  } catch (e) {
    throw new FileError(`the target database targets/ is missing from the edgec package (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -'.json'.length)).sort();
}

export function loadTarget(id: string): Target {
  const cached = cache.get(id);
  if (cached) return cached;
  const file = `targets/${id}.json`;
  let text: string;
  try {
    text = readFileSync(new URL(`${id}.json`, TARGETS_DIR), 'utf8');
  } catch (e) {
    throw new FileError(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new FileError(`${file} is not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const target = validateTarget(raw, file, id);
  cache.set(id, target);
  return target;
}

/** Every target in the database, sorted by id. */
export function listTargets(): Target[] {
  return targetIds().map(loadTarget);
}

export interface TargetOverrides {
  clockMhz?: number;
  vdd?: number;
}

/**
 * A target with --clock / --vdd applied. Active power scales with the clock (dynamic power) and,
 * through an LDO, with VDD (the regulator burns the difference: the current stays, so P = V x I;
 * mcu-data.md: L4R5 39-49 mW at 1.8 V, 70-78 mW at 3.0 V). A switching regulator converts
 * power, so through an SMPS it does not depend on VDD; a chip supplied directly ('external',
 * the Bit Fusion ASIC) dissipates C V^2 f.
 */
export function resolveTarget(id: string, overrides: TargetOverrides = {}): ResolvedTarget {
  if (!targetIds().includes(id)) throw new UsageError(`--target: unknown target "${id}" (known: ${targetIds().join(', ')})`);
  const t = loadTarget(id);
  const clock = overrides.clockMhz ?? t.clock_mhz;
  const vdd = overrides.vdd ?? t.vdd;
  if (!(clock > 0 && clock <= t.max_clock_mhz)) throw new UsageError(`--clock: ${clock} MHz is outside what ${t.id} runs at (up to ${t.max_clock_mhz} MHz)`);
  if (!(vdd >= t.vdd_range[0] && vdd <= t.vdd_range[1])) throw new UsageError(`--vdd: ${vdd} V is outside ${t.id}'s supply range [${t.vdd_range.join(', ')}] V`);
  const voltage = t.regulator === 'ldo' ? vdd / t.vdd : t.regulator === 'external' ? (vdd / t.vdd) ** 2 : 1;
  const power = t.active_power_mw * (clock / t.clock_mhz) * voltage;
  return { ...t, clock_mhz: clock, vdd, active_power_mw: power, base: { clock_mhz: t.clock_mhz, vdd: t.vdd, active_power_mw: t.active_power_mw } };
}

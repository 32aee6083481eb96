/**
 * Budgets: `--max-flash`, `--max-ram`, `--max-latency`, `--max-energy`, their units, and the
 * verdicts against a report's totals. The target's own flash and SRAM are budgets too, always
 * checked: a model that does not fit the chip fails exactly like one over a user's budget.
 *
 * Units. Sizes: a bare number is bytes; k/K/kB/KB/KiB mean 1024 bytes and M/MB/MiB 1024^2
 * (what datasheets and linker maps mean by "256 KB of SRAM"; there is no 1000-byte kilobyte here).
 * Times: ms, s, us/µs, ns (a unit is required). Energies: J, mJ, uJ/µJ, nJ (a unit is required).
 * A value that does not parse is a one-line UsageError naming the flag.
 */
import { UsageError } from '../errors.js';

export interface Budgets {
  maxFlashBytes?: number;
  maxRamBytes?: number;
  maxLatencyMs?: number;
  maxEnergyUj?: number;
}

/** One budget's verdict: over when actual > limit (equal is within budget). */
export interface BudgetCheck {
  limit: number;
  actual: number;
  ok: boolean;
}

/** report.json `budgets`: the flags the user set, and the target's memories (always present). */
export interface BudgetsReport {
  ok: boolean;
  flash_bytes?: BudgetCheck;
  ram_bytes?: BudgetCheck;
  latency_ms?: BudgetCheck;
  energy_uj?: BudgetCheck;
  target_flash_bytes: BudgetCheck;
  target_sram_bytes: BudgetCheck;
}

export type BudgetKey = Exclude<keyof BudgetsReport, 'ok'>;

/** What each budget is called in messages and the terminal view, and how its values print. */
export const BUDGET_LABELS: Record<BudgetKey, { what: string; flag: string | null; unit: 'bytes' | 'ms' | 'uJ' }> = {
  flash_bytes: { what: 'flash', flag: '--max-flash', unit: 'bytes' },
  ram_bytes: { what: 'RAM', flag: '--max-ram', unit: 'bytes' },
  latency_ms: { what: 'latency', flag: '--max-latency', unit: 'ms' },
  energy_uj: { what: 'energy', flag: '--max-energy', unit: 'uJ' },
  target_flash_bytes: { what: 'flash', flag: null, unit: 'bytes' },
  target_sram_bytes: { what: 'RAM', flag: null, unit: 'bytes' },
};

const NUMBER = '(\\d+(?:\\.\\d*)?|\\.\\d+)(?:e([-+]?\\d+))?';

function split(flag: string, value: string, units: RegExp, example: string): { n: number; unit: string } {
  const m = new RegExp(`^${NUMBER}\\s*(${units.source})?$`, 'i').exec(value.trim());
  const n = m ? Number(`${m[1]}e${m[2] ?? 0}`) : NaN;
  if (!m || !Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} "${value}": expected a positive amount with a unit, e.g. ${example}`);
  return { n, unit: m[3] ?? '' };
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2 };

/** Bytes from 262144, 256k, 256KiB, 1.5M (k = 1024); rounded down to whole bytes. */
export function parseByteSize(flag: string, value: string): number {
  const { n, unit } = split(flag, value, /[km]i?b?|b/, '256k, 256KiB, 262144 or 1.5M');
  const bytes = Math.floor(n * SIZE_UNITS[unit.toLowerCase()]!);
  if (bytes < 1) throw new UsageError(`${flag} "${value}": less than one byte`);
  return bytes;
}

const TIME_UNITS: Record<string, number> = { s: 1e3, ms: 1, us: 1e-3, 'µs': 1e-3, ns: 1e-6 };

/** Milliseconds from 50ms, 0.05s, 500us. */
export function parseDuration(flag: string, value: string): number {
  const { n, unit } = split(flag, value, /ms|s|us|µs|ns/, '50ms, 0.05s or 500us');
  if (unit === '') throw new UsageError(`${flag} "${value}": give a unit (ms, s, us), e.g. 50ms`);
  return n * TIME_UNITS[unit.toLowerCase()]!;
}

const ENERGY_UNITS: Record<string, number> = { j: 1e6, mj: 1e3, uj: 1, 'µj': 1, nj: 1e-3 };

/** Microjoules from 2mJ, 500uJ, 0.002J. "MJ" (megajoules) is refused rather than read as milli. */
export function parseEnergy(flag: string, value: string): number {
  const { n, unit } = split(flag, value, /mj|uj|µj|nj|j/, '2mJ or 500uJ');
  if (unit === '' || unit.startsWith('M')) throw new UsageError(`${flag} "${value}": give a unit (mJ, uJ, J), e.g. 2mJ`);
  return n * ENERGY_UNITS[unit.toLowerCase()]!;
}

/** The checks parsing does, for a programmatic caller that passes numbers. */
export function validateBudgets(b: Budgets): Budgets {
  const flags: [keyof Budgets, string][] = [['maxFlashBytes', '--max-flash'], ['maxRamBytes', '--max-ram'], ['maxLatencyMs', '--max-latency'], ['maxEnergyUj', '--max-energy']];
  for (const [key, flag] of flags) {
    const v = b[key];
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new UsageError(`${flag} ${v}: expected a positive amount`);
  }
  return b;
}

export interface BudgetActuals {
  flash_bytes: number;
  ram_bytes: number;
  latency_ms: number;
  energy_uj: number;
}

/** Every budget set, and the target's flash and SRAM, against the report's totals. */
export function checkBudgets(actual: BudgetActuals, budgets: Budgets, target: { flash_bytes: number; sram_bytes: number }): BudgetsReport {
  const check = (limit: number, value: number): BudgetCheck => ({ limit, actual: value, ok: value <= limit });
  const out: BudgetsReport = {
    ok: true,
    target_flash_bytes: check(target.flash_bytes, actual.flash_bytes),
    target_sram_bytes: check(target.sram_bytes, actual.ram_bytes),
  };
  if (budgets.maxFlashBytes !== undefined) out.flash_bytes = check(budgets.maxFlashBytes, actual.flash_bytes);
  if (budgets.maxRamBytes !== undefined) out.ram_bytes = check(budgets.maxRamBytes, actual.ram_bytes);
  if (budgets.maxLatencyMs !== undefined) out.latency_ms = check(budgets.maxLatencyMs, actual.latency_ms);
  if (budgets.maxEnergyUj !== undefined) out.energy_uj = check(budgets.maxEnergyUj, actual.energy_uj);
  out.ok = budgetEntries(out).every(([, c]) => c.ok);
  return out;
}

/** The checks of a report in a fixed order: the user's budgets first, then the chip's. */
export function budgetEntries(b: BudgetsReport): [BudgetKey, BudgetCheck][] {
  const order: BudgetKey[] = ['flash_bytes', 'ram_bytes', 'latency_ms', 'energy_uj', 'target_flash_bytes', 'target_sram_bytes'];
  return order.flatMap((k) => (b[k] ? [[k, b[k]] as [BudgetKey, BudgetCheck]] : []));
}

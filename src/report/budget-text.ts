/**
 * Words and units for the cost figures and budget verdicts, shared by the terminal view, the
 * BudgetError message and report.html: time in us/ms/s, energy in nJ/uJ/mJ, bytes in B/KiB/MiB
 * (1 KiB = 1024 B, as the budget flags read "k"), three significant digits.
 */
import { BUDGET_LABELS, budgetEntries, type BudgetCheck, type BudgetKey, type BudgetsReport } from '../pipeline/budgets.js';
import type { TargetReport } from './cost-report.js';
import { formatBytes } from './table.js';

function significant(v: number): string {
  return v >= 100 ? v.toFixed(0) : v.toPrecision(3);
}

/** Milliseconds as 512 us, 12.3 ms, 1.25 s. */
export function formatMs(ms: number, micro = 'us'): string {
  if (ms === 0) return '0 ms';
  if (ms < 1) return `${significant(ms * 1e3)} ${micro}`;
  if (ms < 1000) return `${significant(ms)} ms`;
  return `${significant(ms / 1e3)} s`;
}

/** Microjoules as 850 nJ, 12.3 uJ, 1.25 mJ. */
export function formatUj(uj: number, micro = 'uJ'): string {
  if (uj === 0) return `0 ${micro}`;
  if (uj < 1) return `${significant(uj * 1e3)} nJ`;
  if (uj < 1000) return `${significant(uj)} ${micro}`;
  if (uj < 1e6) return `${significant(uj / 1e3)} mJ`;
  return `${significant(uj / 1e6)} J`;
}

/** A budget's value in its unit. */
export function formatBudgetValue(key: BudgetKey, v: number, micro = 'u'): string {
  const unit = BUDGET_LABELS[key].unit;
  if (unit === 'bytes') return formatBytes(v);
  return unit === 'ms' ? formatMs(v, `${micro}s`) : formatUj(v, `${micro}J`);
}

/** What a budget is, in words: "--max-ram 64.0 KiB" or "stm32l4r5's 640.0 KiB SRAM". */
export function describeLimit(key: BudgetKey, check: BudgetCheck, target: Pick<TargetReport, 'id'>, micro = 'u'): string {
  const limit = formatBudgetValue(key, check.limit, micro);
  if (key === 'target_flash_bytes') return `${target.id}'s ${limit} flash`;
  if (key === 'target_sram_bytes') return `${target.id}'s ${limit} SRAM`;
  return `${BUDGET_LABELS[key].flag} ${limit}`;
}

/** "RAM 70.2 KiB exceeds --max-ram 64.0 KiB by 6.2 KiB (+9.7%)", or "... within ... (92% used)". */
export function describeCheck(key: BudgetKey, check: BudgetCheck, target: Pick<TargetReport, 'id'>, micro = 'u'): string {
  const label = BUDGET_LABELS[key];
  const actual = formatBudgetValue(key, check.actual, micro);
  const limit = describeLimit(key, check, target, micro);
  const share = (100 * check.actual) / check.limit;
  if (check.ok) return `${label.what} ${actual} within ${limit} (${share < 1 ? '<1' : share.toFixed(0)}% used)`;
  const over = formatBudgetValue(key, check.actual - check.limit, micro);
  const fits = key.startsWith('target_') ? 'does not fit' : 'exceeds';
  return `${label.what} ${actual} ${fits} ${limit}: over by ${over} (+${(share - 100).toFixed(1)}%)`;
}

/** The one-line BudgetError message naming every budget missed; null when all are met. */
export function budgetMissMessage(budgets: BudgetsReport, target: Pick<TargetReport, 'id'>): string | null {
  const missed = budgetEntries(budgets).filter(([, c]) => !c.ok);
  if (missed.length === 0) return null;
  return `budget missed: ${missed.map(([k, c]) => describeCheck(k, c, target)).join('; ')}`;
}

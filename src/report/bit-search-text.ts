/**
 * The terminal view of `--bits auto` (report.json `bit_search`, src/bits/explain.ts): each weighted
 * layer's widths with its sensitivity and what it saves, the uniform configurations it was
 * compared with, the Pareto front of the objective against the accuracy proxy (thinned to
 * FRONT_ROWS rows, always with the chosen point), and the realizations the budget loop checked.
 */
import type { ChalkInstance } from 'chalk';
import type { BitSearchReport, ConfigurationReport } from '../bits/explain.js';
import { formatMs, formatUj } from './budget-text.js';
import { formatBytes, renderTable } from './table.js';

const FRONT_ROWS = 12;
const right = { align: 'right' } as const;

function formatObjective(objective: BitSearchReport['objective'], v: number): string {
  return objective === 'flash_bytes' ? formatBytes(v) : objective === 'latency_ms' ? formatMs(v) : formatUj(v);
}

const points = (x: number | null) => (x === null ? '' : x.toFixed(x < 10 ? 3 : 1));

function layers(b: BitSearchReport): string {
  const rows = b.layers.map((l) => [l.name, `w${l.weight_bits}`, points(l.sensitivity['8'] ?? null), points(l.sensitivity['4'] ?? null), points(l.sensitivity['2'] ?? null), formatBytes(l.saved.flash_bytes), l.why]);
  return renderTable(
    [{ header: 'layer' }, { header: 'bits' }, { header: 'sens w8', ...right }, { header: 'w4', ...right }, { header: 'w2', ...right }, { header: 'saved', ...right }, { header: 'why' }],
    rows,
  );
}

function configurations(b: BitSearchReport, list: ConfigurationReport[], chalk: ChalkInstance): string {
  const rows = list.map((c) => [c.label, formatBytes(c.flash_bytes), formatBytes(c.weight_bytes), formatMs(c.latency_ms), formatUj(c.energy_uj), points(c.proxy_measured.drop), c.meets_drop ? 'yes' : 'no']);
  return renderTable(
    [{ header: 'configuration' }, { header: 'flash', ...right }, { header: 'weights', ...right }, { header: 'latency', ...right }, { header: 'energy', ...right }, { header: 'proxy', ...right }, { header: 'meets drop' }],
    rows,
    (s, row) => (row === 0 ? chalk.bold(s) : s),
  );
}

function front(b: BitSearchReport): string {
  const all = b.front;
  const chosen = b.chosen.proxy_additive;
  const step = Math.max(1, all.length / FRONT_ROWS);
  const picked = new Set(Array.from({ length: Math.min(all.length, FRONT_ROWS) }, (_, j) => Math.floor(j * step)));
  all.forEach((p, i) => (Math.abs(p.proxy_additive - chosen) < 1e-9 || i === all.length - 1) && picked.add(i));
  const rows = [...picked].sort((x, y) => x - y).map((i) => {
    const p = all[i]!;
    return [formatObjective(b.objective, p.objective), points(p.proxy_additive), points(p.proxy_measured), p.weight_bits, Math.abs(p.proxy_additive - chosen) < 1e-9 ? '<- chosen' : ''];
  });
  return renderTable([{ header: b.objective.replace(/_.*/, ''), ...right }, { header: 'proxy (sum)', ...right }, { header: 'measured', ...right }, { header: 'weight bits by layer' }, { header: '' }], rows);
}

export function renderBitSearch(b: BitSearchReport, chalk: ChalkInstance): string {
  const realized = b.realizations.map((r) => `  ${r.meets_drop ? chalk.green('ok    ') : chalk.red('missed')} ${r.label}: proxy ${points(r.proxy.drop)} on the integer reference${r.proxy.agreement === null ? '' : `, top-1 agreement ${(100 * r.proxy.agreement).toFixed(1)}%`}`);
  return [
    `${chalk.bold('bit widths')} (--bits auto): minimising ${b.objective.replace(/_.*/, '')} under --max-drop ${b.max_drop} (proxy held to ${b.proxy_budget}, points on ${b.holdout_samples} held-out synthetic samples; sensitivities on ${b.search_samples})`,
    ...(b.impossible ? [chalk.red(`${b.impossible}; compiled the closest configuration`)] : []),
    layers(b),
    '',
    configurations(b, [b.chosen, ...b.uniform], chalk),
    '',
    `Pareto front (${b.front.length} points kept of the ${b.exact ? 'exact' : 'thinned'} front):`,
    front(b),
    ...(realized.length > 0 ? ['checked after quantization and distillation:', ...realized] : []),
  ].join('\n');
}

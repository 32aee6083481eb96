/**
 * The terminal view of `edgec compress`: the per-layer table with the predicted cost on the target
 * (cycles, latency, energy, flash) and a totals row, the totals in words, fidelity, the budget
 * verdicts and where the files went. Colour comes from the caller's chalk (level 0 off a terminal
 * or with NO_COLOR, see cli/output.ts), applied after layout so widths never count escape codes.
 */
import type { ChalkInstance } from 'chalk';
import { budgetEntries } from '../pipeline/budgets.js';
import { describeCheck, formatMs, formatUj } from './budget-text.js';
import type { CompressReport } from './compress-report.js';
import { formatBytes, formatCount, renderTable } from './table.js';
import { renderBitSearch } from './bit-search-text.js';

export function formatDb(db: number | null): string {
  return db === null ? 'exact' : `${db.toFixed(1)} dB`;
}

function layerTable(r: CompressReport, chalk: ChalkInstance): string {
  const rows = r.layers.map((l) => [
    l.name,
    l.op,
    `${l.w_bits === null ? '' : `w${l.w_bits}`}a${l.a_bits}`,
    formatCount(l.macs),
    formatCount(l.cycles),
    formatMs(l.latency_ms),
    formatUj(l.energy_uj),
    formatCount(l.flash_bytes),
    formatDb(l.sqnr_db),
  ]);
  const t = r.totals;
  rows.push(['total', '', '', formatCount(t.macs), formatCount(t.cycles), formatMs(t.latency_ms), formatUj(t.energy_uj), formatCount(t.const_bytes), '']);
  const right = { align: 'right' } as const;
  return renderTable(
    [
      { header: 'layer' },
      { header: 'op' },
      { header: 'bits' },
      { header: 'MACs', ...right },
      { header: 'cycles', ...right },
      { header: 'latency', ...right },
      { header: 'energy', ...right },
      { header: 'flash B', ...right },
      { header: 'SQNR', ...right },
    ],
    rows,
    (line, i) => (i === rows.length - 1 ? chalk.bold(line) : line),
  );
}

function targetLine(r: CompressReport): string {
  const t = r.target;
  const stack = t.stack !== null ? `; ${t.stack}` : '';
  return `target: ${t.id}, ${t.name}: ${t.core} at ${t.clock_mhz} MHz, ${t.vdd} V, ${t.active_power_mw.toFixed(1)} mW active${stack}`;
}

export function budgetLines(r: CompressReport, chalk: ChalkInstance): string[] {
  return budgetEntries(r.budgets).map(([key, check]) => {
    const verdict = check.ok ? chalk.green('ok    ') : chalk.red.bold('MISSED');
    const text = describeCheck(key, check, r.target);
    return `  ${verdict} ${check.ok ? text : chalk.red(text)}`;
  });
}

export function renderCompress(r: CompressReport, dir: string, chalk: ChalkInstance): string {
  const t = r.totals;
  const policy =
    r.bit_policy.rule === 'first-last-8bit' && r.bit_policy.eight_bit_layers.length > 0
      ? `; kept at 8 bits (first and last weighted layers): ${r.bit_policy.eight_bit_layers.join(', ')}`
      : '';
  return [
    `${chalk.bold(r.model.file)} -> ${chalk.bold(dir)} (${r.options.bits}${policy})`,
    targetLine(r),
    `calibration: ${r.options.calibration}`,
    '',
    layerTable(r, chalk),
    '',
    `${chalk.bold('total')}: ${t.layers} layers, ${formatCount(t.params)} parameters, ${formatCount(t.macs)} MACs; ` +
      `flash ${formatBytes(t.flash_bytes)} (weights ${formatBytes(t.weights_bytes)}, constants ${formatBytes(t.const_bytes)}, code ${formatBytes(t.code_bytes)}); ` +
      `RAM ${formatBytes(t.ram_bytes)} (arena ${formatBytes(t.arena_bytes)} + I/O buffers ${formatBytes(t.io_bytes)})`,
    `predicted on ${r.target.id}: ${formatMs(t.latency_ms)} and ${formatUj(t.energy_uj)} per inference (${formatCount(t.cycles)} cycles)`,
    `output vs fp32 on ${r.accuracy.samples} ${r.accuracy.eval_inputs}: SQNR ${formatDb(r.accuracy.output_sqnr_db)}, ` +
      `max abs error ${r.accuracy.max_abs_error.toPrecision(3)}`,
    r.budgets.ok ? `budgets: ${chalk.green('all met')}` : `budgets: ${chalk.red.bold('missed')}`,
    ...budgetLines(r, chalk),
    ...(r.bit_search ? ['', renderBitSearch(r.bit_search, chalk), ''] : []),
    `files: ${r.files.join(', ')}`,
  ].join('\n');
}

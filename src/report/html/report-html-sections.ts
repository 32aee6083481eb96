/**
 * The non-chart parts of report.html: the summary cards (flash, RAM, latency, energy with their
 * budget verdicts), the budgets table and the per-layer table. Every model-derived string passes
 * through the escaping `html` tag.
 */
import { BUDGET_LABELS, budgetEntries, type BudgetCheck, type BudgetKey } from '../../pipeline/budgets.js';
import { describeCheck, describeLimit, formatBudgetValue, formatMs, formatUj } from '../budget-text.js';
import { formatDb } from '../compress-text.js';
import type { CompressReport } from '../compress-report.js';
import { formatBytes, formatCount } from '../table.js';
import { html, type Markup } from './html-template.js';

const MICRO = '\u00b5';

function verdictOf(r: CompressReport, keys: BudgetKey[]): Markup {
  const checks = keys.flatMap((k) => (r.budgets[k] ? [[k, r.budgets[k]] as [BudgetKey, BudgetCheck]] : []));
  return html`${checks.map(([k, c]) => html`<div class="${c.ok ? 'ok' : 'miss'}">${c.ok ? '\u2713' : '\u2717'} ${describeLimit(k, c, r.target, MICRO)}</div>`)}`;
}

function card(title: string, value: string, detail: string, verdict: Markup | string = ''): Markup {
  return html`<div class="card"><div class="card-title">${title}</div><div class="card-value">${value}</div><div class="card-detail">${detail}</div>${verdict}</div>`;
}

export function summaryCards(r: CompressReport): Markup {
  const t = r.totals;
  return html`<section class="cards">${[
    card('Flash', formatBytes(t.flash_bytes), `constants ${formatBytes(t.const_bytes)} + code ${formatBytes(t.code_bytes)}`, verdictOf(r, ['flash_bytes', 'target_flash_bytes'])),
    card('RAM', formatBytes(t.ram_bytes), `arena ${formatBytes(t.arena_bytes)} + I/O buffers ${formatBytes(t.io_bytes)}`, verdictOf(r, ['ram_bytes', 'target_sram_bytes'])),
    card('Latency', formatMs(t.latency_ms, `${MICRO}s`), `${formatCount(t.cycles)} cycles at ${r.target.clock_mhz} MHz`, verdictOf(r, ['latency_ms'])),
    card('Energy', formatUj(t.energy_uj, `${MICRO}J`), `${r.target.active_power_mw.toFixed(1)} mW active at ${r.target.vdd} V`, verdictOf(r, ['energy_uj'])),
    card('Compute', `${formatCount(t.macs)} MACs`, `${t.layers} layers, ${formatCount(t.params)} parameters`),
    card('Fidelity', formatDb(r.accuracy.output_sqnr_db), `output SQNR vs fp32 on ${r.accuracy.samples} ${r.accuracy.eval_inputs}`),
  ]}</section>`;
}

export function budgetsTable(r: CompressReport): Markup {
  const rows = budgetEntries(r.budgets).map(([k, c]) => {
    const source = BUDGET_LABELS[k].flag ?? `${r.target.id} ${k === 'target_flash_bytes' ? 'flash' : 'SRAM'}`;
    return html`<tr class="${c.ok ? 'ok' : 'miss'}"><td>${source}</td><td class="num">${formatBudgetValue(k, c.actual, MICRO)}</td><td class="num">${formatBudgetValue(k, c.limit, MICRO)}</td><td>${c.ok ? 'ok' : 'MISSED'}: ${describeCheck(k, c, r.target, MICRO)}</td></tr>`;
  });
  const verdict = r.budgets.ok ? html`<p class="ok">All budgets met.</p>` : html`<p class="miss">Budget missed: edgec compress exited with code 5.</p>`;
  return html`${verdict}<table><thead><tr><th>budget</th><th>actual</th><th>limit</th><th>verdict</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function layerTable(r: CompressReport): Markup {
  const rows = r.layers.map((l, i) => html`<tr><td class="num">${i}</td><td class="name">${l.name}</td><td>${l.op}</td><td>${l.kind}</td><td>${l.w_bits === null ? '' : `w${l.w_bits}`}a${l.a_bits}</td><td class="num">${formatCount(l.macs)}</td><td class="num">${formatCount(l.cycles)}</td><td class="num">${formatMs(l.latency_ms, `${MICRO}s`)}</td><td class="num">${formatUj(l.energy_uj, `${MICRO}J`)}</td><td class="num">${formatCount(l.flash_bytes)}</td><td class="num">${formatCount(l.scratch_bytes)}</td><td class="num">${formatDb(l.sqnr_db)}</td></tr>`);
  const t = r.totals;
  const total = html`<tr class="total"><td></td><td>total</td><td></td><td></td><td></td><td class="num">${formatCount(t.macs)}</td><td class="num">${formatCount(t.cycles)}</td><td class="num">${formatMs(t.latency_ms, `${MICRO}s`)}</td><td class="num">${formatUj(t.energy_uj, `${MICRO}J`)}</td><td class="num">${formatCount(t.const_bytes)}</td><td></td><td></td></tr>`;
  return html`<table class="layers"><thead><tr><th>#</th><th>layer</th><th>op</th><th>cost kind</th><th>bits</th><th>MACs</th><th>cycles</th><th>latency</th><th>energy</th><th>flash B</th><th>scratch B</th><th>SQNR</th></tr></thead><tbody>${rows}${total}</tbody></table>`;
}

export function memoryTable(r: CompressReport): Markup {
  const rows = r.memory.buffers.map((b) => html`<tr><td class="name">${b.name}</td><td>${b.kind}</td><td class="num">${formatCount(b.offset)}</td><td class="num">${formatCount(b.size)}</td><td class="num">${b.first_step}</td><td class="num">${b.last_step}</td></tr>`);
  return html`<details><summary>${r.memory.buffers.length} buffers in the arena (offsets aligned to ${r.memory.alignment} bytes)</summary><table><thead><tr><th>buffer</th><th>kind</th><th>offset</th><th>bytes</th><th>first step</th><th>last step</th></tr></thead><tbody>${rows}</tbody></table></details>`;
}

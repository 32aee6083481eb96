/**
 * report.html: the third view of report.json, one self-contained offline page. Inline CSS and
 * SVG only: no script, no external font, stylesheet or image, and a Content-Security-Policy that
 * forbids fetching anything, so opening it from a CI artifact store is safe even though layer and
 * tensor names come from an untrusted model (all escaped, see html-template.ts). Deterministic:
 * the same report gives the same bytes (no dates, fixed number formatting).
 */
import { BUDGET_LABELS, budgetEntries, type BudgetCheck, type BudgetKey } from '../../pipeline/budgets.js';
import { describeCheck, describeLimit, formatBudgetValue, formatMs, formatUj } from '../budget-text.js';
import { formatDb } from '../compress-text.js';
import type { CompressReport } from '../compress-report.js';
import { formatBytes, formatCount } from '../table.js';
import { html, trusted, type Markup } from './html-template.js';
import { barChartSvg, memoryTimelineSvg, type Bar } from './svg-charts.js';
import { bitSearchSection } from './pareto-svg.js';

export const HTML_REPORT_FILE = 'report.html';

const MICRO = '\u00b5';
const BIT_CLASSES: Record<number, string> = { 8: 'w8', 4: 'w4', 2: 'w2' };

function latencyBars(r: CompressReport): Bar[] {
  return r.layers.map((l) => ({ label: l.name, value: l.latency_ms, text: formatMs(l.latency_ms, `${MICRO}s`), colour: 'lat', title: `${l.name} (${l.op}): ${formatMs(l.latency_ms, `${MICRO}s`)}, ${l.cycles} cycles` }));
}

function energyBars(r: CompressReport): Bar[] {
  return r.layers.map((l) => ({ label: l.name, value: l.energy_uj, text: formatUj(l.energy_uj, `${MICRO}J`), colour: 'energy' }));
}

function weightBars(r: CompressReport): Bar[] {
  return r.layers
    .filter((l) => l.w_bits !== null)
    .map((l) => ({ label: l.name, value: l.weight_bytes, text: formatBytes(l.weight_bytes), colour: BIT_CLASSES[l.w_bits!] ?? 'w8', title: `${l.name}: ${l.weight_bytes} bytes of int${l.w_bits} weights` }));
}

function weightLegend(r: CompressReport): [string, string][] {
  const widths = [...new Set(r.layers.flatMap((l) => (l.w_bits === null ? [] : [l.w_bits])))].sort((a, b) => b - a);
  return widths.map((w) => {
    const bytes = r.layers.filter((l) => l.w_bits === w).reduce((s, l) => s + l.weight_bytes, 0);
    return [BIT_CLASSES[w] ?? 'w8', `int${w}: ${formatBytes(bytes)}`];
  });
}

/** The stylesheet (inline; system fonts only, nothing fetched). Light and dark. */
const REPORT_CSS = `
:root { color-scheme: light dark; --fg: #1d2330; --dim: #667085; --bg: #ffffff; --card: #f4f6fa; --line: #d0d5dd;
  --ok: #157f3b; --miss: #c4320a; --lat: #3b6fd8; --energy: #d9822b; --w8: #3b6fd8; --w4: #9b51e0; --w2: #12a594; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e4e7ec; --dim: #98a2b3; --bg: #101828; --card: #1d2939; --line: #344054; --ok: #47cd89; --miss: #f97066; }
}
body { margin: 0 auto; max-width: 980px; padding: 16px 24px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 16px; margin: 24px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.meta { margin: 2px 0; color: var(--dim); overflow-wrap: anywhere; }
.dim { color: var(--dim); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 10px; margin-top: 16px; }
.card { background: var(--card); border-radius: 8px; padding: 10px 12px; }
.card-title { color: var(--dim); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card-value { font-size: 22px; font-weight: 600; }
.card-detail { color: var(--dim); font-size: 12px; }
.ok { color: var(--ok); }
.miss { color: var(--miss); font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--line); }
th { color: var(--dim); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th { white-space: nowrap; }
td.name { max-width: 260px; overflow-wrap: anywhere; }
tr.total td { font-weight: 600; border-top: 2px solid var(--line); }
details { margin-top: 8px; }
svg.chart { display: block; max-width: 100%; height: auto; font: 11px system-ui, sans-serif; }
svg .label, svg .value, svg .tick { fill: var(--fg); }
svg .axis, svg .grid { stroke: var(--line); }
svg .frame { fill: none; stroke: var(--line); }
svg .lat { fill: var(--lat); } svg .energy { fill: var(--energy); }
svg .w8 { fill: var(--w8); } svg .w4 { fill: var(--w4); } svg .w2 { fill: var(--w2); }
svg .m0 { fill: #3b6fd8; } svg .m1 { fill: #d9822b; } svg .m2 { fill: #12a594; } svg .m3 { fill: #9b51e0; }
svg .m4 { fill: #e5484d; } svg .m5 { fill: #8da101; } svg .m6 { fill: #0091ff; } svg .m7 { fill: #ad7f58; }
svg [class^="m"], svg .scratch { stroke: var(--bg); stroke-width: .5; }
svg .scratch { fill: url(#hatch); }
svg .hatch-bg { fill: #98a2b3; } svg .hatch-line { stroke: #475467; stroke-width: 3; }
svg g.row:hover rect { opacity: .8; }
footer { margin-top: 24px; }
`;

function verdictOf(r: CompressReport, keys: BudgetKey[]): Markup {
  const checks = keys.flatMap((k) => (r.budgets[k] ? [[k, r.budgets[k]] as [BudgetKey, BudgetCheck]] : []));
  return html`${checks.map(([k, c]) => html`<div class="${c.ok ? 'ok' : 'miss'}">${c.ok ? '\u2713' : '\u2717'} ${describeLimit(k, c, r.target, MICRO)}</div>`)}`;
}

function card(title: string, value: string, detail: string, verdict: Markup | string = ''): Markup {
  return html`<div class="card"><div class="card-title">${title}</div><div class="card-value">${value}</div><div class="card-detail">${detail}</div>${verdict}</div>`;
}

function summaryCards(r: CompressReport): Markup {
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

function budgetsTable(r: CompressReport): Markup {
  const rows = budgetEntries(r.budgets).map(([k, c]) => {
    const source = BUDGET_LABELS[k].flag ?? `${r.target.id} ${k === 'target_flash_bytes' ? 'flash' : 'SRAM'}`;
    return html`<tr class="${c.ok ? 'ok' : 'miss'}"><td>${source}</td><td class="num">${formatBudgetValue(k, c.actual, MICRO)}</td><td class="num">${formatBudgetValue(k, c.limit, MICRO)}</td><td>${c.ok ? 'ok' : 'MISSED'}: ${describeCheck(k, c, r.target, MICRO)}</td></tr>`;
  });
  const verdict = r.budgets.ok ? html`<p class="ok">All budgets met.</p>` : html`<p class="miss">Budget missed: edgec compress exited with code 5.</p>`;
  return html`${verdict}<table><thead><tr><th>budget</th><th>actual</th><th>limit</th><th>verdict</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function layerTable(r: CompressReport): Markup {
  const rows = r.layers.map((l, i) => html`<tr><td class="num">${i}</td><td class="name">${l.name}</td><td>${l.op}</td><td>${l.kind}</td><td>${l.w_bits === null ? '' : `w${l.w_bits}`}a${l.a_bits}</td><td class="num">${formatCount(l.macs)}</td><td class="num">${formatCount(l.cycles)}</td><td class="num">${formatMs(l.latency_ms, `${MICRO}s`)}</td><td class="num">${formatUj(l.energy_uj, `${MICRO}J`)}</td><td class="num">${formatCount(l.flash_bytes)}</td><td class="num">${formatCount(l.scratch_bytes)}</td><td class="num">${formatDb(l.sqnr_db)}</td></tr>`);
  const t = r.totals;
  const total = html`<tr class="total"><td></td><td>total</td><td></td><td></td><td></td><td class="num">${formatCount(t.macs)}</td><td class="num">${formatCount(t.cycles)}</td><td class="num">${formatMs(t.latency_ms, `${MICRO}s`)}</td><td class="num">${formatUj(t.energy_uj, `${MICRO}J`)}</td><td class="num">${formatCount(t.const_bytes)}</td><td></td><td></td></tr>`;
  return html`<table class="layers"><thead><tr><th>#</th><th>layer</th><th>op</th><th>cost kind</th><th>bits</th><th>MACs</th><th>cycles</th><th>latency</th><th>energy</th><th>flash B</th><th>scratch B</th><th>SQNR</th></tr></thead><tbody>${rows}${total}</tbody></table>`;
}

function memoryTable(r: CompressReport): Markup {
  const rows = r.memory.buffers.map((b) => html`<tr><td class="name">${b.name}</td><td>${b.kind}</td><td class="num">${formatCount(b.offset)}</td><td class="num">${formatCount(b.size)}</td><td class="num">${b.first_step}</td><td class="num">${b.last_step}</td></tr>`);
  return html`<details><summary>${r.memory.buffers.length} buffers in the arena (offsets aligned to ${r.memory.alignment} bytes)</summary><table><thead><tr><th>buffer</th><th>kind</th><th>offset</th><th>bytes</th><th>first step</th><th>last step</th></tr></thead><tbody>${rows}</tbody></table></details>`;
}

export function renderReportHtml(r: CompressReport): string {
  const t = r.target;
  const title = `edgec report: ${r.name} on ${t.name}`;
  const weights = weightBars(r);
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${title}</title>
<style>${trusted(REPORT_CSS)}</style>
</head>
<body>
<header>
<h1>${r.name} <span class="dim">on</span> ${t.name}</h1>
<p class="meta">${r.model.file} (sha256 ${r.model.sha256.slice(0, 12)}, ${r.model.producer}, opset ${r.model.opset}) &middot; ${r.options.bits}${r.bit_policy.eight_bit_layers.length > 0 ? `, kept at 8 bits: ${r.bit_policy.eight_bit_layers.join(', ')}` : ''}</p>
<p class="meta">${t.id}: ${t.core} at ${t.clock_mhz} MHz, ${t.vdd} V (${t.regulator}), ${t.active_power_mw.toFixed(1)} mW active${t.stack !== null ? `, ${t.stack}` : ''}; ${formatBytes(t.flash_bytes)} flash, ${formatBytes(t.sram_bytes)} SRAM</p>
</header>
<main>
${summaryCards(r)}
<section><h2>Budgets</h2>${budgetsTable(r)}</section>
<section><h2>Latency per layer</h2>${barChartSvg(latencyBars(r), { title: 'Latency per layer' })}</section>
<section><h2>Energy per layer</h2>${barChartSvg(energyBars(r), { title: 'Energy per layer' })}</section>
<section><h2>Arena memory timeline</h2><p class="dim">${formatBytes(r.memory.arena_bytes)} arena (NAME_ARENA_SIZE); each rectangle is a buffer over the steps it is live; hatched: kernel scratch.</p>${memoryTimelineSvg(r.memory, r.layers.map((l) => l.name))}${memoryTable(r)}</section>
<section><h2>Weight bytes per layer by bit width</h2>${weights.length > 0 ? barChartSvg(weights, { title: 'Weight bytes per layer', legend: weightLegend(r) }) : html`<p class="dim">No layer has weights.</p>`}</section>
${r.bit_search ? bitSearchSection(r.bit_search) : ''}
<section><h2>Layers</h2>${layerTable(r)}</section>
</main>
<footer><p class="dim">Written by edgec ${r.edgec_version}. Latency and energy are predictions from the calibrated coefficients of targets/${t.id}.json, not measurements. Files: ${r.files.join(', ')}.</p></footer>
</body>
</html>
`;
  return page.text;
}

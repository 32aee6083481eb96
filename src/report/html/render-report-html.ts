/**
 * report.html: the third view of report.json, one self-contained offline page. Inline CSS and
 * SVG only: no script, no external font, stylesheet or image, and a Content-Security-Policy that
 * forbids fetching anything, so opening it from a CI artifact store is safe even though layer and
 * tensor names come from an untrusted model (all escaped, see html-template.ts). Deterministic:
 * the same report gives the same bytes (no dates, fixed number formatting).
 */
import type { CompressReport } from '../compress-report.js';
import { formatBytes } from '../table.js';
import { formatMs, formatUj } from '../budget-text.js';
import { barChartSvg, type Bar } from './bar-chart-svg.js';
import { html, trusted } from './html-template.js';
import { memoryTimelineSvg } from './memory-timeline-svg.js';
import { budgetsTable, layerTable, memoryTable, summaryCards } from './report-html-sections.js';
import { REPORT_CSS } from './report-css.js';

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
<section><h2>Layers</h2>${layerTable(r)}</section>
</main>
<footer><p class="dim">Written by edgec ${r.edgec_version}. Latency and energy are predictions from the calibrated coefficients of targets/${t.id}.json, not measurements. Files: ${r.files.join(', ')}.</p></footer>
</body>
</html>
`;
  return page.text;
}

/**
 * report.html's chart of the bit-width search (report.json `bit_search`): the Pareto front of the
 * objective (flash, latency or energy; x, linear) against the accuracy proxy (y, points, log
 * scale: the front spans 0.01 to 100 points). The front's points (additive proxy) are joined as
 * a staircase; the points whose proxy was measured on held-out samples are filled; the uniform
 * configurations are squares; the chosen configuration is ringed; the dashed line is --max-drop.
 * Colours are SVG attributes (no stylesheet needed); hover text names each point's widths. Pure:
 * the same report gives the same bytes.
 */
import type { BitSearchReport } from '../../bits/explain.js';
import { formatMs, formatUj } from '../budget-text.js';
import { formatBytes } from '../table.js';
import { html, px, type Markup } from './html-template.js';

const LEFT = 64;
const RIGHT = 16;
const TOP = 12;
const BOTTOM = 40;
const FLOOR = 0.001; // proxies below this (w8 on an easy model) sit on the axis

export function paretoSvg(b: BitSearchReport, width = 720, plotHeight = 280): Markup {
  const plotWidth = width - LEFT - RIGHT;
  const height = TOP + plotHeight + BOTTOM;
  const format = (v: number) => (b.objective === 'flash_bytes' ? formatBytes(v) : b.objective === 'latency_ms' ? formatMs(v) : formatUj(v));
  const costOf = (c: BitSearchReport['chosen']) => c[b.objective];
  const xs = [...b.front.map((p) => p.objective), ...b.uniform.map(costOf), costOf(b.chosen)];
  const ys = [...b.front.flatMap((p) => [p.proxy_additive, p.proxy_measured ?? p.proxy_additive]), ...b.uniform.map((u) => u.proxy_measured.drop), b.proxy_budget];
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const logOf = (v: number) => Math.log10(Math.max(v, FLOOR));
  const [y0, y1] = [Math.floor(Math.min(...ys.map(logOf))), Math.ceil(Math.max(...ys.map(logOf)))];
  const X = (v: number) => LEFT + (x1 > x0 ? ((v - x0) / (x1 - x0)) * plotWidth : plotWidth / 2);
  const Y = (v: number) => TOP + plotHeight - (y1 > y0 ? ((logOf(v) - y0) / (y1 - y0)) * plotHeight : plotHeight / 2);

  const stairs = b.front.map((p, i) => `${i === 0 ? 'M' : 'L'}${px(X(p.objective))},${px(Y(p.proxy_additive))}`).join(' ');
  const front = b.front.map(
    (p) => html`<circle cx="${px(X(p.objective))}" cy="${px(Y(p.proxy_additive))}" r="2.5" fill="#9bb7d4"><title>${format(p.objective)}, proxy ${p.proxy_additive} (sum of layers), weights ${p.weight_bits}</title></circle>`,
  );
  const measured = b.front.flatMap((p) =>
    p.proxy_measured === null ? [] : [html`<circle cx="${px(X(p.objective))}" cy="${px(Y(p.proxy_measured))}" r="4" fill="#1f5f99"><title>${format(p.objective)}, measured proxy ${p.proxy_measured}, weights ${p.weight_bits}</title></circle>`],
  );
  const uniform = b.uniform.map((u) => {
    const [x, y] = [X(costOf(u)), Y(u.proxy_measured.drop)];
    return html`<rect x="${px(x - 4)}" y="${px(y - 4)}" width="8" height="8" fill="none" stroke="#b35c00" stroke-width="1.5"><title>${u.label}: ${format(costOf(u))}, measured proxy ${u.proxy_measured.drop}</title></rect>`;
  });
  const c = b.chosen;
  const chosen = html`<circle cx="${px(X(costOf(c)))}" cy="${px(Y(c.proxy_measured.drop))}" r="8" fill="none" stroke="#1a7f37" stroke-width="2"><title>chosen (${c.label}): ${format(costOf(c))}, measured proxy ${c.proxy_measured.drop}</title></circle>`;
  const budgetY = Y(b.proxy_budget);
  const budget = html`<line x1="${LEFT}" y1="${px(budgetY)}" x2="${LEFT + plotWidth}" y2="${px(budgetY)}" stroke="#c62828" stroke-dasharray="5 4"/><text x="${LEFT + plotWidth - 4}" y="${px(budgetY - 4)}" text-anchor="end" font-size="11" fill="#c62828">proxy budget ${b.proxy_budget} (--max-drop ${b.max_drop})</text>`;
  const yTicks: Markup[] = [];
  for (let e = y0; e <= y1; e++) {
    const y = TOP + plotHeight - (y1 > y0 ? ((e - y0) / (y1 - y0)) * plotHeight : plotHeight / 2);
    yTicks.push(html`<line x1="${LEFT}" y1="${px(y)}" x2="${LEFT + plotWidth}" y2="${px(y)}" stroke="#e3e3e3"/><text x="${LEFT - 6}" y="${px(y + 4)}" text-anchor="end" font-size="11">${String(10 ** e)}</text>`);
  }
  const anchor = ['start', 'middle', 'end'];
  const xTicks = [0, 0.5, 1].map((f, i) => html`<text x="${px(LEFT + f * plotWidth)}" y="${TOP + plotHeight + 14}" text-anchor="${anchor[i]}" font-size="11">${format(x0 + f * (x1 - x0))}</text>`);
  const labels = html`<text x="${px(LEFT + plotWidth / 2)}" y="${height - 6}" text-anchor="middle" font-size="12">${b.objective.replace(/_.*/, '')}</text><text x="12" y="${px(TOP + plotHeight / 2)}" font-size="12" transform="rotate(-90 12 ${px(TOP + plotHeight / 2)})" text-anchor="middle">proxy (points, log)</text>`;
  const frame = html`<rect x="${LEFT}" y="${TOP}" width="${px(plotWidth)}" height="${plotHeight}" fill="none" stroke="#888"/>`;
  return html`<svg xmlns="http://www.w3.org/2000/svg" class="chart pareto" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><title>Pareto front: ${b.objective.replace(/_.*/, '')} against the accuracy proxy</title>${frame}${yTicks}${xTicks}${budget}<path d="${stairs}" fill="none" stroke="#9bb7d4"/>${front}${measured}${uniform}${chosen}${labels}</svg>`;
}

/** The section of report.html: the chart and the per-layer choices. */
export function bitSearchSection(b: BitSearchReport): Markup {
  const rows = b.layers.map((l) => html`<tr><td>${l.name}</td><td>w${l.weight_bits}</td><td>${Object.entries(l.sensitivity).map(([k, v]) => `w${k} ${v}`).join(', ')}</td><td>${formatBytes(l.saved.flash_bytes)}</td><td>${l.why}</td></tr>`);
  return html`<section><h2>Bit widths (--bits auto)</h2><p>Minimising ${b.objective.replace(/_.*/, '')} under --max-drop ${b.max_drop} (the proxy held to ${b.proxy_budget}): ${b.chosen.label}, a${b.chosen.activation_bits}, measured proxy ${b.chosen.proxy_measured.drop} points. Proxy: ${b.proxy}.</p>${paretoSvg(b)}<table><thead><tr><th>layer</th><th>bits</th><th>sensitivity (points)</th><th>flash saved</th><th>why</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

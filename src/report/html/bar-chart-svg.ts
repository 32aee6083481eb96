/**
 * Horizontal bar charts as inline SVG, one row per layer: latency and energy per layer, weight
 * bytes per layer coloured by bit width. Labels are truncated for layout (the full name is in the
 * bar's <title>, which browsers show on hover). Pure: the same rows give the same bytes.
 */
import { html, px, shorten, type Markup } from './html-template.js';

export interface Bar {
  label: string;
  value: number;
  /** The value as printed beside the bar. */
  text: string;
  /** A CSS class naming the bar's colour (see render-report-html.ts). */
  colour: string;
  /** Hover text; default "label: text". */
  title?: string;
}

export interface BarChartOptions {
  title: string;
  /** Legend entries [css class, words]; omitted when empty. */
  legend?: [string, string][];
  width?: number;
}

const ROW = 18;
const LABEL_WIDTH = 170;
const VALUE_WIDTH = 80;
const TOP = 8;

export function barChartSvg(bars: readonly Bar[], options: BarChartOptions): Markup {
  const width = options.width ?? 720;
  const plot = width - LABEL_WIDTH - VALUE_WIDTH;
  const max = Math.max(0, ...bars.map((b) => b.value));
  const legend = options.legend ?? [];
  const legendHeight = legend.length > 0 ? ROW + 4 : 0;
  const height = TOP + bars.length * ROW + legendHeight + 6;
  const rows = bars.map((b, i) => {
    const y = TOP + i * ROW;
    const w = max > 0 ? (b.value / max) * plot : 0;
    return html`<g class="row"><title>${b.title ?? `${b.label}: ${b.text}`}</title>${[
      html`<text class="label" x="${LABEL_WIDTH - 6}" y="${px(y + 12.5)}" text-anchor="end">${shorten(b.label, 26)}</text>`,
      html`<rect class="${b.colour}" x="${LABEL_WIDTH}" y="${px(y + 3)}" width="${px(Math.max(w, b.value > 0 ? 1 : 0))}" height="${ROW - 5}"/>`,
      html`<text class="value" x="${px(LABEL_WIDTH + w + 4)}" y="${px(y + 12.5)}">${b.text}</text>`,
    ]}</g>`;
  });
  const legendY = TOP + bars.length * ROW + 6;
  let x = LABEL_WIDTH;
  const keys = legend.map(([cls, words]) => {
    const item = html`<rect class="${cls}" x="${x}" y="${legendY + 3}" width="12" height="12"/><text class="label" x="${x + 16}" y="${legendY + 13}">${words}</text>`;
    x += 24 + words.length * 7;
    return item;
  });
  const axis = html`<line class="axis" x1="${LABEL_WIDTH}" y1="${TOP}" x2="${LABEL_WIDTH}" y2="${TOP + bars.length * ROW}"/>`;
  return html`<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><title>${options.title}</title>${axis}${rows}${keys}</svg>`;
}

/**
 * The charts of report.html as inline SVG. Pure: the same rows give the same bytes.
 *
 * Horizontal bar charts, one row per layer (latency and energy per layer, weight bytes per layer
 * coloured by bit width). Labels are truncated for layout; the full name is in the row's <title>,
 * which browsers show on hover.
 *
 * The arena's memory timeline: time runs left to right, one column per step (step i runs layer
 * i; the last step copies the outputs out), bytes of the arena bottom (offset 0) to top
 * (NAME_ARENA_SIZE). Each buffer of the memory plan is a rectangle over the steps it is live and
 * the bytes it occupies, so reuse shows as buffers stacked in the same rows at different times;
 * scratch buffers are hatched. Hovering a rectangle names the tensor, its size and offset.
 */
import type { MemoryReport } from '../cost-report.js';
import { formatBytes } from '../table.js';
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
const BAR_TOP = 8;

export function barChartSvg(bars: readonly Bar[], options: BarChartOptions): Markup {
  const width = options.width ?? 720;
  const plot = width - LABEL_WIDTH - VALUE_WIDTH;
  const max = Math.max(0, ...bars.map((b) => b.value));
  const legend = options.legend ?? [];
  const legendHeight = legend.length > 0 ? ROW + 4 : 0;
  const height = BAR_TOP + bars.length * ROW + legendHeight + 6;
  const rows = bars.map((b, i) => {
    const y = BAR_TOP + i * ROW;
    const w = max > 0 ? (b.value / max) * plot : 0;
    return html`<g class="row"><title>${b.title ?? `${b.label}: ${b.text}`}</title>${[
      html`<text class="label" x="${LABEL_WIDTH - 6}" y="${px(y + 12.5)}" text-anchor="end">${shorten(b.label, 26)}</text>`,
      html`<rect class="${b.colour}" x="${LABEL_WIDTH}" y="${px(y + 3)}" width="${px(Math.max(w, b.value > 0 ? 1 : 0))}" height="${ROW - 5}"/>`,
      html`<text class="value" x="${px(LABEL_WIDTH + w + 4)}" y="${px(y + 12.5)}">${b.text}</text>`,
    ]}</g>`;
  });
  const legendY = BAR_TOP + bars.length * ROW + 6;
  let x = LABEL_WIDTH;
  const keys = legend.map(([cls, words]) => {
    const item = html`<rect class="${cls}" x="${x}" y="${legendY + 3}" width="12" height="12"/><text class="label" x="${x + 16}" y="${legendY + 13}">${words}</text>`;
    x += 24 + words.length * 7;
    return item;
  });
  const axis = html`<line class="axis" x1="${LABEL_WIDTH}" y1="${BAR_TOP}" x2="${LABEL_WIDTH}" y2="${BAR_TOP + bars.length * ROW}"/>`;
  return html`<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><title>${options.title}</title>${axis}${rows}${keys}</svg>`;
}

const LEFT = 78;
const RIGHT = 12;
const PLOT_TOP = 10;
const BOTTOM = 34;
const PALETTE = 8;

export function memoryTimelineSvg(memory: MemoryReport, stepNames: readonly string[], width = 720, plotHeight = 260): Markup {
  const steps = stepNames.length + 1; // every layer, then the copy-out
  const plotWidth = width - LEFT - RIGHT;
  const height = PLOT_TOP + plotHeight + BOTTOM;
  const column = plotWidth / steps;
  const arena = Math.max(1, memory.arena_bytes);
  const yOf = (bytes: number) => PLOT_TOP + plotHeight - (bytes / arena) * plotHeight;
  const stepName = (s: number) => (s < stepNames.length ? `layer ${s} ${stepNames[s]}` : 'copy outputs out');

  const boxes = memory.buffers.flatMap((b, i) => {
    if (b.size === 0) return [];
    const x = LEFT + b.first_step * column;
    const w = (b.last_step - b.first_step + 1) * column;
    const top = yOf(b.offset + b.size);
    const h = Math.max(1, yOf(b.offset) - top);
    const cls = b.kind === 'scratch' ? 'scratch' : `m${i % PALETTE}`;
    const when = b.first_step === b.last_step ? stepName(b.first_step) : `${stepName(b.first_step)} to ${stepName(b.last_step)}`;
    const tip = `${b.name}: ${formatBytes(b.size)} at offset ${b.offset}, live from ${when}`;
    return [html`<rect class="${cls}" x="${px(x)}" y="${px(top)}" width="${px(w)}" height="${px(h)}"><title>${tip}</title></rect>`];
  });

  const tickEvery = Math.max(1, Math.ceil(steps / 16));
  const xTicks: Markup[] = [];
  for (let s = 0; s < steps; s += tickEvery) {
    const x = LEFT + (s + 0.5) * column;
    xTicks.push(html`<text class="tick" x="${px(x)}" y="${PLOT_TOP + plotHeight + 14}" text-anchor="middle">${s}</text>`);
  }
  const yTicks = [0, 0.5, 1].map((f) => {
    const y = yOf(f * arena);
    return html`<line class="grid" x1="${LEFT}" y1="${px(y)}" x2="${LEFT + plotWidth}" y2="${px(y)}"/><text class="tick" x="${LEFT - 6}" y="${px(y + 4)}" text-anchor="end">${formatBytes(Math.round(f * memory.arena_bytes))}</text>`;
  });
  const xLabel = html`<text class="label" x="${px(LEFT + plotWidth / 2)}" y="${height - 4}" text-anchor="middle">step (layer index; the last copies the outputs out)</text>`;
  const frame = html`<rect class="frame" x="${LEFT}" y="${PLOT_TOP}" width="${px(plotWidth)}" height="${plotHeight}"/>`;
  return html`<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><title>Arena memory timeline, ${formatBytes(memory.arena_bytes)}</title><defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" class="hatch-bg"/><line x1="0" y1="0" x2="0" y2="6" class="hatch-line"/></pattern></defs>${frame}${yTicks}${boxes}${xTicks}${xLabel}</svg>`;
}

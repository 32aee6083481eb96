/**
 * report.html from a hand-built report: self-contained (no script, nothing fetched), every
 * model-derived name escaped, deterministic, and the charts draw what the report says (bar
 * lengths proportional to latency, timeline rectangles at the planned offsets).
 */
import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../src/report/html/render-report-html.js';
import { escapeHtml } from '../../src/report/html/html-template.js';
import { HOSTILE, sampleReport } from './sample-report.js';

const page = renderReportHtml(sampleReport());

describe('report.html', () => {
  it('has no script, no external resource, and forbids fetching by CSP', () => {
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/\son[a-z]+="/i); // no event handler attributes
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    const urls = [...page.matchAll(/(?:href|src)="([^"]*)"/g)].map((m) => m[1]);
    expect(urls).toEqual(['data:,']);
    // the only absolute URL is the SVG namespace (an identifier, never fetched)
    expect([...new Set(page.match(/https?:\/\/[^\s"')<]+/g))]).toEqual(['http://www.w3.org/2000/svg']);
    expect(page).not.toMatch(/@import|url\((?!#hatch\))/);
  });

  it('escapes every model-derived name, in text and in attributes', () => {
    for (const name of Object.values(HOSTILE)) {
      expect(page).not.toContain(name);
      expect(page).toContain(escapeHtml(name));
    }
    expect(escapeHtml(HOSTILE.attribute)).toBe('&quot; onmouseover=&quot;alert(2)');
  });

  it('is deterministic', () => {
    expect(renderReportHtml(sampleReport())).toBe(page);
  });

  it('draws latency bars in proportion and the timeline at the planned offsets', () => {
    const charts = page.match(/<svg[\s\S]*?<\/svg>/g)!;
    expect(charts).toHaveLength(4); // latency, energy, memory timeline, weights by bit width
    const widths = [...charts[0]!.matchAll(/<rect class="lat" x="170" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
    const r = sampleReport();
    const longest = Math.max(...r.layers.map((l) => l.latency_ms));
    // plot width 720 - 170 - 80 = 470 px for the slowest layer; 0.1 px rounding
    r.layers.forEach((l, i) => expect(widths[i]).toBeCloseTo((470 * l.latency_ms) / longest, 1));
    // timeline: 5 steps over 630 px (720 - 78 - 12), 260 px for 576 bytes, offset 0 at the bottom
    const rects = [...charts[2]!.matchAll(/<rect class="(m\d|scratch)" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g)];
    expect(rects).toHaveLength(5);
    const [cls, x, y, w, h] = rects[1]!.slice(1).map((v, i) => (i === 0 ? v : Number(v))) as [string, number, number, number, number];
    expect(cls).toBe('m1');
    expect(x).toBeCloseTo(78, 1);
    expect(w).toBeCloseTo((2 * 630) / 5, 1); // live at steps 0 and 1
    expect(y).toBeCloseTo(10 + 260 - ((256 + 320) / 576) * 260, 1);
    expect(h).toBeCloseTo((320 / 576) * 260, 1);
    expect(rects[4]![1]).toBe('scratch');
    // weights coloured by their width, legend with the bytes per width
    expect(charts[3]).toMatch(/class="w8"[\s\S]*class="w4"[\s\S]*class="w2"/);
    expect(charts[3]).toContain('int4: 48 B');
  });

  it('states the budget verdicts and the exit code', () => {
    expect(page).toContain('Budget missed: edgec compress exited with code 5.');
    expect(page).toMatch(/MISSED: latency 1\.80 ms exceeds --max-latency 1\.00 ms: over by 800 \u00b5s \(\+80\.0%\)/);
    expect(page).toMatch(/ok: RAM 772 B within --max-ram 64\.0 KiB/);
  });
});

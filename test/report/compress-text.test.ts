/**
 * The terminal view from a hand-built report: the per-layer cost table with a totals row, the
 * budget verdicts (red and bold only when colour is on), and no escape codes at chalk level 0.
 */
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { renderCompress } from '../../src/report/compress-text.js';
import { sampleReport } from './sample-report.js';

const plain = renderCompress(sampleReport(), 'out', new Chalk({ level: 0 }));
const coloured = renderCompress(sampleReport(), 'out', new Chalk({ level: 1 }));

describe('compress terminal view', () => {
  it('tabulates cost per layer with a totals row that adds up', () => {
    const lines = plain.split('\n');
    const header = lines.findIndex((l) => l.startsWith('layer '));
    expect(lines[header]).toMatch(/^layer +op +bits +MACs +cycles +latency +energy +flash B +SQNR$/);
    const rows = lines.slice(header + 2, header + 2 + 5);
    expect(rows[2]).toMatch(/^a&b<c> +MaxPool +a8 +3,000 +12,000 +100 us +5\.00 uJ +0 +40\.5 dB$/);
    // 216,000 cycles at 120 MHz = 1.80 ms; x 50 mW = 90 uJ; constants 340 B
    expect(rows[4]).toMatch(/^total +54,000 +216,000 +1\.80 ms +90\.0 uJ +340$/);
    expect(plain).toContain('RAM 772 B (arena 576 B + I/O buffers 196 B)');
    expect(plain).toContain('flash 1.3 KiB (weights 168 B, constants 340 B, code 1000 B)');
  });

  it('lists every verdict, the miss with how much', () => {
    expect(plain).toContain('budgets: missed');
    expect(plain).toMatch(/^ {2}MISSED latency 1\.80 ms exceeds --max-latency 1\.00 ms: over by 800 us \(\+80\.0%\)$/m);
    expect(plain).toMatch(/^ {2}ok +RAM 772 B within --max-ram 64\.0 KiB \(1% used\)$/m);
    expect(plain).toMatch(/^ {2}ok +RAM 772 B within stm32l4r5's 640\.0 KiB SRAM \(<1% used\)$/m);
  });

  it('colours only when asked: red for a miss, green for ok; none at level 0', () => {
    expect(plain).not.toMatch(/\u001b/);
    expect(coloured).toMatch(/\u001b\[31m\u001b\[1mMISSED/);
    expect(coloured).toMatch(/\u001b\[32mok/);
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(plain); // colour never changes the layout
  });
});

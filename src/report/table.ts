/**
 * Plain-text tables for terminal views: columns padded to their widest cell, numbers right-aligned.
 * Styling (colour) is applied by the caller after layout, so widths never count escape codes.
 */

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

export function renderTable(columns: Column[], rows: string[][], style: (s: string, row: number) => string = (s) => s): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const pad = (cell: string, i: number) =>
    columns[i]!.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!);
  const line = (cells: string[]) => cells.map(pad).join('  ').trimEnd();
  const out = [line(columns.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  ')];
  rows.forEach((r, i) => out.push(style(line(r), i)));
  return out.join('\n');
}

/** 12501632 -> "12,501,632" (fixed locale so output is the same on every machine). */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

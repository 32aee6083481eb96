/**
 * The terminal view of `edgec verify --qemu`: the model's sections in the image, instructions per
 * inference and per MAC, and per layer the QEMU count beside the cost model's cycle estimate
 * (instructions are not cycles: the ratio column shows where the two disagree, layer by layer).
 */
import type { ChalkInstance } from 'chalk';
import type { QemuReport } from '../qemu/verify-qemu.js';
import { formatBytes, formatCount, renderTable } from './table.js';

function ratio(measured: number, estimated: number | null): string {
  return estimated && estimated > 0 ? (measured / estimated).toFixed(2) : '-';
}

export function renderQemu(q: QemuReport, chalk: ChalkInstance): string {
  const m = q.sizes.model;
  const sizes = [
    `model sections on ${q.core}: .text ${formatBytes(m.text)}, .rodata ${formatBytes(m.rodata)}, .data ${formatBytes(m.data)}, .bss ${formatBytes(m.bss)}` +
      ` (weights ${formatBytes(q.weight_bytes)}, all constants ${formatBytes(q.const_bytes)}; whole image .text+.rodata ${formatBytes(q.sizes.image.text + q.sizes.image.rodata)})`,
  ];
  const spread = q.instructions.min === q.instructions.max ? '' : ` (${formatCount(q.instructions.min)}-${formatCount(q.instructions.max)} over the inputs)`;
  const perMac = q.instructions.per_mac === null ? '' : `, ${q.instructions.per_mac.toFixed(2)} per MAC over ${formatCount(q.macs)} MACs`;
  const summary = `${chalk.bold(formatCount(q.instructions.mean))} instructions per inference${perMac}${spread}; resolution ${q.resolution} instructions`;
  const rows = q.layers.map((l) => [
    String(l.index),
    l.name,
    l.op,
    formatCount(l.macs),
    formatCount(l.instructions),
    l.instructions_per_mac === null ? '-' : l.instructions_per_mac.toFixed(2),
    l.estimated_cycles === null ? '-' : formatCount(l.estimated_cycles),
    ratio(l.instructions, l.estimated_cycles),
  ]);
  if (q.layers.length > 0) rows.push(['', 'copy in/out', '', '', formatCount(q.boundary_instructions), '-', '-', '-']);
  rows.push(['', 'total', '', formatCount(q.macs), formatCount(q.instructions.mean), q.instructions.per_mac?.toFixed(2) ?? '-',
    q.estimated_cycles === null ? '-' : formatCount(q.estimated_cycles), ratio(q.instructions.mean, q.estimated_cycles)]);
  const table = renderTable(
    [
      { header: '#', align: 'right' }, { header: 'layer' }, { header: 'op' }, { header: 'MACs', align: 'right' },
      { header: 'QEMU instr', align: 'right' }, { header: 'instr/MAC', align: 'right' },
      { header: `est. cycles ${q.cost_target}`, align: 'right' }, { header: 'instr/est', align: 'right' },
    ],
    rows,
  );
  const note = q.cost_error ? [chalk.yellow(`no cost-model estimate: ${q.cost_error}`)] : [];
  if (q.layers.length === 0) note.push(chalk.yellow('no per-layer counts: this C predates EDGEC_LAYER_HOOK (run edgec compress again)'));
  return [...sizes, summary, '', table, ...note].join('\n');
}

/** The terminal view of `edgec inspect`: a per-layer table and totals. */
import type { ChalkInstance } from 'chalk';
import type { ModelSummary } from '../analysis/inspect-model.js';
import { formatBytes, formatCount, renderTable } from './table.js';

export function renderInspect(source: string, s: ModelSummary, chalk: ChalkInstance): string {
  const io = (v: { name: string; dtype: string; shape: number[] }) => `${v.name} ${v.dtype}[${v.shape.join('x')}]`;
  const header = [
    chalk.bold(source),
    `producer ${s.producer}, opset ${s.opset}, IR version ${s.ir_version}`,
    `inputs:  ${s.inputs.map(io).join(', ')}`,
    `outputs: ${s.outputs.map(io).join(', ')}`,
    '',
  ];
  const rows = s.layers.map((l) => [
    l.name,
    l.activation ? `${l.op}+${l.activation}` : l.op,
    l.output_shape.join('x') || 'scalar',
    formatCount(l.params),
    formatCount(l.macs),
    formatCount(l.activation_bytes),
  ]);
  const table = renderTable(
    [
      { header: 'layer' },
      { header: 'op' },
      { header: 'output' },
      { header: 'params', align: 'right' },
      { header: 'MACs', align: 'right' },
      { header: 'act. bytes (int8)', align: 'right' },
    ],
    rows,
  );
  const t = s.totals;
  const totals = [
    '',
    `${chalk.bold('total')}: ${t.layers} layers, ${formatCount(t.params)} parameters (${formatBytes(t.param_bytes)} as fp32), ` +
      `${formatCount(t.macs)} MACs, ${formatCount(t.activation_bytes)} activation bytes (int8)`,
  ];
  return [...header, table, ...totals].join('\n');
}

/** The terminal view of `edgec compress`: per-layer table, totals and where the files went. */
import type { ChalkInstance } from 'chalk';
import type { CompressReport } from './compress-report.js';
import { formatBytes, formatCount, renderTable } from './table.js';

export function formatDb(db: number | null): string {
  return db === null ? 'exact' : `${db.toFixed(1)} dB`;
}

export function renderCompress(r: CompressReport, dir: string, chalk: ChalkInstance): string {
  const rows = r.layers.map((l) => [
    l.name,
    l.op,
    l.w_bits === null ? '-' : `w${l.w_bits}`,
    `a${l.a_bits}`,
    formatCount(l.params),
    formatCount(l.weight_bytes),
    formatCount(l.macs),
    formatCount(l.output_bytes),
    formatDb(l.sqnr_db),
  ]);
  const table = renderTable(
    [
      { header: 'layer' },
      { header: 'op' },
      { header: 'w' },
      { header: 'a' },
      { header: 'params', align: 'right' },
      { header: 'weight B', align: 'right' },
      { header: 'MACs', align: 'right' },
      { header: 'output B', align: 'right' },
      { header: 'SQNR', align: 'right' },
    ],
    rows,
  );
  const t = r.totals;
  const policy =
    r.bit_policy.rule === 'first-last-8bit' && r.bit_policy.eight_bit_layers.length > 0
      ? `; kept at 8 bits (first and last weighted layers): ${r.bit_policy.eight_bit_layers.join(', ')}`
      : '';
  return [
    `${chalk.bold(r.model.file)} -> ${chalk.bold(dir)} (${r.options.bits}${policy})`,
    `calibration: ${r.options.calibration}`,
    '',
    table,
    '',
    `${chalk.bold('total')}: ${t.layers} layers, ${formatCount(t.params)} parameters, weights ${formatBytes(t.weights_bytes)} ` +
      `(constants ${formatBytes(t.const_bytes)}), arena ${formatBytes(t.arena_bytes)}, ${formatCount(t.macs)} MACs`,
    `output vs fp32 on ${r.accuracy.samples} ${r.accuracy.eval_inputs}: SQNR ${formatDb(r.accuracy.output_sqnr_db)}, ` +
      `max abs error ${r.accuracy.max_abs_error.toPrecision(3)}`,
    `files: ${r.files.join(', ')}`,
  ].join('\n');
}

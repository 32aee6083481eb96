/** The terminal view of `edgec verify`: bit-exactness, then fidelity to fp32 per output. */
import type { ChalkInstance } from 'chalk';
import type { VerifyResult } from '../api/verify.js';
import { formatDb } from './compress-text.js';
import { renderTable } from './table.js';
import { renderQemu } from './verify-qemu-text.js';

export function renderVerify(r: VerifyResult, chalk: ChalkInstance): string {
  const rows = r.outputs.map((o) => [
    o.name,
    String(o.elements),
    formatDb(o.sqnr_db),
    o.max_abs_error.toPrecision(3),
    o.top1_agreement === null ? '-' : `${(100 * o.top1_agreement).toFixed(1)}%`,
  ]);
  const table = renderTable(
    [{ header: 'output' }, { header: 'elements', align: 'right' }, { header: 'SQNR vs fp32', align: 'right' }, { header: 'max abs error', align: 'right' }, { header: 'top-1 agreement', align: 'right' }],
    rows,
  );
  return [
    `${chalk.green('bit-exact')}: the C built with ${r.compiler} matches the integer reference on all ${r.samples} ${r.inputs}`,
    '',
    table,
    ...(r.qemu ? ['', renderQemu(r.qemu, chalk)] : []),
  ].join('\n');
}

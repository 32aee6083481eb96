/**
 * The terminal view of `edgec targets`: one row per target (core, clock, memories, supply,
 * active power, bit widths, the stack its coefficients describe), the default marked; for a
 * single target, its cost coefficients and every value's source below the row.
 */
import type { ChalkInstance } from 'chalk';
import type { TargetsResult } from '../api/targets.js';
import type { Target } from '../targets/target.js';
import { formatBytes, renderTable } from './table.js';

const COLUMNS = [
  { header: 'target' },
  { header: 'core' },
  { header: 'clock', align: 'right' as const },
  { header: 'flash', align: 'right' as const },
  { header: 'SRAM', align: 'right' as const },
  { header: 'supply', align: 'right' as const },
  { header: 'power', align: 'right' as const },
  { header: 'weights' },
  { header: 'cost model' },
];

function row(t: Target, isDefault: boolean): string[] {
  const core = `${t.core}${t.helium ? ' +Helium' : t.dsp ? ' +DSP' : ''}`;
  const stack = t.cost.model === 'cpu' ? t.cost.stack : `Bit Fusion ${t.cost.rows_m}x${t.cost.cols_n} array`;
  return [
    `${t.id}${isDefault ? ' *' : ''}`,
    core,
    `${+t.clock_mhz.toFixed(3)} MHz`,
    formatBytes(t.flash_bytes),
    formatBytes(t.sram_bytes),
    `${+t.vdd.toFixed(3)} V ${t.regulator.toUpperCase()}`,
    `${t.active_power_mw.toFixed(1)} mW`,
    t.weight_bits.map((b) => `int${b}`).join('/'),
    stack,
  ];
}

function details(t: Target, chalk: ChalkInstance): string[] {
  const lines = ['', chalk.bold(`${t.name}`)];
  if (t.cost.model === 'cpu') {
    const c = t.cost;
    const mac = Object.entries(c.cycles_per_mac).map(([k, v]) => `${k} ${v}`).join(', ');
    lines.push(`  cycles/MAC: ${mac}; per conv output ${c.few_channels_cycles}; per layer ${c.layer_overhead_cycles}`);
  } else {
    lines.push(`  cycles = ceil(OC/${t.cost.rows_m}) x OH x OW x KH x KW x ceil(IC/(${t.cost.cols_n} x perf_factor)) + ${t.cost.layer_overhead_cycles} per layer`);
  }
  lines.push(chalk.dim('  sources:'));
  for (const [key, source] of Object.entries(t.sources)) lines.push(chalk.dim(`    ${key}: ${source}`));
  return lines;
}

export function renderTargets(result: TargetsResult, chalk: ChalkInstance): string {
  const rows = result.targets.map((t) => row(t, t.id === result.default));
  const table = renderTable(COLUMNS, rows, (line, i) => (result.targets[i]!.id === result.default ? chalk.bold(line) : line));
  const out = [table];
  if (result.targets.length === 1) out.push(...details(result.targets[0]!, chalk));
  else out.push('', chalk.dim(`* default target. Details and sources: edgec targets --target <id>`));
  return out.join('\n');
}

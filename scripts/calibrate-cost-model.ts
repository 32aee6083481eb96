/**
 * `npm run calibrate`: the cost model against published MLPerf Tiny measurements
 * (../shared/docs/mcu-data.md). Fits the CMSIS-NN-class coefficients (scripts/lib/fit-cost-model.ts
 * says how) and prints them with the derived factors and measured powers (the values
 * targets/*.json hold), then predicted vs measured latency and energy per board and model with
 * the targets' own coefficients, the errors, the median and the acceptance verdict. Rows of other
 * stacks are printed for comparison; they are not the calibration set.
 *
 *   npx tsx scripts/calibrate-cost-model.ts [--json]
 */
import { acceptance, compare, median, type ComparisonRow } from './lib/calibration.js';
import { calibrationFit } from './lib/calibration-fit.js';

const pct = (x: number | undefined) => (x === undefined ? '' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`);

function table(rows: ComparisonRow[]): string {
  const head = ['board', 'stack', 'model', 'pred ms', 'meas ms', 'error', 'pred uJ', 'meas uJ', 'error'];
  const body = rows.map((r) => [r.board, r.stack, r.benchmark, r.predictedMs.toFixed(2), r.measuredMs.toFixed(2), pct(r.latencyError), r.predictedUj?.toFixed(0) ?? '', r.measuredUj?.toFixed(0) ?? '', pct(r.energyError)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}

const fit = calibrationFit();
if (process.argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify(fit, null, 2)}\n`);
} else {
  const out: string[] = [];
  out.push('Fitted CMSIS-NN-class profile (stm32l4r5, microTVM + CMSIS-NN):');
  out.push(`  cycles/MAC conv ${fit.profile.cycles_per_mac.conv.toFixed(3)}, conv1x1 ${fit.profile.cycles_per_mac.conv1x1.toFixed(3)}, depthwise ${fit.profile.cycles_per_mac.depthwise.toFixed(3)}, fully_connected ${fit.profile.cycles_per_mac.fully_connected.toFixed(3)}`);
  out.push(`  few_channels_cycles ${fit.profile.few_channels_cycles.toFixed(2)}, layer_overhead_cycles ${fit.profile.layer_overhead_cycles.toFixed(0)}`);
  out.push(`Factors on that profile: ${Object.entries(fit.factors).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ')}`);
  out.push(`Measured active power (mean energy / latency): ${Object.entries(fit.power).map(([k, v]) => `${k} ${v.toFixed(1)} mW`).join(', ')}`);
  out.push('');
  const rows = compare();
  const calib = rows.filter((r) => r.calibration);
  out.push('Calibration set: CMSIS-NN-class stacks, predicted with targets/*.json');
  out.push(table(calib));
  const a = acceptance(rows);
  out.push(`latency: worst |error| ${pct(a.latencyWorst)}, median |error| ${pct(a.latencyMedian)} (acceptance: <= 25%, median <= 15%)`);
  out.push(`energy:  worst |error| ${pct(a.energyWorst)} (acceptance: <= 30%)  ->  ${a.pass ? 'PASS' : 'FAIL'}`);
  out.push('');
  const others = rows.filter((r) => !r.calibration);
  out.push('For comparison (other stacks or derived targets; not the calibration set):');
  out.push(table(others));
  out.push(`median |latency error| of these: ${pct(median(others.map((r) => Math.abs(r.latencyError))))}`);
  process.stdout.write(`${out.join('\n')}\n`);
  if (!a.pass) process.exitCode = 1;
}

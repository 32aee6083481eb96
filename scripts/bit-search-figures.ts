/**
 * Issue 7's acceptance figures on the shared models: `--bits auto --max-drop 1` (the default
 * data-free path: synthetic data, the search, distillation) against w8a8, with the compiled C's
 * top-1 on the real test set (test/e2e/compiled-metric.ts; the pipeline never reads the test
 * sets, only this script does, to measure). Per model it prints the chosen widths, the weight
 * flash against all-w8a8 (acceptance: <= 0.6x), top-1 against fp32 (within 1 point), and the
 * flash of the best uniform configuration meeting the same proxy drop (the chosen one must not
 * exceed it). Not a test (minutes per model); exits 1 when a check fails.
 *
 *   npx tsx scripts/bit-search-figures.ts [--models resnet8,dscnn,mobilenetv2_tiny] [--max-drop P] [--json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compress } from '../src/api/compress.js';
import { compiledMetric } from '../test/e2e/compiled-metric.js';
import { HAVE_SHARED, SHARED_MODELS } from '../test/helpers/shared.js';

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

const models = (argument('models') ?? 'resnet8,dscnn,mobilenetv2_tiny').split(',');
const maxDrop = Number(argument('max-drop') ?? 1);

async function main(): Promise<void> {
  if (!HAVE_SHARED) {
    process.stdout.write(`skipped: no shared models at ${SHARED_MODELS}\n`);
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'edgec-bits-'));
  const rows: Record<string, unknown>[] = [];
  let failed = false;
  try {
    for (const model of models) {
      const path = join(SHARED_MODELS, `${model}.onnx`);
      const w8Dir = join(tmp, `${model}-w8a8`);
      const w8 = await compress(path, { bits: 'w8a8', outDir: w8Dir, distill: false });
      const dir = join(tmp, `${model}-auto`);
      const started = performance.now();
      const auto = await compress(path, { bits: 'auto', maxDrop, outDir: dir });
      const seconds = (performance.now() - started) / 1000;
      const m = compiledMetric(dir, model);
      const m8 = compiledMetric(w8Dir, model);
      const b = auto.report.bit_search!;
      const ratio = auto.report.totals.weights_bytes / w8.report.totals.weights_bytes;
      const uniformMet = b.uniform.filter((u) => u.meets_drop).sort((x, y) => x.flash_bytes - y.flash_bytes)[0];
      const checks = {
        weight_flash_ratio_le_0_6: ratio <= 0.6,
        top1_within_1_point: m.fp32 - m.metric <= 0.01,
        not_above_best_uniform: uniformMet === undefined || auto.report.totals.flash_bytes <= uniformMet.flash_bytes,
      };
      failed ||= Object.values(checks).some((ok) => !ok);
      const row = {
        model,
        chosen: b.chosen.label,
        weight_bits: Object.values(b.chosen.weight_bits).join(''),
        activation_bits: b.chosen.activation_bits,
        weights_bytes: auto.report.totals.weights_bytes,
        w8a8_weights_bytes: w8.report.totals.weights_bytes,
        ratio: Number(ratio.toFixed(3)),
        flash_bytes: auto.report.totals.flash_bytes,
        best_uniform: uniformMet ? `${uniformMet.label} ${uniformMet.flash_bytes} B` : null,
        fp32_top1: m.fp32,
        w8a8_top1: m8.metric,
        auto_top1: m.metric,
        proxy_measured: b.chosen.proxy_measured.drop,
        realizations: b.realizations.map((r) => `${r.label}: ${r.proxy.drop}`).join('; '),
        distill_steps: auto.report.distillation?.steps ?? null,
        seconds: Math.round(seconds),
        checks,
      };
      rows.push(row);
      process.stderr.write(`${JSON.stringify(row)}\n`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else for (const r of rows) process.stdout.write(`${r.model}: w=${r.weight_bits as string} a${r.activation_bits as number}, weights ${r.ratio as number}x w8a8, top-1 ${r.auto_top1 as number} vs fp32 ${r.fp32_top1 as number} (w8a8 ${r.w8a8_top1 as number}), ${JSON.stringify(r.checks)}\n`);
  process.exitCode = failed ? 1 : 0;
}

await main();

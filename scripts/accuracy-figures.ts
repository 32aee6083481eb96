/**
 * Post-training accuracy of the compiled C on the shared models' full test sets, at w8a8, w4a8 and
 * w2a8 (first and last layers 8-bit, the default policy), next to the fp32 figure: the numbers for
 * the integer pipeline's closing note. Not a test (no thresholds) and not a benchmark (no timing).
 *
 *   npx tsx scripts/accuracy-figures.ts [--json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compress } from '../src/api/compress.js';
import type { BitsPreset } from '../src/pipeline/options.js';
import { compiledMetric } from '../test/e2e/compiled-metric.js';
import { HAVE_SHARED, SHARED_MODELS, SHARED_MODEL_NAMES } from '../test/helpers/shared.js';

const BITS: BitsPreset[] = ['w8a8', 'w4a8', 'w2a8'];

async function main(): Promise<void> {
  if (!HAVE_SHARED) throw new Error(`no shared models at ${SHARED_MODELS}`);
  const tmp = mkdtempSync(join(tmpdir(), 'edgec-accuracy-'));
  const rows: { model: string; metric: string; fp32: number; [bits: string]: number | string }[] = [];
  try {
    for (const model of SHARED_MODEL_NAMES) {
      const row: (typeof rows)[number] = { model, metric: '', fp32: 0 };
      for (const bits of BITS) {
        const dir = join(tmp, `${model}-${bits}`);
        await compress(join(SHARED_MODELS, `${model}.onnx`), { outDir: dir, bits });
        const m = compiledMetric(dir, model);
        row.metric = m.task === 'cls' ? 'top-1' : 'MSE';
        row.fp32 = m.fp32;
        row[bits] = m.metric;
      }
      rows.push(row);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const fmt = (metric: string, v: number) => (metric === 'top-1' ? `${(100 * v).toFixed(1)}%` : v.toFixed(5));
  process.stdout.write(`| model | metric | fp32 | ${BITS.join(' | ')} |\n|---|---|---|${BITS.map(() => '---|').join('')}\n`);
  for (const r of rows) {
    process.stdout.write(`| ${r.model} | ${r.metric} | ${fmt(r.metric, r.fp32)} | ${BITS.map((b) => fmt(r.metric, r[b] as number)).join(' | ')} |\n`);
  }
}

void main();

/**
 * `npm run bench` (also `npm run bench:compress`): the wall time of
 * `edgec compress ../shared/models/resnet8.onnx --bits w4a8` with its default data-free
 * distillation, through the library as the CLI calls it, against issue 6's target of 120 s on
 * this machine. The time is split by pipeline stage (from the progress events): synthetic data,
 * distillation (training), and everything else (loading, equalisation, calibration, the second
 * quantization with the learned step sizes, C, report). Exits 1 when the target is missed.
 *
 * Options: --bits PRESET (default w4a8), --model NAME (a shared model, default resnet8).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compress } from '../src/api/compress.js';
import { parseBits } from '../src/pipeline/options.js';
import type { ProgressEvent } from '../src/pipeline/progress.js';
import { HAVE_SHARED, SHARED_MODELS } from '../test/helpers/shared.js';

const TARGET_SECONDS = 120;

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : (process.argv[i + 1] ?? fallback);
}

/** Which share of the time a stage belongs to. */
function bucket(stage: string): 'synthesis' | 'training' | 'other' {
  if (/synthesi/i.test(stage)) return 'synthesis';
  if (/^distilling/.test(stage)) return 'training';
  return 'other';
}

async function main(): Promise<void> {
  const model = argument('model', 'resnet8');
  const bits = parseBits(argument('bits', 'w4a8'));
  if (!HAVE_SHARED) {
    process.stdout.write(`compress ${model}: skipped (no shared models at ${SHARED_MODELS})\n`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'edgec-bench-compress-'));
  const spent = { synthesis: 0, training: 0, other: 0 };
  let current: { stage: string; at: number } | undefined;
  const onProgress = (e: ProgressEvent) => {
    const now = performance.now();
    if (current) spent[bucket(current.stage)] += now - current.at;
    current = { stage: e.stage, at: now };
  };
  const started = performance.now();
  try {
    const { report } = await compress(join(SHARED_MODELS, `${model}.onnx`), { bits, outDir: join(dir, 'out'), onProgress });
    const total = (performance.now() - started) / 1000;
    if (current) spent[bucket(current.stage)] += performance.now() - current.at;
    const share = (ms: number) => `${(ms / 1000).toFixed(1)} s (${((100 * ms) / 1000 / total).toFixed(0)}%)`;
    const distillation = (report as { distillation?: { steps: number; batch: number } }).distillation;
    const pass = total <= TARGET_SECONDS;
    process.stdout.write(
      `compress ${model} --bits ${bits}: ${total.toFixed(1)} s (target <= ${TARGET_SECONDS} s) ${pass ? 'pass' : 'FAIL'}\n` +
        `  synthesis ${share(spent.synthesis)}, distillation ${share(spent.training)}` +
        `${distillation ? ` (${distillation.steps} steps x batch ${distillation.batch})` : ''}, rest (load, calibrate, export, C, report) ${share(spent.other)}\n`,
    );
    if (!pass) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();

/**
 * Acceptance on the shared PyTorch models (issue 3), defined once per weight width so the w8a8 and
 * w4a8 halves run as two test files, in parallel: for every model, the emitted C builds with
 * arm-none-eabi-gcc for a Cortex-M4 (strict warning flags) and with gcc (strict flags, inside
 * `verify`), and `verify` on test inputs (50 at w8a8; 40 at w4a8, whose model is calibrated on
 * the test inputs with --calib, so this file exercises that path and skips synthesis, and
 * distilled for a few steps only: enough to prove the distilled export bit-exact, not to train it;
 * data-free w4a8 accuracy is scripts/accuracy-figures.ts's job) is bit-exact with the integer reference. With w8a8
 * also the accuracy of the compiled C's float entry point (NAME_run) on the full 360-sample test
 * sets: top-1 within 1.0 point of fp32 on every classifier, autoencoder MSE within 10% of fp32
 * (fp32 figures from the manifest, measured in PyTorch).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compress } from '../../src/api/compress.js';
import { verify } from '../../src/api/verify.js';
import { STRICT_C_FLAGS } from '../../src/codegen/host-build.js';
import { HAVE_SHARED, SHARED_MODELS, SHARED_MODEL_NAMES, SKIP_NO_SHARED } from '../helpers/shared.js';
import { compiledMetric } from './compiled-metric.js';

const ARM_FLAGS = ['-mcpu=cortex-m4', '-mthumb', ...STRICT_C_FLAGS];
/** The integer reference runs up to 50 inputs per model; resnet8 and dscnn take a while on a busy machine. */
const TIMEOUT = 240_000;
/** Distillation steps at w4a8: the stage and its export run, cheaply (the default is 100). */
const W4_DISTILL_STEPS = 8;

function armBuild(dir: string, scratch: string): void {
  const objects = mkdtempSync(join(scratch, 'arm-'));
  const sources = readdirSync(dir).filter((f) => f.endsWith('.c')).map((f) => join(dir, f));
  execFileSync('arm-none-eabi-gcc', [...ARM_FLAGS, '-c', ...sources], { cwd: objects, stdio: 'pipe' });
  expect(readdirSync(objects).filter((f) => f.endsWith('.o'))).toHaveLength(sources.length);
}

export function defineAcceptance(bits: 'w8a8' | 'w4a8'): void {
  const tmp = mkdtempSync(join(tmpdir(), `edgec-accept-${bits}-`));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const manifest = HAVE_SHARED ? (JSON.parse(readFileSync(join(SHARED_MODELS, 'manifest.json'), 'utf8')) as Record<string, { task: string }>) : {};
  const dirs = new Map<string, Promise<string>>();
  const outputOf = (model: string): Promise<string> => {
    if (!dirs.has(model)) dirs.set(model, compress(join(SHARED_MODELS, `${model}.onnx`), { outDir: join(tmp, model), bits, ...(bits === 'w4a8' ? { distillSteps: W4_DISTILL_STEPS, calib: join(SHARED_MODELS, `${model}.test_x.npy`) } : {}) }).then(() => join(tmp, model)));
    return dirs.get(model)!;
  };

  describe.skipIf(!HAVE_SHARED)(`shared models ${bits}: builds and bit-exactness${SKIP_NO_SHARED}`, () => {
    for (const model of SHARED_MODEL_NAMES) {
      const count = bits === 'w8a8' ? 50 : 40;
      it(`${model}: arm-none-eabi-gcc builds it; the gcc-built C is bit-exact on ${count} test inputs`, { timeout: TIMEOUT }, async () => {
        const dir = await outputOf(model);
        armBuild(dir, tmp);
        const { result } = verify(dir, { data: join(SHARED_MODELS, `${model}.test_x.npy`), count });
        expect(result.bit_exact).toBe(true);
        expect(result.samples).toBe(count);
        // A sanity floor, not the accuracy criterion (that is below, on labels).
        if (manifest[model]?.task === 'cls') expect(result.outputs[0]!.top1_agreement).toBeGreaterThanOrEqual(bits === 'w8a8' ? 0.95 : 0.5);
      });
    }
  });

  if (bits !== 'w8a8') return;
  describe.skipIf(!HAVE_SHARED)(`shared models w8a8: accuracy of the compiled C on the full test sets${SKIP_NO_SHARED}`, () => {
    for (const model of SHARED_MODEL_NAMES) {
      it(`${model}: within 1.0 point top-1 (classifiers) or 10% MSE (autoencoder) of fp32`, { timeout: TIMEOUT }, async () => {
        const { task, fp32, metric } = compiledMetric(await outputOf(model), model);
        if (task === 'cls') expect(metric, `top-1 ${metric} vs fp32 ${fp32}`).toBeGreaterThanOrEqual(fp32 - 0.01);
        else expect(metric, `MSE ${metric} vs fp32 ${fp32}`).toBeLessThanOrEqual(fp32 * 1.1);
      });
    }
  });
}

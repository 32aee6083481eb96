/**
 * CI-sized end-to-end check of data-free distillation on a real PyTorch export: digits_lenet at
 * w4a8 (first and last layers 8-bit), synthetic data only, 60 distillation steps (the default is
 * more; the full acceptance on every shared model is scripts/accuracy-figures.ts). With
 * --eval/--labels on the held-out test set (which only evaluation reads), the report's fp32 top-1
 * must be the manifest's PyTorch figure, the compiled model's within 1.5 points of it (the
 * acceptance allows 1.0 at the default steps), and the compiled C, built with the host compiler,
 * must score exactly what the report says the integer reference scores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compress } from '../../src/api/compress.js';
import { compiledMetric } from '../e2e/compiled-metric.js';
import { HAVE_SHARED, SHARED_MODELS, SKIP_NO_SHARED } from '../helpers/shared.js';

describe.skipIf(!HAVE_SHARED)(`digits_lenet w4a8, distilled on synthetic data${SKIP_NO_SHARED}`, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'edgec-distill-digits-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('keeps top-1 within 1.5 points of fp32, and the C scores what the report says', async () => {
    const dir = join(tmp, 'out');
    const { report } = await compress(join(SHARED_MODELS, 'digits_lenet.onnx'), {
      bits: 'w4a8',
      distillSteps: 60,
      eval: join(SHARED_MODELS, 'digits_lenet.test_x.npy'),
      labels: join(SHARED_MODELS, 'digits_lenet.test_y.npy'),
      outDir: dir,
    });
    expect(report.distillation).toMatchObject({ ran: true, steps: 60 });
    expect(report.distillation!.data).toMatch(/^synthetic data/);
    expect(report.bit_policy.eight_bit_layers).toHaveLength(2);
    const e = report.evaluation!;
    expect(e).toMatchObject({ metric: 'top-1', samples: 360 });
    const compiled = compiledMetric(dir, 'digits_lenet');
    expect(e.fp32).toBeCloseTo(compiled.fp32, 6);
    expect(e.compiled!, `fp32 ${e.fp32}, compiled ${e.compiled}`).toBeGreaterThanOrEqual(e.fp32! - 0.015);
    expect(compiled.metric).toBe(e.compiled);
  });
});

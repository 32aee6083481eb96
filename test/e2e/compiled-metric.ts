/**
 * Accuracy of a compress output directory's compiled C on a shared model's full test set: the C is
 * built with the host compiler and its float entry point (NAME_run, quantizing at the boundary as
 * a user's firmware would) runs once over all samples. Used by the acceptance test and by
 * scripts/accuracy-figures.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readReport } from '../../src/api/verify.js';
import { readNpy } from '../../src/data/npy.js';
import { verifyFiles } from '../../src/pipeline/compress-model.js';
import { decodeQModel } from '../../src/pipeline/qmodel-file.js';
import { buildDir } from '../../src/pipeline/run-compiled.js';
import { SHARED_MODELS } from '../helpers/shared.js';
import { mse, top1 } from './helpers.js';

export interface CompiledMetric {
  task: 'cls' | 'ae';
  /** The manifest's fp32 figure (PyTorch): top-1 for classifiers, MSE for the autoencoder. */
  fp32: number;
  metric: number;
}

export function compiledMetric(dir: string, model: string, models = SHARED_MODELS): CompiledMetric {
  const manifest = JSON.parse(readFileSync(join(models, 'manifest.json'), 'utf8')) as Record<string, { task: 'cls' | 'ae'; fp32_metric: number }>;
  const m = manifest[model]!;
  const report = readReport(dir);
  const q = decodeQModel(readFileSync(join(dir, verifyFiles(report.name).qmodel), 'utf8'), dir);
  const x = readNpy(join(models, `${model}.test_x.npy`));
  const y = readNpy(join(models, `${model}.test_y.npy`));
  const n = y.shape[0]!;
  const per = x.data.length / n;
  const samples = Array.from({ length: n }, (_, k) => [Float32Array.from(x.data.subarray(k * per, (k + 1) * per))]);
  const program = buildDir(dir, report.name, q);
  try {
    const outputs = program.runFloat(0, samples).map((o) => o[0]!);
    return { task: m.task, fp32: m.fp32_metric, metric: m.task === 'cls' ? top1(outputs, y.data) : mse(outputs, y.data, y.data.length / n) };
  } finally {
    program.dispose();
  }
}

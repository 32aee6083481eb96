/**
 * The distillation stage inside `compress` on the cnn-tiny fixture, kept lean: --calib data (so no
 * synthesis time) and --eval data with labels (the fp32 model's own top-1, so fp32 scores 100%),
 * a few distillation steps. Checks: the same seed gives a byte-identical output directory and
 * another seed a different model; the report's distillation and evaluation blocks agree with an
 * independent run of the integer reference; --no-distill gives the PTQ model; bad --eval/--labels
 * are usage errors naming the flag.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compress, type CompressOptions } from '../../src/api/compress.js';
import { writeNpy } from '../../src/data/npy.js';
import { runGraph } from '../../src/engine/run-graph.js';
import { UsageError } from '../../src/errors.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { loadCanonical, verifyFiles } from '../../src/pipeline/compress-model.js';
import { decodeQModel } from '../../src/pipeline/qmodel-file.js';
import { dequantizeOutput, quantizeInput, runQModel } from '../../src/quant/run-qmodel.js';
import { rng } from '../../src/util/random.js';
import { ROOT } from '../helpers/cli.js';
import { argmax, readTree } from '../e2e/helpers.js';

const MODEL = join(ROOT, 'fixtures/cnn-tiny.onnx');
const PER = 3 * 32 * 32;

describe('compress with distillation (cnn-tiny, w2a8)', () => {
  let tmp: string;
  let base: CompressOptions;
  const evalSamples: Float32Array[] = [];
  const labels: number[] = [];

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'edgec-distill-pipeline-'));
    const r = rng(21);
    const data = (n: number) => Float32Array.from({ length: n * PER }, () => r());
    // 48 samples, batches of 32: the seed decides which samples train together.
    writeNpy(join(tmp, 'calib.npy'), makeTensor('float32', [48, 3, 32, 32], data(48)));
    const x = data(12);
    const graph = loadCanonical(MODEL, []);
    for (let k = 0; k < 12; k++) {
      const s = x.subarray(k * PER, (k + 1) * PER);
      evalSamples.push(Float32Array.from(s));
      labels.push(argmax(runGraph(graph, { image: makeTensor('float32', [1, 3, 32, 32], s) }).get('logits')!.data));
    }
    writeNpy(join(tmp, 'x.npy'), makeTensor('float32', [12, 3, 32, 32], x));
    writeNpy(join(tmp, 'y.npy'), makeTensor('int64', [12], Float64Array.from(labels)));
    base = { bits: 'w2a8', calib: join(tmp, 'calib.npy'), eval: join(tmp, 'x.npy'), labels: join(tmp, 'y.npy'), distillSteps: 12 };
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('is deterministic: the same seed gives byte-identical output, another seed another model', async () => {
    const a = await compress(MODEL, { ...base, seed: 7, outDir: join(tmp, 'a') });
    await compress(MODEL, { ...base, seed: 7, outDir: join(tmp, 'b') });
    await compress(MODEL, { ...base, seed: 8, outDir: join(tmp, 'c') });
    const [ta, tb, tc] = ['a', 'b', 'c'].map((d) => readTree(join(tmp, d)));
    expect([...ta!.keys()].sort()).toEqual([...tb!.keys()].sort());
    for (const [path, bytes] of ta!) expect(bytes.equals(tb!.get(path)!), path).toBe(true);
    const qmodel = verifyFiles(a.report.name).qmodel;
    expect(ta!.get(qmodel)!.equals(tc!.get(qmodel)!)).toBe(false);

    const d = a.report.distillation!;
    expect(d).toMatchObject({ ran: true, steps: 12, seed: 7, samples: 48, data: 'calib.npy' });
    expect(d.loss_end!).toBeLessThan(d.loss_start!);
    expect(d.frozen_weights, 'oscillation freezing is for synthetic data only').toBeNull();

    // The evaluation block against the integer reference run here on the written QModel.
    const q = decodeQModel(readFileSync(join(tmp, 'a', qmodel), 'utf8'), join(tmp, 'a'));
    let right = 0;
    evalSamples.forEach((s, k) => {
      const out = dequantizeOutput(q, runQModel(q, [quantizeInput(q, s)])[0]!);
      if (argmax(out) === labels[k]) right++;
    });
    const e = a.report.evaluation!;
    expect(e).toMatchObject({ data: 'x.npy with labels y.npy', samples: 12, metric: 'top-1', fp32: 1 });
    expect(e.compiled).toBeCloseTo(right / 12, 12);
  });

  it('--no-distill reports why and keeps the PTQ model', async () => {
    const r = await compress(MODEL, { ...base, distillSteps: undefined, distill: false, outDir: join(tmp, 'ptq') } as CompressOptions);
    expect(r.report.distillation).toMatchObject({ ran: false, reason: '--no-distill', steps: 0 });
  });

  it('refuses contradictory or incomplete flags with a usage error naming them', async () => {
    const refused = async (options: CompressOptions, flag: string) => {
      const error = await compress(MODEL, { ...options, outDir: join(tmp, 'never') }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toContain(flag);
    };
    await refused({ eval: join(tmp, 'x.npy') }, '--labels');
    await refused({ labels: join(tmp, 'y.npy') }, '--eval');
    await refused({ ...base, labels: join(tmp, 'calib.npy') }, '--labels');
    await refused({ distill: false, distillSteps: 5 }, '--no-distill');
    await refused({ distillSteps: 0 }, '--distill-steps');
    await refused({ seed: -1 }, '--seed');
  });
});

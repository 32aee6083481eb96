/**
 * The NAME.qdq.onnx that compress writes, run in onnxruntime (graph optimisations off, so it runs
 * the file as written), against edgec's integer reference on the same shared test inputs. QDQ is a
 * float simulation that rounds half to even and requantizes in float, so it is not bit-exact;
 * measured on 20 inputs: at most 2 output LSBs apart on these models, at most 2.5% of elements
 * more than 1 LSB off (mobilenetv2_tiny's long residual chains drift further, up to 3-6 LSBs, so
 * it is not asserted). A wrong scale, zero point, axis or bias moves outputs by many LSBs.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { compress } from '../../src/api/compress.js';
import { readNpy } from '../../src/data/npy.js';
import { verifyFiles } from '../../src/pipeline/compress-model.js';
import { decodeQModel } from '../../src/pipeline/qmodel-file.js';
import { dequantizeOutput, quantizeInput, runQModel } from '../../src/quant/run-qmodel.js';
import { HAVE_SHARED, SHARED_MODELS, SKIP_NO_SHARED } from '../helpers/shared.js';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-qdq-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const SAMPLES = 10;

describe.skipIf(!HAVE_SHARED)(`QDQ export in onnxruntime vs the integer reference${SKIP_NO_SHARED}`, () => {
  for (const [model, bits] of [
    ['autoencoder', 'w8a8'],
    ['autoencoder', 'w4a8'],
    ['resnet8', 'w8a8'],
  ] as const) {
    it(`${model} ${bits}: within 3 output LSBs everywhere, within 1 LSB for at least 90% of elements`, { timeout: 120_000 }, async () => {
      const dir = join(tmp, `${model}-${bits}`);
      const { report } = await compress(join(SHARED_MODELS, `${model}.onnx`), { outDir: dir, bits });
      const files = verifyFiles(report.name);
      const q = decodeQModel(readFileSync(join(dir, files.qmodel), 'utf8'), dir);
      const session = await ort.InferenceSession.create(join(dir, files.qdq), { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1, logSeverityLevel: 3 });
      const x = readNpy(join(SHARED_MODELS, `${model}.test_x.npy`));
      const per = x.data.length / x.shape[0]!;
      const out = q.tensors.get(q.outputs[0]!)!;
      let maxLsb = 0;
      let beyondOne = 0;
      let count = 0;
      for (let k = 0; k < SAMPLES; k++) {
        const sample = Float32Array.from(x.data.subarray(k * per, (k + 1) * per));
        const reference = dequantizeOutput(q, runQModel(q, [quantizeInput(q, sample)])[0]!);
        const result = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', sample, q.tensors.get(q.inputs[0]!)!.shape) });
        const got = result[session.outputNames[0]!]!.data as Float32Array;
        expect(got.length).toBe(reference.length);
        for (let i = 0; i < got.length; i++) {
          const lsb = Math.abs(got[i]! - reference[i]!) / out.scale;
          maxLsb = Math.max(maxLsb, lsb);
          if (lsb > 1.01) beyondOne++;
          count++;
        }
      }
      await session.release();
      expect(maxLsb).toBeLessThanOrEqual(3.01);
      expect(beyondOne / count).toBeLessThanOrEqual(0.1);
    });
  }
});

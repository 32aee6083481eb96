/**
 * Post-training accuracy of the integer reference (quant/run-qmodel.ts, bit-exact with the C) on
 * the shared models' full test sets at w8a8, w4a8 and w2a8 (first and last layers 8-bit, the
 * default policy), under three calibrations:
 *   (a) uniform: 32 uniform random inputs on [0, 1] (the pipeline's default before synthetic data);
 *   (b) synthetic: 64 samples from distill/synthesize.ts;
 *   (c) synthetic + cross-layer equalisation + bias correction (on the same synthetic samples).
 * The data-free steps never see the test data; this script reads it only to score. Also prints
 * the synthesis time, method and class balance per model. Not a test (no thresholds).
 *
 *   npx tsx scripts/calibration-figures.ts [--json] [model ...]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '../src/data/npy.js';
import { synthesizeInputs } from '../src/distill/synthesize.js';
import { assertSupported } from '../src/analysis/inspect-model.js';
import { inferTypes } from '../src/engine/infer-types.js';
import type { Graph } from '../src/ir/graph.js';
import { makeTensor } from '../src/ir/tensor.js';
import { loadModel } from '../src/onnx/load-model.js';
import { canonicalize } from '../src/passes/index.js';
import { chooseBits } from '../src/pipeline/bit-policy.js';
import { correctBias } from '../src/quant/bias-correction.js';
import { equalizeCrossLayer } from '../src/quant/cross-layer-equalization.js';
import { quantizeModel } from '../src/quant/quantize-model.js';
import { dequantizeOutput, quantizeInput, runQModel } from '../src/quant/run-qmodel.js';
import { HAVE_SHARED, SHARED_MODELS, SHARED_MODEL_NAMES } from '../test/helpers/shared.js';

const BITS = [8, 4, 2] as const;
const MODES = ['uniform', 'synthetic', 'synthetic+CLE+BC'] as const;
const SYNTHETIC_SAMPLES = 64;

interface Row {
  model: string;
  metric: 'top-1' | 'MSE';
  fp32: number;
  synthesis: { method: string; seconds: number; classBalance?: { counts: number[]; distanceToUniform: number } };
  ptq: Record<string, Record<string, number>>;
}

function loadCanonical(path: string): Graph {
  const graph = loadModel(path, {});
  assertSupported(graph, path);
  inferTypes(graph);
  return canonicalize(graph);
}

function score(graph: Graph, bits: 8 | 4 | 2, calib: Float32Array[] | undefined, x: Float32Array[], y: ArrayLike<number>, task: string): number {
  const policy = chooseBits(graph, bits, false);
  const stacked = calib ? makeTensor('float32', [calib.length, ...graph.inputs[0]!.shape.slice(1)], concat(calib)) : undefined;
  const q = quantizeModel(graph, {
    weightBits: Object.fromEntries(policy.perLayer),
    activation: 'int8',
    samples: 32,
    seed: 1,
    inputRange: [0, 1],
    ...(stacked ? { calibrationData: stacked, calibrationDataName: 'synthetic' } : {}),
  });
  const outputs = x.map((s) => dequantizeOutput(q, runQModel(q, [quantizeInput(q, s)])[0]!));
  if (task === 'cls') return outputs.filter((o, k) => argmax(o) === y[k]).length / outputs.length;
  const per = outputs[0]!.length;
  return outputs.reduce((a, o, k) => a + o.reduce((b, v, i) => b + (v - y[k * per + i]!) ** 2, 0), 0) / (outputs.length * per);
}

function argmax(x: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i]! > x[best]!) best = i;
  return best;
}

function concat(samples: Float32Array[]): Float32Array {
  const out = new Float32Array(samples.length * samples[0]!.length);
  samples.forEach((s, k) => out.set(s, k * s.length));
  return out;
}

function measure(model: string): Row {
  const manifest = JSON.parse(readFileSync(join(SHARED_MODELS, 'manifest.json'), 'utf8')) as Record<string, { task: string; fp32_metric: number }>;
  const task = manifest[model]!.task;
  const graph = loadCanonical(join(SHARED_MODELS, `${model}.onnx`));
  const t0 = performance.now();
  const synthetic = synthesizeInputs(graph, { count: SYNTHETIC_SAMPLES, seed: 1 });
  const seconds = (performance.now() - t0) / 1000;
  const xs = readNpy(join(SHARED_MODELS, `${model}.test_x.npy`));
  const ys = readNpy(join(SHARED_MODELS, `${model}.test_y.npy`));
  const n = ys.shape[0]!;
  const per = xs.data.length / n;
  const x = Array.from({ length: n }, (_, k) => Float32Array.from(xs.data.subarray(k * per, (k + 1) * per)));
  const equalized = equalizeCrossLayer(graph).graph;
  const ptq: Row['ptq'] = {};
  for (const bits of BITS) {
    const policy = chooseBits(graph, bits, false);
    const corrected = correctBias(equalized, synthetic.samples, { weightBits: Object.fromEntries(policy.perLayer) }).graph;
    ptq[`w${bits}a8`] = {
      [MODES[0]]: score(graph, bits, undefined, x, ys.data, task),
      [MODES[1]]: score(graph, bits, synthetic.samples, x, ys.data, task),
      [MODES[2]]: score(corrected, bits, synthetic.samples, x, ys.data, task),
    };
  }
  return {
    model,
    metric: task === 'cls' ? 'top-1' : 'MSE',
    fp32: manifest[model]!.fp32_metric,
    synthesis: { method: synthetic.method, seconds: Math.round(seconds * 10) / 10, ...(synthetic.classBalance ? { classBalance: synthetic.classBalance } : {}) },
    ptq,
  };
}

function main(): void {
  if (!HAVE_SHARED) throw new Error(`no shared models at ${SHARED_MODELS}`);
  const names = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const json = process.argv.includes('--json');
  const fmt = (r: Row, v: number) => (r.metric === 'top-1' ? `${(100 * v).toFixed(1)}%` : v.toFixed(5));
  const columns = BITS.flatMap((b) => MODES.map((m) => `w${b}a8 ${m}`));
  if (!json) process.stdout.write(`| model | metric | fp32 | ${columns.join(' | ')} |\n|---|---|---|${columns.map(() => '---|').join('')}\n`);
  // Rows are printed as each model finishes (the integer reference takes minutes on ResNet-8).
  const rows = (names.length ? names : SHARED_MODEL_NAMES).map((name) => {
    const r = measure(name);
    const cells = BITS.flatMap((b) => MODES.map((m) => fmt(r, r.ptq[`w${b}a8`]![m]!)));
    if (!json) process.stdout.write(`| ${r.model} | ${r.metric} | ${fmt(r, r.fp32)} | ${cells.join(' | ')} |\n`);
    return r;
  });
  if (json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  process.stdout.write('\n| model | synthesis | seconds | class balance (TV distance to uniform) |\n|---|---|---|---|\n');
  for (const r of rows) {
    const b = r.synthesis.classBalance;
    process.stdout.write(`| ${r.model} | ${r.synthesis.method} | ${r.synthesis.seconds} | ${b ? `${b.counts.join('/')} (${b.distanceToUniform.toFixed(3)})` : '-'} |\n`);
  }
}

main();

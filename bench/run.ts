/**
 * `npm run bench`: forward (and, once training lands, forward+backward) time and GFLOP/s at batch
 * 32 for ResNet-8, DS-CNN and MobileNetV1-0.25 96x96, beside onnxruntime-node's fp32 forward on
 * the same models in the same run with the same thread count, and their throughput ratio. Checks
 * the targets of issue 5: edgec's ResNet-8 forward >= 0.5 x onnxruntime's throughput, and
 * forward+backward <= 65 ms. Prints a table; exits 1 if a target is missed (so CI can use it).
 *
 * Options: --runs N (timed runs per measurement, default 15), --batch N (default 32).
 * EDGEC_THREADS and EDGEC_KERNELS=js apply as everywhere (see src/kernels/parallel.ts).
 */
import { cpus, loadavg } from 'node:os';
import { summarizeModel } from '../src/analysis/inspect-model.js';
import { runGraph } from '../src/engine/run-graph.js';
import { makeTensor } from '../src/ir/tensor.js';
import { threadCount } from '../src/kernels/parallel.js';
import { wasmKernels } from '../src/kernels/wasm/module.js';
import { rng } from '../src/util/random.js';
import { mobilenetV1, sharedModel, type BenchModel } from './models.js';
import { describeSpread, recordRuns } from './spread.js';
import { ortForward, time, type Timing } from './timing.js';
import { trainingStep } from './training-step.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`bench: --${name} needs a positive integer`);
  return value;
}

const RUNS = option('runs', 15);
const WARMUP = 10;
const BATCH = option('batch', 32);
const FORWARD_RATIO_TARGET = 0.5;
const TRAIN_STEP_TARGET_MS = 65;

interface Row {
  model: string;
  gflop: number;
  edgec: Timing;
  ort: Timing;
  train: Timing | undefined;
}

async function benchModel(m: BenchModel, threads: number): Promise<Row> {
  const gflop = (2 * summarizeModel(m.graph).totals.macs) / 1e9;
  const r = rng(1);
  const input = makeTensor('float32', m.inputShape, Array.from({ length: m.inputShape.reduce((a, b) => a * b, 1) }, () => r()));
  // WARMUP runs first for both: V8 compiles the WebAssembly kernels with its baseline compiler and
  // replaces hot ones with optimised code in the background over the first tens of milliseconds.
  const edgec = await time(() => runGraph(m.graph, { [m.inputName]: input }), RUNS, WARMUP);
  const session = await ortForward(m.onnx, m.inputName, input.data as Float32Array, m.inputShape, threads);
  const ort = await time(session.run, RUNS, WARMUP);
  await session.release();
  const step = trainingStep(m.graph, m.inputName, input);
  const train = step ? await time(step, RUNS) : undefined;
  return { model: m.name, gflop, edgec, ort, train };
}

const loadAverage = () => loadavg().map((l) => l.toFixed(2)).join(', ');
const ms = (t: Timing) => `${t.medianMs.toFixed(1)} ms (${t.minMs.toFixed(1)}-${t.maxMs.toFixed(1)}) cpu ${t.cpuMs.toFixed(1)}`;
const gflops = (gflop: number, t: Timing) => `${(gflop / (t.medianMs / 1000)).toFixed(1)}`;

function printTable(rows: Row[]): void {
  const header = ['model', 'GFLOP/fwd', 'edgec fwd', 'GFLOP/s', 'onnxruntime fwd', 'GFLOP/s', 'edgec/ort', 'by cpu', 'edgec fwd+bwd', 'GFLOP/s'];
  const lines = rows.map((r) => [
    r.model, r.gflop.toFixed(3), ms(r.edgec), gflops(r.gflop, r.edgec), ms(r.ort), gflops(r.gflop, r.ort),
    (r.ort.medianMs / r.edgec.medianMs).toFixed(2), (r.ort.cpuMs / r.edgec.cpuMs).toFixed(2),
    r.train ? ms(r.train) : 'n/a', r.train ? gflops(3 * r.gflop, r.train) : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  for (const line of [header, ...lines]) console.log(line.map((c, i) => c.padEnd(widths[i]!)).join('  '));
}

/** Why ResNet-8's runs spread: the slower half vs the faster in CPU, page faults, GC, preemptions (bench/spread.ts). */
async function explainSpread(): Promise<void> {
  const m = sharedModel('resnet8', BATCH);
  if (!m) return;
  const r = rng(1);
  const input = makeTensor('float32', m.inputShape, Array.from({ length: m.inputShape.reduce((a, b) => a * b, 1) }, () => r()));
  console.log(describeSpread('resnet8 forward, runs by wall time', await recordRuns(() => runGraph(m.graph, { [m.inputName]: input }), RUNS)));
  const step = trainingStep(m.graph, m.inputName, input);
  if (step) console.log(describeSpread('resnet8 forward+backward, runs by wall time', await recordRuns(step, RUNS)));
}

async function main(): Promise<void> {
  const threads = threadCount();
  const kernels = wasmKernels() ? 'WebAssembly SIMD' : 'TypeScript (wasm/build missing or EDGEC_KERNELS=js)';
  console.log(`edgec bench: batch ${BATCH}, ${threads} thread(s) for edgec and onnxruntime, kernels: ${kernels}, median of ${RUNS} runs (min-max)`);
  // The machine may be shared: the load says how far to trust absolute times (ratios hold better).
  console.log(`load average at start: ${loadAverage()} (${cpus().length} CPUs)`);
  const models = [sharedModel('resnet8', BATCH), sharedModel('dscnn', BATCH), mobilenetV1(BATCH)];
  const rows: Row[] = [];
  for (const m of models) {
    if (!m) {
      console.log('(resnet8/dscnn skipped: ../shared/models not found)');
      continue;
    }
    rows.push(await benchModel(m, threads));
  }
  printTable(rows);
  console.log('fwd+bwd GFLOP/s counts 3 x the forward FLOPs (forward, input gradient, weight gradient).');
  console.log('cpu: median CPU time per run summed over all threads of the process (edgec workers, onnxruntime pool);');
  console.log('"by cpu": the same ratio on CPU time, which a loaded machine disturbs less than wall time.');

  console.log(`load average at end: ${loadAverage()}`);
  await explainSpread();

  const resnet = rows.find((r) => r.model === 'resnet8');
  let failed = false;
  if (resnet) {
    const ratio = resnet.ort.medianMs / resnet.edgec.medianMs;
    const ok = ratio >= FORWARD_RATIO_TARGET;
    failed ||= !ok;
    console.log(`target resnet8 forward throughput >= ${FORWARD_RATIO_TARGET} x onnxruntime: ${ratio.toFixed(2)} x ${ok ? 'PASS' : 'FAIL'}`);
    if (resnet.train) {
      const ok2 = resnet.train.medianMs <= TRAIN_STEP_TARGET_MS;
      failed ||= !ok2;
      console.log(`target resnet8 forward+backward <= ${TRAIN_STEP_TARGET_MS} ms: ${resnet.train.medianMs.toFixed(1)} ms ${ok2 ? 'PASS' : 'FAIL'}`);
    } else {
      console.log(`target resnet8 forward+backward <= ${TRAIN_STEP_TARGET_MS} ms: not measured (no training step yet)`);
    }
  }
  if (failed) process.exitCode = 1;
}

await main();
await import('./startup.js'); // CLI start-up (issue 9): its own table and target, also `npm run bench:startup`

/**
 * The programmatic `verify`: everything it needs is in the output directory of `compress` (the C
 * sources, report.json, the QModel snapshot and the canonical fp32 model), so DIR alone suffices.
 *
 * 1. Inputs: the user's .npy (--data, first --count samples) or --count seeded uniform inputs on
 *    the calibration range recorded in report.json.
 * 2. The C is compiled with the host compiler and run on the quantized inputs (src/codegen's host
 *    build); the integer reference runs on the same inputs; every output element must be equal,
 *    else an InternalError (exit 70) names the first difference: that is a bug in edgec.
 * 3. The dequantized C outputs are compared with the fp32 model: SQNR, max abs error and, for
 *    outputs with several elements, top-1 agreement.
 * With `qemu: CORE` step 2 builds for that Cortex-M core and runs in QEMU instead (src/qemu/), and
 * the result gains the target's figures: sections, instructions per inference, per MAC, per layer.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { inferTypes } from '../engine/infer-types.js';
import { runGraph } from '../engine/run-graph.js';
import { FileError, InternalError, UsageError } from '../errors.js';
import { loadModel } from '../onnx/load-model.js';
import { verifyFiles } from '../pipeline/compress-model.js';
import { dequantize, floatFeeds } from '../pipeline/fidelity.js';
import { REPORT_FILE } from '../pipeline/output-dir.js';
import { decodeQModel } from '../pipeline/qmodel-file.js';
import { feedsOf, samplesFromNpy, singleInput, uniformFeeds, type Feed } from '../pipeline/samples.js';
import type { IntTensorData } from '../quant/integer-facet.js';
import type { QModel } from '../quant/qmodel.js';
import { quantizeInput, runQModel } from '../quant/run-qmodel.js';
import { REPORT_SCHEMA, sqnrDb, type CompressReport } from '../report/compress-report.js';
import { runCompiledC } from '../pipeline/run-compiled.js';
import type { QemuCore } from '../qemu/boards.js';
import { verifyInQemu, type QemuReport } from '../qemu/verify-qemu.js';

export const DEFAULT_VERIFY_COUNT = 100;
export const VERIFY_SEED = 0xc0de;

export interface VerifyOptions {
  /** A .npy of N model inputs; default: generated inputs. */
  data?: string;
  /** How many inputs (default 100; with --data, the first N, default all). */
  count?: number;
  /** Build for this core and run in QEMU instead of on the host (src/qemu/). */
  qemu?: QemuCore;
  /** Kill QEMU after this many milliseconds (default 60 s + 2 s per input). */
  qemuTimeoutMs?: number;
}

export interface OutputAgreement {
  name: string;
  elements: number;
  sqnr_db: number | null;
  max_abs_error: number;
  /** Fraction of inputs whose argmax matches fp32; null for single-element outputs. */
  top1_agreement: number | null;
}

export interface VerifyResult {
  schema: 'edgec.verify/1';
  dir: string;
  name: string;
  inputs: string;
  samples: number;
  /** Always true in a returned result: a difference throws. */
  bit_exact: true;
  compiler: string;
  outputs: OutputAgreement[];
  /** With --qemu: sizes, instruction counts and per-layer counts beside the cost model. */
  qemu?: QemuReport;
}

export interface Verification {
  result: VerifyResult;
  /** Dequantized C outputs per sample, per graph output (for callers measuring accuracy). */
  outputs: Float32Array[][];
}

export function parseCount(value: string): number {
  if (!/^[1-9]\d{0,6}$/.test(value.trim())) throw new UsageError(`--count "${value}": expected a positive integer`);
  return Number(value);
}

/** "--qemu-timeout 30" -> 30000 ms. */
export function parseSeconds(value: string, flag: string): number {
  const s = Number(value.trim());
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(s > 0) || s > 86_400) throw new UsageError(`${flag} "${value}": expected a number of seconds (0 < s <= 86400)`);
  return Math.round(s * 1000);
}

export function readReport(dir: string): CompressReport {
  const path = join(dir, REPORT_FILE);
  if (!existsSync(path)) throw new FileError(`${dir} is not an edgec compress output directory (no ${REPORT_FILE})`);
  let report: CompressReport;
  try {
    report = JSON.parse(readFileSync(path, 'utf8')) as CompressReport;
  } catch (e) {
    throw new FileError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  if (report.schema !== REPORT_SCHEMA) throw new FileError(`${path}: expected schema "${REPORT_SCHEMA}", found ${JSON.stringify(report.schema)}`);
  return report;
}

export function verify(dir: string, options: VerifyOptions = {}): Verification {
  const report = readReport(dir);
  const files = verifyFiles(report.name);
  const model = decodeQModel(readText(join(dir, files.qmodel)), join(dir, files.qmodel));
  const graph = loadModel(join(dir, files.fp32));
  inferTypes(graph);
  let feeds: Feed[];
  let described: string;
  if (options.data !== undefined) {
    const input = singleInput(graph.inputs, '--data', dir);
    feeds = feedsOf(input, samplesFromNpy(options.data, input, '--data').slice(0, options.count));
    described = `samples of ${basename(options.data)}`;
  } else {
    const range = report.options.input_range ?? [0, 1];
    feeds = uniformFeeds(graph.inputs, options.count ?? DEFAULT_VERIFY_COUNT, range, VERIFY_SEED);
    described = `uniform [${range.join(', ')}] inputs`;
  }

  const ints = feeds.map((feed) => model.inputs.map((name) => quantizeInput(model, feed.get(name)!, name)));
  let qemu: QemuReport | undefined;
  let compiled: { compiler: string; outputs: IntTensorData[][] };
  if (options.qemu !== undefined) {
    const run = verifyInQemu(dir, report.name, model, ints, options.qemu, options.qemuTimeoutMs !== undefined ? { timeoutMs: options.qemuTimeoutMs } : {});
    qemu = run.report;
    compiled = { compiler: `${run.report.compiler} (${run.report.core}, run in QEMU ${run.report.machine})`, outputs: run.outputs };
  } else {
    compiled = runCompiledC(dir, report.name, model, ints);
  }
  ints.forEach((x, k) => compareBitExact(model, k, compiled.outputs[k]!, runQModel(model, x)));

  const outputs = compiled.outputs.map((outs) => outs.map((o, j) => dequantize(o, model.tensors.get(model.outputs[j]!)!)));
  const fp32 = feeds.map((feed) => {
    const values = runGraph(graph, floatFeeds(graph, feed));
    return model.outputs.map((name) => values.get(name)!.data);
  });
  return {
    result: {
      schema: 'edgec.verify/1',
      dir,
      name: report.name,
      inputs: described,
      samples: feeds.length,
      bit_exact: true,
      compiler: compiled.compiler,
      outputs: model.outputs.map((name, j) => agreement(name, fp32.map((f) => f[j]!), outputs.map((o) => o[j]!))),
      ...(qemu ? { qemu } : {}),
    },
    outputs,
  };
}

function compareBitExact(model: QModel, sample: number, c: IntTensorData[], reference: IntTensorData[]): void {
  reference.forEach((want, j) => {
    const got = c[j];
    const at = got && got.length === want.length ? want.findIndex((v, i) => got[i] !== v) : 0;
    if (at < 0) return;
    throw new InternalError(
      `verify: the compiled C differs from the integer reference on input ${sample}, output "${model.outputs[j]}" element ${at}: ` +
        `C gives ${got?.[at] ?? 'nothing'}, the reference ${want[at]} (a bug in edgec; please report it with the model)`,
    );
  });
}

function agreement(name: string, reference: ArrayLike<number>[], approx: Float32Array[]): OutputAgreement {
  let signal = 0;
  let noise = 0;
  let maxAbs = 0;
  let agree = 0;
  reference.forEach((r, k) => {
    const a = approx[k]!;
    for (let i = 0; i < r.length; i++) {
      const d = r[i]! - a[i]!;
      signal += r[i]! * r[i]!;
      noise += d * d;
      maxAbs = Math.max(maxAbs, Math.abs(d));
    }
    if (argmax(r) === argmax(a)) agree++;
  });
  const elements = reference[0]?.length ?? 0;
  return {
    name,
    elements,
    sqnr_db: sqnrDb(signal, noise),
    max_abs_error: maxAbs,
    top1_agreement: elements > 1 && reference.length > 0 ? agree / reference.length : null,
  };
}

export function argmax(x: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i]! > x[best]!) best = i;
  return best;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new FileError(`cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

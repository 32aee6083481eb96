/**
 * The `edgec compress` pipeline, stage by stage, as the folders lay it out: onnx/ (load) ->
 * passes/ (canonicalize) -> quant/ (calibrate, quantize) -> codegen/ (memory plan, C) -> report/.
 * It computes every output file in memory and returns them; the caller writes them (atomically,
 * see output-dir.ts), so a failure at any stage leaves nothing on disk.
 *
 * Deterministic: calibration and evaluation inputs come from fixed seeds, the report has no
 * timestamps or absolute paths, and every emitter writes stable bytes.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { assertSupported } from '../analysis/inspect-model.js';
import { inferTypes } from '../engine/infer-types.js';
import { FileError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import { loadModel, parseInputShapes } from '../onnx/load-model.js';
import { encodeModel } from '../onnx/write-model.js';
import { canonicalize } from '../passes/index.js';
import { planArena } from '../codegen/plan-arena.js';
import { estimateModelCost } from '../cost/estimate-model.js';
import { renderReportHtml, HTML_REPORT_FILE } from '../report/html/render-report-html.js';
import { resolveTarget } from '../targets/load-targets.js';
import { exportQdq } from '../quant/export-qdq.js';
import type { CompressReport } from '../report/compress-report.js';
import type { BitPolicy } from './bit-policy.js';
import { chooseAndRealize } from './bit-search-stage.js';
import { buildReport } from './build-report.js';
import { measureFidelity } from './fidelity.js';
import { emitSources, integerRunner, quantize } from './integer-stages.js';
import type { ResolvedCompressOptions } from './options.js';
import type { OutputFile } from './output-dir.js';
import { encodeQModel } from './qmodel-file.js';
import { reportProgress, yieldToEventLoop } from './progress.js';
import { feedsOf, samplesFromNpy, singleInput, uniformFeeds } from './samples.js';
import { REPORT_FILE } from './output-dir.js';
import { isAnchored } from '../distill/synthesize.js';
import { prepareForQuantization, synthesizeCalibration, syntheticDataReport } from './synthetic-stage.js';
import { distillSteps, runDistillation } from './distill-stage.js';
import { evaluationData, runEvaluation } from './evaluation-stage.js';

/** Inputs the per-layer SQNR is measured on (drawn like calibration inputs, another seed). */
export const EVAL_SAMPLES = 8;
export const EVAL_SEED = 0x5eed;
export const CALIBRATION_SEED = 1;

export interface CompressArtifacts {
  name: string;
  report: CompressReport;
  files: OutputFile[];
}

/** The files verify reads besides the C: the fp32 model and the QModel snapshot. */
export function verifyFiles(name: string): { fp32: string; qmodel: string; qdq: string } {
  return { fp32: `${name}.fp32.onnx`, qmodel: `${name}.qmodel.json`, qdq: `${name}.qdq.onnx` };
}

export async function compressModel(modelPath: string, options: ResolvedCompressOptions): Promise<CompressArtifacts> {
  const stage = async (what: string) => {
    reportProgress(options, { stage: what });
    await yieldToEventLoop(options); // let a spinner draw and an abort land
  };
  // The target first: a bad --target/--clock/--vdd fails before any work.
  const target = resolveTarget(options.target, { clockMhz: options.clockMhz, vdd: options.vdd });
  await stage('loading and canonicalising the model');
  const graph = loadCanonical(modelPath, options.inputShape);
  const stem = basename(modelPath, extname(modelPath));
  const calib = options.calib !== undefined ? samplesFromNpy(options.calib, singleInput(graph.inputs, '--calib', modelPath), '--calib') : undefined;
  const evalData = evaluationData(graph, options, modelPath); // bad --eval/--labels fail before any work

  // No --calib: synthetic data from the model itself (one-input models; others stay uniform).
  if (!calib && graph.inputs.length === 1) await stage('synthesizing calibration data from the model');
  const synthetic = calib || graph.inputs.length !== 1 ? undefined : synthesizeCalibration(graph, options.inputRange, options.seed, options.signal);
  const calibSamples = calib ?? synthetic?.samples;
  // Per-layer widths: the preset's, or --bits auto's search, realized (and, under auto, checked and
  // stepped back) by bias correction, quantization and distillation (bit-search-stage.ts).
  const realize = async (policy: BitPolicy) => {
    await stage('equalising layers and correcting biases');
    const prepared = prepareForQuantization(graph, policy, calibSamples ?? [], options.groupSize ?? 0);

    await stage(`calibrating and quantizing (${options.bits === 'auto' ? 'auto bit widths' : options.bits})`);
    const calibName = synthetic ? `synthetic data (${synthetic.method})` : undefined;
    const ptq = quantize(prepared.corrected, options.name ?? stem, options, policy, calibSamples, CALIBRATION_SEED, calibName);

    if (distillSteps(options, policy) > 0) await stage('distilling');
    const distilled = runDistillation({
      teacher: prepared.equalized,
      start: prepared.corrected,
      policy,
      ptq,
      samples: calibSamples ?? [],
      data: calib ? basename(options.calib!) : synthetic ? `synthetic data (${synthetic.method})` : 'none (multi-input model)',
      trainingData: calib ? 'user' : synthetic && isAnchored(synthetic) ? 'anchored-synthetic' : 'free-synthetic',
      options,
      requantize: (g, overrides) => quantize(g, options.name ?? stem, options, policy, calibSamples, CALIBRATION_SEED, calibName, overrides),
    });
    return { prepared, distilled, model: distilled.model };
  };
  const bits = await chooseAndRealize(graph, calibSamples, options, target, stage, realize);
  const { policy } = bits;
  const { prepared, distilled, model: quantized } = bits.realized;

  await stage('measuring the quantization error against fp32');
  const evalFeeds = calib ? feedsOf(graph.inputs[0]!, calib.slice(0, EVAL_SAMPLES)) : uniformFeeds(graph.inputs, EVAL_SAMPLES, options.inputRange, EVAL_SEED);
  const evalInputs = calib ? `samples of ${basename(options.calib!)}` : `uniform [${options.inputRange.join(', ')}] inputs`;
  const fidelity = measureFidelity(prepared.equalized, quantized, evalFeeds, integerRunner(quantized));
  await stage(evalData ? `evaluating on ${basename(options.eval!)}` : 'evaluating on held-out synthetic samples');
  const evaluation = runEvaluation(graph, quantized, options, evalData);

  await stage('generating C');
  const c = emitSources(quantized, options.name);
  const name = c.name;
  const model = { ...quantized, name };
  await stage(`predicting the cost on ${target.id}`);
  const plan = planArena(model); // the plan emitC used (deterministic), for the memory timeline
  const cost = estimateModelCost(model, target, { arenaBytes: c.arenaBytes });

  await stage('writing ONNX');
  const names = verifyFiles(name);
  const files: OutputFile[] = [
    ...c.files,
    { path: names.qdq, contents: encodeModel(exportQdq(distilled.graph, model)) },
    { path: names.fp32, contents: encodeModel(graph) },
    { path: names.qmodel, contents: encodeQModel(model) },
  ];
  const report = buildReport({
    modelPath,
    modelSha256: sha256(modelPath),
    name,
    graph,
    model,
    options,
    policy,
    fidelity,
    evalInputs,
    evalSamples: evalFeeds.length,
    arenaBytes: c.arenaBytes,
    plan,
    target,
    cost,
    budgets: options.budgets,
    distillation: distilled.report,
    ...(bits.report ? { bitSearch: bits.report } : {}),
    evaluation,
    syntheticData: syntheticDataReport(synthetic, options.seed, prepared, calibSamples?.length ?? 0, calib ? `calibration on ${basename(options.calib!)}` : 'a multi-input model is calibrated on uniform inputs'),
    files: [...files.map((f) => f.path), REPORT_FILE, HTML_REPORT_FILE],
  });
  files.push({ path: REPORT_FILE, contents: `${JSON.stringify(report, null, 2)}\n` });
  files.push({ path: HTML_REPORT_FILE, contents: renderReportHtml(report) });
  return { name, report, files };
}

export function loadCanonical(modelPath: string, inputShape: string[]): Graph {
  const graph = loadModel(modelPath, { inputShapes: parseInputShapes(inputShape) });
  assertSupported(graph, modelPath);
  inferTypes(graph);
  return canonicalize(graph);
}

function sha256(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch (e) {
    throw new FileError(`cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/**
 * Assembles report.json (src/report/compress-report.ts) from what the pipeline produced: the
 * canonical graph (parameters and MACs per layer, as `inspect` counts them), the QModel (bits,
 * bytes, qparams), the fidelity measurements, the memory plan, the predicted cost on the target
 * and the budget verdicts.
 */
import { basename } from 'node:path';
import { summarizeModel } from '../analysis/inspect-model.js';
import type { ArenaPlan } from '../codegen/plan-arena.js';
import type { ModelCost } from '../cost/model-cost.js';
import { costTotals, ioBytes, memoryReport, targetReport, withCost } from '../report/cost-report.js';
import type { ResolvedTarget } from '../targets/target.js';
import { checkBudgets, type Budgets } from './budgets.js';
import type { Graph } from '../ir/graph.js';
import type { QModel, QTensor } from '../quant/qmodel.js';
import { layerReport, REPORT_SCHEMA, tensorReport, totalsOf, type CompressReport } from '../report/compress-report.js';
import { VERSION } from '../version.js';
import type { BitPolicy } from './bit-policy.js';
import type { Fidelity } from './fidelity.js';
import type { ResolvedCompressOptions } from './options.js';
import type { SyntheticDataReport } from './synthetic-stage.js';
import type { BitSearchReport } from '../bits/explain.js';
import type { DistillationReport } from './distill-stage.js';
import type { EvaluationReport } from './evaluation.js';

export interface ReportInputs {
  modelPath: string;
  modelSha256: string;
  name: string;
  graph: Graph;
  model: QModel;
  options: ResolvedCompressOptions;
  policy: BitPolicy;
  fidelity: Fidelity;
  evalInputs: string;
  evalSamples: number;
  arenaBytes: number;
  /** The arena plan the C was emitted with (for the memory timeline). */
  plan: ArenaPlan;
  target: ResolvedTarget;
  cost: ModelCost;
  budgets: Budgets;
  /** The data-free stages before quantization (synthetic-stage.ts). */
  syntheticData?: SyntheticDataReport;
  /** --bits auto: the search's explanation. */
  bitSearch?: BitSearchReport;
  distillation?: DistillationReport;
  evaluation?: EvaluationReport | null;
  files: string[];
}

export function buildReport(r: ReportInputs): CompressReport {
  const summary = summarizeModel(r.graph);
  const byName = new Map(summary.layers.map((l) => [l.name, l]));
  const layers = r.model.layers.map((layer) => {
    const s = byName.get(layer.name);
    const sqnr = r.fidelity.sqnrDb.get(layer.outputs[0] ?? '');
    return layerReport(layer, r.model, { params: s?.params ?? 0, macs: s?.macs ?? 0, sqnrDb: sqnr ?? null });
  });
  const tensor = (name: string) => tensorReport(r.model.tensors.get(name) as QTensor);
  const inputs = r.model.inputs.map(tensor);
  const outputs = r.model.outputs.map(tensor);
  const totals = costTotals(totalsOf(layers, r.arenaBytes), r.cost, ioBytes(inputs, outputs));
  return {
    schema: REPORT_SCHEMA,
    edgec_version: VERSION,
    name: r.name,
    model: { file: basename(r.modelPath), sha256: r.modelSha256, producer: summary.producer, opset: summary.opset },
    options: {
      bits: r.options.bits,
      observer: r.options.observer,
      group_size: r.options.groupSize ?? null,
      input_range: r.options.calib !== undefined ? null : [r.options.inputRange[0], r.options.inputRange[1]],
      calib_file: r.options.calib !== undefined ? basename(r.options.calib) : null,
      calibration: r.model.calibration,
    },
    bit_policy: {
      rule: r.policy.rule,
      weight_bits: r.policy.weightBits,
      eight_bit_layers: r.policy.eightBitLayers,
      ...(r.policy.activation ? { activation_bits: r.policy.activation === 'int16' ? 16 : 8 } : {}),
      ...(r.policy.overridden?.length ? { layer_bits_overrides: r.policy.overridden } : {}),
    },
    ...(r.bitSearch ? { bit_search: r.bitSearch } : {}),
    target: targetReport(r.target),
    inputs,
    outputs,
    layers: withCost(layers, r.cost),
    totals,
    memory: memoryReport(r.plan),
    budgets: checkBudgets(totals, r.budgets, r.target),
    accuracy: {
      eval_inputs: r.evalInputs,
      samples: r.evalSamples,
      output_sqnr_db: r.fidelity.outputSqnrDb,
      max_abs_error: r.fidelity.maxAbsError,
    },
    ...(r.syntheticData ? { synthetic_data: r.syntheticData } : {}),
    ...(r.distillation ? { distillation: r.distillation } : {}),
    ...(r.evaluation !== undefined ? { evaluation: r.evaluation } : {}),
    files: [...r.files].sort(),
  };
}

/**
 * `report.json`, the result object of `edgec compress` (schema "edgec.report/2", documented in
 * README "report.json"). The terminal summary, `--json` and report.html are views of this one
 * object; the cost on the target (cycles, latency, energy, flash, RAM) and the budget verdicts
 * come from src/cost and src/pipeline/budgets.ts (see cost-report.ts). It holds
 * nothing that varies between runs of the same command (no timestamps, no absolute paths), so the
 * output directory is byte-identical on a rerun.
 *
 * Conventions: byte counts are for the device (int8 activations 1 byte, int16 2, weights packed
 * at their bit width); `sqnr_db` is 10*log10(sum x^2 / sum (x - x_q)^2) over the evaluation
 * inputs, x the fp32 value and x_q the dequantized integer-reference value of the same tensor,
 * rounded to 0.01 dB, and null when the quantization error is exactly zero (or the signal is).
 */
import type { CostKind } from '../cost/model-cost.js';
import type { BudgetsReport } from '../pipeline/budgets.js';
import type { SyntheticDataReport } from '../pipeline/synthetic-stage.js';
import type { DistillationReport } from '../pipeline/distill-stage.js';
import type { EvaluationReport } from '../pipeline/evaluation.js';
import type { BitSearchReport } from '../bits/explain.js';
import type { QLayer, QModel, QTensor } from '../quant/qmodel.js';
import type { CostTotalsReport, MemoryReport, TargetReport } from './cost-report.js';

export const REPORT_SCHEMA = 'edgec.report/2';

export interface LayerReport {
  name: string;
  op: string;
  /** Weight bit width, null for layers without weights. */
  w_bits: number | null;
  /** Output activation bit width (8 or 16). */
  a_bits: number;
  /** Float parameters of the layer (weights and bias elements). */
  params: number;
  /** Bytes of the packed weight array (int4: two per byte, int2: four). */
  weight_bytes: number;
  /** Every constant byte the layer keeps in flash: weights, bias, multipliers, shifts, tables. */
  const_bytes: number;
  macs: number;
  /** Bytes of the layer's outputs as activations. */
  output_bytes: number;
  sqnr_db: number | null;
}

/** A layer with its predicted cost on the target (src/cost/model-cost.ts LayerCost). */
export interface LayerCostReport extends LayerReport {
  kind: CostKind;
  cycles: number;
  latency_ms: number;
  energy_uj: number;
  /** Constant bytes in flash (= const_bytes; the kernels' code is counted once, in the totals). */
  flash_bytes: number;
  /** Scratch bytes of the layer's kernel, planned inside the arena. */
  scratch_bytes: number;
}

export interface TensorReport {
  name: string;
  shape: number[];
  type: 'int8' | 'int16';
  scale: number;
  zero_point: number;
}

export interface CompressReport {
  schema: typeof REPORT_SCHEMA;
  edgec_version: string;
  /** The C prefix (NAME_run, NAME.h). */
  name: string;
  model: { file: string; sha256: string; producer: string; opset: number };
  options: {
    bits: string;
    observer: string;
    group_size: number | null;
    /** [lo, hi] of the uniform calibration inputs, or null with calib_file. */
    input_range: [number, number] | null;
    /** The --calib file's name (not its path), or null. */
    calib_file: string | null;
    /** How activation ranges were calibrated, in words. */
    calibration: string;
  };
  /** Which layers got which weight width, and why. */
  bit_policy: { rule: 'first-last-8bit' | 'uniform' | 'auto'; weight_bits: number; eight_bit_layers: string[]; activation_bits?: number; layer_bits_overrides?: string[] };
  /** --bits auto: the search's choice explained (src/bits/explain.ts). */
  bit_search?: BitSearchReport;
  /** The target the cost is predicted for, with --clock / --vdd applied. */
  target: TargetReport;
  inputs: TensorReport[];
  outputs: TensorReport[];
  layers: LayerCostReport[];
  totals: CostTotalsReport;
  /** The static arena: which buffer holds which bytes while which layer runs. */
  memory: MemoryReport;
  budgets: BudgetsReport;
  /** Fidelity of the graph outputs against fp32 on the evaluation inputs. */
  accuracy: { eval_inputs: string; samples: number; output_sqnr_db: number | null; max_abs_error: number };
  /** Synthetic calibration data, cross-layer equalisation and bias correction (pipeline/synthetic-stage.ts). */
  synthetic_data?: SyntheticDataReport;
  /** Quantization-aware distillation: whether it ran (or why not), its settings and losses. */
  distillation?: DistillationReport;
  /** fp32 vs the compiled model on --eval data, or data-free on held-out synthetic samples; null for multi-input models. */
  evaluation?: EvaluationReport | null;
  /** Every file in the output directory, sorted. */
  files: string[];
}

/** What the pipeline measured per layer, keyed by layer name. */
export interface LayerMeasures {
  params: number;
  macs: number;
  sqnrDb: number | null;
}

export function tensorReport(t: QTensor): TensorReport {
  return { name: t.name, shape: [...t.shape], type: t.type, scale: t.scale, zero_point: t.zeroPoint };
}

export function activationBytes(t: QTensor): number {
  return t.shape.reduce((p, d) => p * d, 1) * (t.type === 'int16' ? 2 : 1);
}

export function packedWeightBytes(layer: QLayer): number {
  const w = layer.weights;
  return w ? Math.ceil((w.values.length * w.bits) / 8) : 0;
}

/** Constant bytes the layer stores: packed weights plus every integer parameter array. */
export function constBytes(layer: QLayer): number {
  let bytes = packedWeightBytes(layer);
  if (layer.weights && layer.weights.groupSize > 0) bytes += layer.weights.scales.byteLength;
  if (layer.bias) bytes += layer.bias.byteLength;
  if (layer.requant) bytes += layer.requant.multiplier.byteLength + layer.requant.shift.byteLength;
  for (const v of Object.values(layer.params ?? {})) if (typeof v !== 'number') bytes += v.byteLength;
  return bytes;
}

export function layerReport(layer: QLayer, model: QModel, m: LayerMeasures): LayerReport {
  const outputs = layer.outputs.map((o) => model.tensors.get(o)).filter((t): t is QTensor => t !== undefined);
  return {
    name: layer.name,
    op: layer.op,
    w_bits: layer.weights ? layer.weights.bits : null,
    a_bits: outputs[0]?.type === 'int16' ? 16 : 8,
    params: m.params,
    weight_bytes: packedWeightBytes(layer),
    const_bytes: constBytes(layer),
    macs: m.macs,
    output_bytes: outputs.reduce((s, t) => s + activationBytes(t), 0),
    sqnr_db: m.sqnrDb,
  };
}

/** The size totals every report has; cost-report.ts adds the cost on the target. */
export interface SizeTotals {
  layers: number;
  params: number;
  weights_bytes: number;
  const_bytes: number;
  arena_bytes: number;
  macs: number;
}

export function totalsOf(layers: LayerReport[], arenaBytes: number): SizeTotals {
  const sum = (f: (l: LayerReport) => number) => layers.reduce((s, l) => s + f(l), 0);
  return {
    layers: layers.length,
    params: sum((l) => l.params),
    weights_bytes: sum((l) => l.weight_bytes),
    const_bytes: sum((l) => l.const_bytes),
    arena_bytes: arenaBytes,
    macs: sum((l) => l.macs),
  };
}

/** SQNR in dB from accumulated signal and noise energy; null when either is zero. */
export function sqnrDb(signal: number, noise: number): number | null {
  if (noise === 0 || signal === 0) return null;
  return Math.round(1000 * Math.log10(signal / noise)) / 100;
}

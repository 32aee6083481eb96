/**
 * The data-free stages before quantization:
 * 1. synthetic data (distill/synthesize.ts) when the user gives no --calib: at least
 *    SYNTHETIC_SAMPLES inputs from the model itself (more where the synthesis budget affords them:
 *    budgetedCount), the calibration set (and the distillation set, when that stage runs) in place
 *    of uniform random inputs;
 * 2. cross-layer equalisation (quant/cross-layer-equalization.ts): same fp32 function, per-channel
 *    weight ranges evened out, so low-bit per-channel grids lose less;
 * 3. empirical bias correction (quant/bias-correction.ts) for the layers' chosen weight widths, on
 *    the calibration samples (synthetic or the user's).
 * Fidelity is measured against the equalised graph (same outputs as the original, and the same
 * per-channel scaling of intermediate values as the quantized model); the quantizer gets the
 * bias-corrected one. Everything here is reported in report.json's `synthetic_data` block.
 */
import { budgetedCount, synthesizeInputs, type SynthesisResult } from '../distill/synthesize.js';
import type { Graph } from '../ir/graph.js';
import { correctBias } from '../quant/bias-correction.js';
import { equalizeCrossLayer } from '../quant/cross-layer-equalization.js';
import type { BitPolicy } from './bit-policy.js';
import type { Samples } from './samples.js';

/** Synthetic calibration samples drawn at least when the user gives no --calib. */
export const SYNTHETIC_SAMPLES = 64;

export interface PreparedGraphs {
  /** Cross-layer equalised: the fp32 function of the original. */
  equalized: Graph;
  /** Equalised and bias-corrected: what gets quantized. */
  corrected: Graph;
  equalizedPairs: number;
  correctedLayers: number;
}

export interface SyntheticDataReport {
  /** null when the user's --calib data was used instead. */
  method: SynthesisResult['method'] | null;
  samples: number;
  seed: number | null;
  class_balance: { counts: number[]; distance_to_uniform: number; distance: 'total variation' } | null;
  description: string;
  cross_layer_equalization: { pairs: number };
  bias_correction: { layers: number; samples: number };
}

export function synthesizeCalibration(graph: Graph, inputRange: [number, number], seed: number, signal?: AbortSignal): SynthesisResult {
  return synthesizeInputs(graph, { count: budgetedCount(graph, SYNTHETIC_SAMPLES), seed, inputRange, ...(signal ? { signal } : {}) });
}

export function prepareForQuantization(graph: Graph, policy: BitPolicy, samples: Samples, groupSize: number): PreparedGraphs {
  const { graph: equalized, pairs } = equalizeCrossLayer(graph);
  const { graph: corrected, layers } = correctBias(equalized, samples, { weightBits: Object.fromEntries(policy.perLayer), groupSize });
  return { equalized, corrected, equalizedPairs: pairs.length, correctedLayers: layers.length };
}

/** `fallback` describes the calibration data when none was synthesized (the user's --calib...). */
export function syntheticDataReport(synthetic: SynthesisResult | undefined, seed: number, prepared: PreparedGraphs, calibSamples: number, fallback: string): SyntheticDataReport {
  const balance = synthetic?.classBalance;
  return {
    method: synthetic?.method ?? null,
    samples: synthetic?.samples.length ?? 0,
    seed: synthetic ? seed : null,
    class_balance: balance ? { counts: balance.counts, distance_to_uniform: balance.distanceToUniform, distance: 'total variation' } : null,
    description: synthetic?.description ?? `not synthesized: ${fallback}`,
    cross_layer_equalization: { pairs: prepared.equalizedPairs },
    bias_correction: { layers: prepared.correctedLayers, samples: calibSamples },
  };
}

/**
 * The contract between the cost model (src/cost/estimate-*.ts) and the views of its result
 * (report.json, the terminal table, report.html, budgets, the bit-width search): what a quantized
 * model costs on one target, per layer and in total. Every figure is a prediction from the
 * target's calibrated coefficients (targets/*.json), never a measurement.
 *
 * Invariants (tested): the layers' cycles, latency and energy sum to the totals; latency =
 * cycles / clock; energy = active power x latency; ram_bytes = arena (activations, I/O copies and
 * scratch, as the emitted C plans it) exactly.
 */

/** Which coefficient of the target prices a layer. */
export type CostKind =
  | 'conv' // k x k convolution (k > 1)
  | 'conv1x1' // pointwise convolution
  | 'depthwise'
  | 'fully_connected' // Gemm / MatMul: weights streamed from flash
  | 'pool'
  | 'elementwise' // Add, Mul, activations, requantization, copies
  | 'softmax'
  | 'other';

export interface LayerCost {
  name: string;
  op: string;
  kind: CostKind;
  macs: number;
  w_bits: number | null;
  a_bits: number;
  cycles: number;
  latency_ms: number;
  energy_uj: number;
  /** Constant bytes in flash: packed weights, bias, requantization parameters, tables. */
  flash_bytes: number;
  /** Scratch bytes the layer's kernel needs (im2col buffers...), planned inside the arena. */
  scratch_bytes: number;
}

export interface CostTotals {
  cycles: number;
  latency_ms: number;
  energy_uj: number;
  /** const_bytes + code_bytes. */
  flash_bytes: number;
  const_bytes: number;
  /** Estimated .text of the kernels the model uses (each kernel counted once). */
  code_bytes: number;
  /** The emitted arena: activations (graph inputs and outputs included) and scratch. */
  ram_bytes: number;
}

export interface ModelCost {
  /** Target id (targets/<id>.json) and the clock, supply and power actually used. */
  target: string;
  clock_mhz: number;
  vdd: number;
  active_power_mw: number;
  layers: LayerCost[];
  totals: CostTotals;
}

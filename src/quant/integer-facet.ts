/**
 * The integer facet of an op (OpDef.integer): how a float node becomes a QLayer (`lower`, at
 * quantization time, with floats allowed) and how that QLayer runs (`run`, the bit-exact integer
 * reference the emitted C must reproduce: integers only, int32 accumulators, the requantize of
 * quant/fixed-point.ts).
 *
 * Conventions shared by every op (the C emitter relies on them):
 * - Data layout is ONNX's (NCHW, row-major), batch 1. int8 tensors are Int8Array, int16 Int16Array.
 * - `QLayer.inputs` lists only the node's activation inputs, in node order; constant inputs
 *   (weights, bias, shapes, axes) are folded into `weights`, `bias` or `params` by `lower`.
 * - Every numeric parameter `run` reads is in `weights`, `bias`, `requant`, `clamp` or `params`
 *   (never in `attrs`, which is kept for reports): each op file documents its `params`.
 * - Output qparams are chosen before `lower` (see `outputQuant`); `lower` reads them from
 *   `ctx.outputs` and must not change them.
 */
import type { Node } from '../ir/graph.js';
import type { Tensor } from '../ir/tensor.js';
import type { ActivationType, QLayer, QTensor } from './qmodel.js';

export type IntTensorData = Int8Array | Int16Array;

/** The parts of a QLayer an op's `lower` fills in (name, op, inputs, outputs are set by the caller). */
export type LoweredLayer = Pick<QLayer, 'weights' | 'bias' | 'requant' | 'clamp' | 'params'>;

export interface LowerContext<A = Record<string, unknown>> {
  node: Node;
  attrs: A;
  /** Per node input: the activation's qparams, or undefined for a constant or absent input. */
  inputs: (QTensor | undefined)[];
  /** Per node input: the constant's value (initializer), or undefined for an activation. */
  constants: (Tensor | undefined)[];
  /** The node's outputs, qparams already chosen. */
  outputs: QTensor[];
  /** Weight bits and int4 group size chosen for this layer (ops without weights ignore them). */
  weightBits: 8 | 4 | 2;
  groupSize: number;
  /** Per output channel: weight scales to use instead of max|w| / qmax (learned step sizes). */
  weightScales?: Float32Array;
}

/** What the quantizer needs to pick an output's qparams before calibration ranges are used. */
export interface OutputQuantContext<A = Record<string, unknown>> {
  node: Node;
  attrs: A;
  inputs: (QTensor | undefined)[];
  type: ActivationType;
}

/**
 * `calibrated` (the default): from the observed range of the fp32 output. `input`: the same
 * scale and zero point as the first activation input, so the op needs no requantization (MaxPool,
 * Reshape, Transpose...). `fixed`: qparams the op dictates (Softmax, Sigmoid, Tanh), given by the
 * facet's `fixedOutput`.
 */
export type OutputQuantRule = 'calibrated' | 'input' | 'fixed';

export interface RunContext {
  /** The layer's activation inputs' qparams and shapes, in `QLayer.inputs` order. */
  inputs: QTensor[];
  outputs: QTensor[];
}

export interface IntegerFacet<A = Record<string, unknown>> {
  outputQuant?: OutputQuantRule;
  /** For `outputQuant: 'fixed'`: the output's scale and zero point. */
  fixedOutput?(ctx: OutputQuantContext<A>): { scale: number; zeroPoint: number };
  /** Quantizes the node's constants and computes every integer parameter `run` needs. */
  lower(ctx: LowerContext<A>): LoweredLayer;
  /** Runs the layer on integer inputs; returns one typed array per output (in the outputs' types). */
  run(layer: QLayer, inputs: IntTensorData[], ctx: RunContext): IntTensorData[];
}

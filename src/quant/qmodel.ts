/**
 * The quantized model: what the quantizer produces, the integer reference executes, and the C
 * emitter prints. It is the contract between quant/, codegen/ and the ops' integer facets.
 *
 * Arithmetic follows ../shared/docs/quantization.md exactly: real = scale * (q - zeroPoint);
 * weights symmetric per output channel (zeroPoint 0) at 8, 4 or 2 bits, optionally with one scale
 * per group of `groupSize` consecutive inputs of a channel; activations int8 asymmetric per tensor
 * or int16 symmetric; int32 bias with scale input_scale * weight_scale[c]; requantization by an
 * int32 multiplier in [2^30, 2^31) and a shift (CMSIS-NN's default double rounding).
 */

export type ActivationType = 'int8' | 'int16';

/** An activation tensor (graph input, output or intermediate). */
export interface QTensor {
  /** The float graph's value name: untrusted, sanitise before it reaches C. */
  name: string;
  /** ONNX layout (e.g. NCHW), batch 1. */
  shape: number[];
  type: ActivationType;
  scale: number;
  /** int8: in [-128, 127]; int16: always 0. */
  zeroPoint: number;
}

/** Quantized weights of one layer, unpacked (packing is the emitter's job, see quant/pack.ts). */
export interface QuantizedWeights {
  bits: 8 | 4 | 2;
  /** The float weight's ONNX shape, e.g. [Cout, Cin/group, kh, kw] for Conv. */
  shape: number[];
  /** Which axis of `shape` is the output channel (0 for Conv and Gemm with transB=1). */
  channelAxis: number;
  /** One integer per weight in the float weight's layout, in [-(2^(bits-1) - 1), 2^(bits-1) - 1]. */
  values: Int8Array;
  /** Per output channel (groupSize 0), or per channel and group: scales[c * groups + g]. */
  scales: Float32Array;
  /** 0 for per-channel scales; else consecutive inputs of a channel that share a scale. */
  groupSize: number;
}

/** Per-output-channel (or per-tensor, length 1) fixed-point multipliers. */
export interface Requantization {
  multiplier: Int32Array;
  shift: Int32Array;
}

export interface QLayer {
  /** The float node's name: untrusted, sanitise before it reaches C. */
  name: string;
  /** The float op type; the op's integer facet (src/ops/<op>.ts) runs and emits it. */
  op: string;
  /** The op's domain: '' (ONNX) or 'com.edgec' (ChannelAffine); absent means ''. */
  domain?: string;
  inputs: string[];
  outputs: string[];
  /** The float node's resolved attributes (kernel_shape, strides, pads, axis...). */
  attrs: Record<string, unknown>;
  weights?: QuantizedWeights;
  bias?: Int32Array;
  requant?: Requantization;
  /** Output clamp in the quantized domain: fused Relu/Clip and the type's own range. */
  clamp?: [number, number];
  /** Op-specific integer parameters (input rescale multipliers of Add, lookup tables, ...). */
  params?: Record<string, number | Int32Array | Int16Array | Int8Array>;
}

export interface QModel {
  name: string;
  inputs: string[];
  outputs: string[];
  /** Every activation tensor by name. */
  tensors: Map<string, QTensor>;
  /** In execution order. */
  layers: QLayer[];
  /** How activation ranges were calibrated, for the report ("uniform [0, 1], 32 samples", ...). */
  calibration: string;
}

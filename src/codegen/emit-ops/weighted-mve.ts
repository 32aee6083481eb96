/**
 * The Helium (MVE) variant of the int8-weight layers (csrc/edgec_gemm_mve.c), emitted inside
 * `#if EDGEC_MVE` before the DSP variant (weighted.ts): a layer qualifies when the DSP kernels
 * would take it (weighted-dsp.ts dspApplies) with 8-bit weights; int4/int2 layers keep the DSP
 * kernels on M55/M85. Data layouts come from codegen/mve-layout.ts.
 */
import type { QLayer } from '../../quant/qmodel.js';
import type { CLayerContext } from '../c-facet.js';
import { cStructInit } from '../c-format.js';
import { CHANNEL_INTS, foldedChannels } from '../dsp-layout.js';
import { arrangeMveWeights, mveChannels, mveGemmScratchBytes } from '../mve-layout.js';
import type { DspKind } from './weighted-dsp.js';

export type MveKind = Exclude<DspKind, 'depthwise'>;

function param(layer: QLayer, name: string): number {
  const v = layer.params?.[name];
  return typeof v === 'number' ? v : NaN;
}

function gemmShape(layer: QLayer, kind: MveKind): [number, number] {
  const p = (n: string) => param(layer, n);
  if (kind === 'dense') return [p('outFeatures'), p('inFeatures')];
  return [p('outChannels'), p('inChannels') * p('kernelHeight') * p('kernelWidth')];
}

/** Whether a layer the DSP kernels take (kind) also has an MVE kernel. */
export function mveApplies(layer: QLayer, kind: DspKind): kind is MveKind {
  return kind !== 'depthwise' && layer.weights?.bits === 8;
}

export function mveScratchBytes(layer: QLayer, kind: MveKind): number {
  return mveGemmScratchBytes(gemmShape(layer, kind)[1], kind);
}

/** Declarations (through ctx) and the call of the MVE variant; `window` declares the edgec_window. */
export function emitMveCall(ctx: CLayerContext, kind: MveKind, window?: () => string): string {
  const { layer } = ctx;
  const [rows, depth] = gemmShape(layer, kind);
  const zeroPoint = -param(layer, 'inputOffset');
  const [lo, hi] = layer.clamp ?? [-128, 127];
  const folded = foldedChannels(layer, rows, depth, -zeroPoint, param(layer, 'outputOffset'))!.subarray(0, rows * CHANNEL_INTS);
  const params = ctx.constStruct('mve', 'edgec_mve_params', cStructInit({
    rows, depth, out_offset: param(layer, 'outputOffset'), act_min: lo, act_max: hi,
    w: ctx.constArray('wm', 'int8_t', arrangeMveWeights(layer.weights!.values, rows, depth)),
    chan: ctx.constArray('chanm', 'int32_t', mveChannels(folded, rows)),
  }));
  const [input, output] = [ctx.input(0), ctx.output(0)];
  switch (kind) {
    case 'pointwise':
      return `edgec_pointwise_conv_mve_w8(&${params}, ${param(layer, 'inHeight') * param(layer, 'inWidth')}, ${input}, ${output}, (int8_t *)${ctx.scratch()});`;
    case 'conv':
      return `edgec_conv_mve_w8(&${window!()}, &${params}, ${zeroPoint}, ${input}, ${output}, (int8_t *)${ctx.scratch()});`;
    case 'dense':
      return `edgec_fully_connected_mve_w8(&${params}, ${param(layer, 'rows')}, ${input}, ${output});`;
  }
}

/**
 * The DSP-extension variant of the weighted layers (csrc/edgec_gemm_dsp.c and
 * csrc/edgec_depthwise_dsp.c): which layers qualify, their scratch, and their declarations and
 * call, emitted inside `#if EDGEC_DSP` beside the portable call (weighted.ts) so that one NAME.c
 * builds for every core. Data layouts come from codegen/dsp-layout.ts.
 */
import type { QLayer, QTensor } from '../../quant/qmodel.js';
import type { CLayerContext } from '../c-facet.js';
import { cStructInit } from '../c-format.js';
import { arrangeGemmWeights, depthwiseBufferBytes, dspIneligibility, foldedChannels, gemmScratchBytes, type DspBits } from '../dsp-layout.js';

export type DspKind = 'pointwise' | 'conv' | 'depthwise' | 'dense';

function param(layer: QLayer, name: string): number {
  const v = layer.params?.[name];
  return typeof v === 'number' ? v : NaN;
}

/** Rows (output channels) and reduction length of the layer's GEMM, by kind. */
function gemmShape(layer: QLayer, kind: DspKind): [number, number] {
  const p = (n: string) => param(layer, n);
  if (kind === 'dense') return [p('outFeatures'), p('inFeatures')];
  if (kind === 'depthwise') return [p('outChannels'), p('kernelHeight') * p('kernelWidth')];
  return [p('outChannels'), (p('inChannels') / p('group')) * p('kernelHeight') * p('kernelWidth')];
}

/** Whether the layer of this kind runs a DSP kernel where the extension is present. */
export function dspApplies(layer: QLayer, kind: DspKind | 'generic', inputs: readonly QTensor[], outputs: readonly QTensor[]): kind is DspKind {
  const p = (n: string) => param(layer, n);
  if (kind === 'generic') return false;
  if (kind === 'conv' && p('group') !== 1) return false;
  if (kind === 'depthwise') {
    const shapeFits = p('outChannels') === p('inChannels') && p('kernelWidth') === 3 && p('kernelHeight') <= 16 && p('strideWidth') === 1 && p('dilationHeight') === 1 && p('dilationWidth') === 1;
    if (!shapeFits) return false;
  }
  const [rows, depth] = gemmShape(layer, kind);
  if (dspIneligibility(layer, inputs, outputs, depth)) return false;
  return foldedChannels(layer, rows, depth, p('inputOffset'), p('outputOffset')) !== undefined;
}

export function dspScratchBytes(layer: QLayer, kind: DspKind): number {
  const p = (n: string) => param(layer, n);
  if (kind === 'depthwise') {
    return depthwiseBufferBytes(p('inHeight'), p('inWidth'), p('outHeight'), p('outWidth'), p('strideHeight'), p('kernelHeight'), p('padTop'), p('padLeft'));
  }
  return gemmScratchBytes(gemmShape(layer, kind)[1], layer.weights!.bits as DspBits, kind);
}

/** Declarations (through ctx) and the call of the DSP variant; `window` declares the edgec_window. */
export function emitDspCall(ctx: CLayerContext, kind: DspKind, window?: () => string): string {
  const { layer } = ctx;
  const [rows, depth] = gemmShape(layer, kind);
  const bits = layer.weights!.bits as DspBits;
  const zeroPoint = -param(layer, 'inputOffset');
  const [lo, hi] = layer.clamp ?? [-128, 127];
  const weights = kind === 'depthwise' ? '0' : ctx.constArray('wd', 'int32_t', arrangeGemmWeights(layer.weights!.values, rows, depth, bits));
  const chan = ctx.constArray('chan', 'int32_t', foldedChannels(layer, rows, depth, -zeroPoint, param(layer, 'outputOffset'))!);
  const gemm = ctx.constStruct('gemm', 'edgec_gemm_params', cStructInit({
    rows, depth, w_bits: bits, out_offset: param(layer, 'outputOffset'), act_min: lo, act_max: hi, w: weights, chan,
  }));
  const scratch = ctx.scratch();
  const [input, output] = [ctx.input(0), ctx.output(0)];
  switch (kind) {
    case 'pointwise':
      return `edgec_pointwise_conv_dsp_w${bits}(&${gemm}, ${param(layer, 'inHeight') * param(layer, 'inWidth')}, ${input}, ${output}, (int16_t *)${scratch});`;
    case 'conv':
      return `edgec_conv_dsp_w${bits}(&${window!()}, &${gemm}, ${zeroPoint}, ${input}, ${output}, (int16_t *)${scratch});`;
    case 'dense':
      return `edgec_fully_connected_dsp_w${bits}(&${gemm}, ${param(layer, 'rows')}, ${input}, ${output}, (int16_t *)${scratch});`;
    case 'depthwise': {
      // Same arguments for the Helium kernel (csrc/edgec_depthwise_mve.c), chosen where MVE is present.
      const packed = ctx.packedWeights('wd', layer.weights!.values, bits);
      const args = `(&${window!()}, &${gemm}, ${zeroPoint}, ${input}, ${packed}, ${output}, (int8_t *)${scratch});`;
      return `#if EDGEC_MVE\nedgec_depthwise_conv_mve${args}\n#else\nedgec_depthwise_conv_dsp${args}\n#endif`;
    }
  }
}

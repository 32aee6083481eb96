/**
 * C emission of the layers with weights: Conv (generic, depthwise and 1x1 fast paths), fully
 * connected (Gemm, MatMul) and ChannelAffine. They read the params their integer facets write
 * (quant/weighted-layer.ts, ops/conv.ts, quant/fully-connected-facet.ts) and call the kernels of
 * csrc/edgec_conv.c and csrc/edgec_dense.c, which repeat kernels/int/conv-int.ts.
 */
import { InternalError } from '../../errors.js';
import type { QLayer, QTensor } from '../../quant/qmodel.js';
import type { CEmitFacet, CLayerContext } from '../c-facet.js';
import { cStructInit } from '../c-format.js';
import { dspApplies, dspScratchBytes, emitDspCall, type DspKind } from './weighted-dsp.js';
import { emitMveCall, mveApplies, mveScratchBytes } from './weighted-mve.js';

function num(layer: QLayer, name: string): number {
  const v = layer.params?.[name];
  if (typeof v !== 'number') throw new InternalError(`C emitter: layer "${layer.op}" has no numeric param "${name}"`);
  return v;
}

const is16 = (t: { type: string }) => (t.type === 'int16' ? 1 : 0);

/** Declares the layer's per-channel requantization and returns `&id` of its edgec_requant_params. */
function requantParams(ctx: CLayerContext): string {
  const { layer } = ctx;
  if (!layer.requant) throw new InternalError(`C emitter: weighted layer ${layer.op} has no requantization`);
  const [lo, hi] = layer.clamp ?? [-128, 127];
  const groupMultipliers = layer.params?.groupMultipliers;
  const grouped = groupMultipliers instanceof Int32Array;
  const id = ctx.constStruct('q', 'edgec_requant_params', cStructInit({
    mult: ctx.constArray('mult', 'int32_t', layer.requant.multiplier),
    shift: ctx.constArray('shift', 'int32_t', layer.requant.shift),
    in_offset: num(layer, 'inputOffset'),
    out_offset: num(layer, 'outputOffset'),
    act_min: lo,
    act_max: hi,
    group_mult: grouped ? ctx.constArray('group_mult', 'int32_t', groupMultipliers) : '0',
    group_size: grouped ? layer.weights!.groupSize : 0,
  }));
  return `&${id}`;
}

function weightsAndBias(ctx: CLayerContext): [string, string] {
  const w = ctx.layer.weights;
  if (!w) throw new InternalError(`C emitter: weighted layer ${ctx.layer.op} has no weights`);
  const weights = ctx.packedWeights('w', w.values, w.bits);
  const bias = ctx.layer.bias ? ctx.constArray('bias', 'int32_t', ctx.layer.bias) : '(const int32_t *)0';
  return [weights, bias];
}

type ConvPath = 'pointwise' | 'depthwise' | 'generic';

function convPath(layer: QLayer): ConvPath {
  const p = (n: string) => num(layer, n);
  const grouped = layer.params?.groupMultipliers instanceof Int32Array;
  if (p('group') === p('inChannels') && p('group') > 1) return 'depthwise';
  const oneByOne = p('kernelHeight') === 1 && p('kernelWidth') === 1 && p('strideHeight') === 1 && p('strideWidth') === 1;
  const same = p('padTop') === 0 && p('padLeft') === 0 && p('outHeight') === p('inHeight') && p('outWidth') === p('inWidth');
  return oneByOne && same && p('group') === 1 && !grouped ? 'pointwise' : 'generic';
}

/** The DSP kernel the layer may use (`#if EDGEC_DSP`), if any. */
function convDspKind(layer: QLayer, inputs: readonly QTensor[], outputs: readonly QTensor[]): DspKind | undefined {
  const path = convPath(layer);
  const kind = path === 'generic' ? 'conv' : path;
  return dspApplies(layer, kind, inputs, outputs) ? kind : undefined;
}

/**
 * Emits the portable call alone, or, for a layer a DSP kernel can run, both under `#if EDGEC_DSP`
 * (the DSP arrays are not counted in the byte totals: those describe the portable build), and
 * before them the MVE call under `#if EDGEC_MVE` where an MVE kernel exists (EDGEC_MVE implies
 * EDGEC_DSP).
 */
function withDspVariant(ctx: CLayerContext, kind: DspKind | undefined, portable: () => string, window?: (label: string) => string): string {
  if (!kind) return portable();
  const labelled = (label: string) => (window ? () => window(label) : undefined);
  const mve = mveApplies(ctx.layer, kind) ? ctx.guarded('EDGEC_MVE', () => emitMveCall(ctx, kind, labelled('geomm')), false) : undefined;
  const dsp = ctx.guarded(mve ? 'EDGEC_DSP && !EDGEC_MVE' : 'EDGEC_DSP', () => emitDspCall(ctx, kind, labelled('geomd')), false);
  return `${mve ? `${mve}\n` : ''}${dsp}\n${ctx.guarded('!EDGEC_DSP', portable)}`;
}

/** Scratch of the optimised variants of a layer the DSP kernels take (the larger of DSP and MVE). */
function optimisedScratchBytes(layer: QLayer, kind: DspKind): number {
  return Math.max(dspScratchBytes(layer, kind), mveApplies(layer, kind) ? mveScratchBytes(layer, kind) : 0);
}

function windowStruct(ctx: CLayerContext, label: string): string {
  const { layer } = ctx;
  const p = (n: string) => num(layer, n);
  return ctx.constStruct(label, 'edgec_window', cStructInit({
    in_c: p('inChannels'), in_h: p('inHeight'), in_w: p('inWidth'),
    out_c: p('outChannels'), out_h: p('outHeight'), out_w: p('outWidth'),
    k_h: p('kernelHeight'), k_w: p('kernelWidth'), stride_h: p('strideHeight'), stride_w: p('strideWidth'),
    dil_h: p('dilationHeight'), dil_w: p('dilationWidth'), pad_top: p('padTop'), pad_left: p('padLeft'),
    pad_bottom: 0, pad_right: 0, groups: p('group'), w_bits: layer.weights!.bits,
    in_is16: is16(ctx.inputs[0]!), out_is16: is16(ctx.outputs[0]!),
  }));
}

export const convEmitC: CEmitFacet = {
  kernels: ['conv', 'gemm_dsp', 'depthwise_dsp', 'gemm_mve', 'depthwise_mve'],
  scratchBytes(layer, inputs, outputs) {
    const kind = convDspKind(layer, inputs, outputs);
    const dsp = kind ? optimisedScratchBytes(layer, kind) : 0;
    if (convPath(layer) !== 'generic') return dsp;
    return Math.max(dsp, 2 * (num(layer, 'inChannels') / num(layer, 'group')) * num(layer, 'kernelHeight') * num(layer, 'kernelWidth'));
  },
  emit(ctx) {
    const kind = convDspKind(ctx.layer, ctx.inputs, ctx.outputs);
    return withDspVariant(ctx, kind, () => convPortable(ctx), (label) => windowStruct(ctx, label));
  },
};

function convPortable(ctx: CLayerContext): string {
  const { layer } = ctx;
  const window = windowStruct(ctx, 'geom');
  const q = requantParams(ctx);
  const [w, bias] = weightsAndBias(ctx);
  const path = convPath(layer);
  const args = `&${window}, ${q}, ${ctx.input(0)}, ${w}, ${bias}, ${ctx.output(0)}`;
  if (path === 'generic') return `edgec_conv(${args}, (int16_t *)${ctx.scratch()});`;
  return `edgec_${path}_conv(${args});`;
}

function denseDspKind(layer: QLayer, inputs: readonly QTensor[], outputs: readonly QTensor[]): DspKind | undefined {
  return dspApplies(layer, 'dense', inputs, outputs) ? 'dense' : undefined;
}

export const fullyConnectedEmitC: CEmitFacet = {
  kernels: ['dense', 'gemm_dsp', 'gemm_mve'],
  scratchBytes(layer, inputs, outputs) {
    const kind = denseDspKind(layer, inputs, outputs);
    return kind ? optimisedScratchBytes(layer, kind) : 0;
  },
  emit(ctx) {
    return withDspVariant(ctx, denseDspKind(ctx.layer, ctx.inputs, ctx.outputs), () => denseCall(ctx));
  },
};

function denseCall(ctx: CLayerContext): string {
  const { layer } = ctx;
  const q = requantParams(ctx);
  const [w, bias] = weightsAndBias(ctx);
  const dims = [num(layer, 'rows'), num(layer, 'inFeatures'), num(layer, 'outFeatures'), layer.weights!.bits];
  const types = [is16(ctx.inputs[0]!), is16(ctx.outputs[0]!)];
  return `edgec_fully_connected(${[...dims, ...types].join(', ')}, ${q}, ${ctx.input(0)}, ${w}, ${bias}, ${ctx.output(0)});`;
}

export const channelAffineEmitC: CEmitFacet = {
  kernels: ['dense'],
  inPlace: 'overwrite',
  emit(ctx) {
    const { layer } = ctx;
    const q = requantParams(ctx);
    const [w, bias] = weightsAndBias(ctx);
    const dims = [num(layer, 'channels'), num(layer, 'inner'), layer.weights!.bits, is16(ctx.inputs[0]!), is16(ctx.outputs[0]!)];
    return `edgec_channel_affine(${dims.join(', ')}, ${q}, ${ctx.input(0)}, ${w}, ${bias}, ${ctx.output(0)});`;
  },
};

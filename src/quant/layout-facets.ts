/**
 * Integer facets of Softmax, Concat, Transpose and ChannelAffine (kernels/int/*). params:
 * - Softmax (int8 only; output scale 1/256, zero point -128 as TFLite): outer, length, inner
 *   (the vectors along the axis), expTable (Int32Array, 256; kernels/int/softmax-int.ts).
 * - Concat: outer (product of dims before the axis), and per input k: block<k> (its elements
 *   per outer index); inputs whose qparams differ from the output's are rescaled:
 *   rescale<k> = 1, inputOffset<k>, multiplier<k>, shift<k> (M = s_in / s_out), outputOffset;
 *   clamp = the output type's range narrowed by a fused activation.
 * - Transpose: perm (Int32Array), the input's qparams kept.
 * - ChannelAffine: a per-channel 1x1 depthwise layer, weights [C] per channel (symmetric),
 *   int32 bias [C], requant per channel; params: the common ones of quant/weighted-layer.ts plus
 *   channels, inner (elements per channel).
 */
import { sizeOf } from '../ir/tensor.js';
import { channelAffineInt } from '../kernels/int/conv-int.js';
import { concatInt, transposeInt, type ConcatInputRescale } from '../kernels/int/layout-int.js';
import { softmaxInt8 } from '../kernels/int/softmax-int.js';
import { opError } from '../ops/op-def.js';
import { quantizeMultiplier } from './fixed-point.js';
import type { IntegerFacet, LoweredLayer } from './integer-facet.js';
import { allocInt } from './int-tensor.js';
import { fusedClamp, softmaxExpTable } from './lower-helpers.js';
import { constantInput, intRequantOf, lowerWeighted, numberParam } from './weighted-layer.js';

const axisOf = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

export const softmaxFacet: IntegerFacet<{ axis: number }> = {
  outputQuant: 'fixed',
  fixedOutput: () => ({ scale: 1 / 256, zeroPoint: -128 }),
  lower(ctx) {
    const x = ctx.inputs[0];
    if (!x || x.type !== 'int8' || ctx.outputs[0]!.type !== 'int8') throw opError(ctx.node, 'integer softmax needs int8 activations');
    if (ctx.node.activation) throw opError(ctx.node, 'a fused activation after softmax cannot be quantized');
    const a = axisOf(ctx.attrs.axis, x.shape.length);
    return {
      params: {
        outer: sizeOf(x.shape.slice(0, a)),
        length: x.shape[a] ?? 1,
        inner: sizeOf(x.shape.slice(a + 1)),
        expTable: softmaxExpTable(x.scale),
      },
    };
  },
  run(layer, [x], { outputs }) {
    const out = allocInt(outputs[0]!);
    const p = (n: string) => numberParam(layer, n);
    softmaxInt8(out, x!, p('outer'), p('length'), p('inner'), layer.params!.expTable as Int32Array);
    return [out];
  },
};

export const concatFacet: IntegerFacet<{ axis: number | undefined }> = {
  lower(ctx): LoweredLayer {
    const out = ctx.outputs[0]!;
    const present = ctx.node.inputs.map((n, i) => [n, i] as const).filter(([n]) => n !== '');
    const params: Record<string, number> = {};
    const a = axisOf(ctx.attrs.axis ?? 0, out.shape.length);
    params.outer = sizeOf(out.shape.slice(0, a));
    present.forEach(([, i], k) => {
      const x = ctx.inputs[i];
      if (!x) throw opError(ctx.node, 'integer concat needs activation inputs (no constants)');
      params[`block${k}`] = sizeOf(x.shape.slice(a));
      if (x.scale === out.scale && x.zeroPoint === out.zeroPoint) return;
      const m = quantizeMultiplier(x.scale / out.scale);
      Object.assign(params, { [`rescale${k}`]: 1, [`inputOffset${k}`]: -x.zeroPoint, [`multiplier${k}`]: m.multiplier, [`shift${k}`]: m.shift });
    });
    params.outputOffset = out.zeroPoint;
    return { clamp: fusedClamp(out, ctx.node.activation), params };
  },
  run(layer, inputs, { outputs }) {
    const out = allocInt(outputs[0]!);
    const p = layer.params as Record<string, number>;
    const rescale: (ConcatInputRescale | undefined)[] = inputs.map((_, k) =>
      p[`rescale${k}`] ? { inputOffset: p[`inputOffset${k}`]!, multiplier: p[`multiplier${k}`]!, shift: p[`shift${k}`]!, outputOffset: p.outputOffset! } : undefined,
    );
    const [lo, hi] = layer.clamp!;
    concatInt(out, inputs, p.outer!, inputs.map((_, k) => p[`block${k}`]!), rescale, lo, hi);
    // A fused activation also clamps copied inputs.
    for (let i = 0; i < out.length; i++) out[i] = Math.min(hi, Math.max(lo, out[i]!));
    return [out];
  },
};

export const transposeFacet: IntegerFacet<{ perm: number[] | undefined }> = {
  outputQuant: 'input',
  lower(ctx) {
    const x = ctx.inputs[0];
    if (!x) throw opError(ctx.node, 'needs an activation input');
    if (ctx.node.activation) throw opError(ctx.node, 'a fused activation after transpose cannot be quantized');
    const rank = x.shape.length;
    const perm = ctx.attrs.perm ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
    return { params: { perm: Int32Array.from(perm) } };
  },
  run(layer, [x], { inputs, outputs }) {
    const out = allocInt(outputs[0]!);
    transposeInt(out, x!, inputs[0]!.shape, Array.from(layer.params!.perm as Int32Array));
    return [out];
  },
};

export const channelAffineFacet: IntegerFacet<unknown> = {
  lower(ctx) {
    const x = ctx.inputs[0];
    if (!x) throw opError(ctx.node, 'needs an activation input X');
    const scale = constantInput(ctx, 1, 'scale');
    const bias = constantInput(ctx, 2, 'bias');
    const channels = x.shape[1]!;
    const layer = lowerWeighted(ctx, scale.data, [channels], channels, bias.data);
    return { ...layer, params: { ...layer.params, channels, inner: sizeOf(x.shape) / channels } };
  },
  run(layer, [x], { outputs }) {
    const out = allocInt(outputs[0]!);
    channelAffineInt(out, x!, layer.weights!.values, layer.bias!, numberParam(layer, 'channels'), numberParam(layer, 'inner'), intRequantOf(layer));
    return [out];
  },
};

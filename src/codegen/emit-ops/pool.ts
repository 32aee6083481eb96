/**
 * C emission of MaxPool, AveragePool and GlobalAveragePool (params of quant/pool-facet.ts;
 * kernels in csrc/edgec_pool.c, which repeat kernels/int/pool-int.ts and the facet's clamp).
 */
import type { CEmitFacet } from '../c-facet.js';
import { cStructInit } from '../c-format.js';
import { clampOf, is16, num } from './elementwise.js';

export function poolEmitC(kind: 'max' | 'average'): CEmitFacet {
  return {
    kernels: ['pool'],
    emit(ctx) {
      const p = (n: string) => num(ctx.layer, n);
      const [lo, hi] = clampOf(ctx);
      // One window over the whole unpadded plane (DS-CNN's final pool) is a global average:
      // the same sum and rounded division, without the per-tap bounds checks.
      const pads = p('padTop') + p('padLeft') + p('padBottom') + p('padRight');
      if (kind === 'average' && p('kernelHeight') === p('inHeight') && p('kernelWidth') === p('inWidth') && pads === 0 && p('outHeight') === 1 && p('outWidth') === 1) {
        return `edgec_global_average_pool(${p('planes')}, ${p('inHeight') * p('inWidth')}, ${is16(ctx.inputs[0]!)}, ${lo}, ${hi}, ${ctx.input(0)}, ${ctx.output(0)});`;
      }
      const window = ctx.constStruct('geom', 'edgec_window', cStructInit({
        in_c: p('planes'), in_h: p('inHeight'), in_w: p('inWidth'),
        out_c: p('planes'), out_h: p('outHeight'), out_w: p('outWidth'),
        k_h: p('kernelHeight'), k_w: p('kernelWidth'), stride_h: p('strideHeight'), stride_w: p('strideWidth'),
        dil_h: p('dilationHeight'), dil_w: p('dilationWidth'), pad_top: p('padTop'), pad_left: p('padLeft'),
        pad_bottom: p('padBottom'), pad_right: p('padRight'), groups: 1, w_bits: 8,
        in_is16: is16(ctx.inputs[0]!), out_is16: is16(ctx.outputs[0]!),
      }));
      if (kind === 'max') return `edgec_max_pool(&${window}, ${lo}, ${hi}, ${ctx.input(0)}, ${ctx.output(0)});`;
      return `edgec_average_pool(&${window}, ${p('countIncludePad')}, ${p('zeroPoint')}, ${lo}, ${hi}, ${ctx.input(0)}, ${ctx.output(0)});`;
    },
  };
}

export const globalAveragePoolEmitC: CEmitFacet = {
  kernels: ['pool'],
  emit(ctx) {
    const [lo, hi] = clampOf(ctx);
    const args = [num(ctx.layer, 'planes'), num(ctx.layer, 'pixels'), is16(ctx.outputs[0]!), lo, hi];
    return `edgec_global_average_pool(${args.join(', ')}, ${ctx.input(0)}, ${ctx.output(0)});`;
  },
};

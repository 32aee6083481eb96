/**
 * Integer facets of MaxPool, AveragePool and GlobalAveragePool (kernels/int/pool-int.ts). The
 * output keeps the input's scale and zero point (outputQuant 'input'), so no requantization:
 * max is exact, and an average is the integer mean rounded half away from zero. A fused
 * activation becomes `clamp`.
 *
 * params (numbers): planes (N*C), inHeight, inWidth, outHeight, outWidth, kernelHeight,
 * kernelWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft,
 * padBottom, padRight (1-D pools lifted to height 1); AveragePool adds countIncludePad (0/1) and
 * zeroPoint (the input's, which padded taps add when counted). GlobalAveragePool: planes, pixels.
 */
import type { Node } from '../ir/graph.js';
import { sizeOf, type ValueType } from '../ir/tensor.js';
import type { Pool2dShape } from '../kernels/pool2d.js';
import { averagePoolInt, globalAveragePoolInt, maxPoolInt, type PoolIntGeometry } from '../kernels/int/pool-int.js';
import { opError } from '../ops/op-def.js';
import type { IntegerFacet, IntTensorData } from './integer-facet.js';
import { allocInt } from './int-tensor.js';
import { fusedClamp } from './lower-helpers.js';
import type { QLayer } from './qmodel.js';

function clampInPlace(out: IntTensorData, layer: QLayer): IntTensorData {
  const [lo, hi] = layer.clamp ?? [-32768, 32767];
  for (let i = 0; i < out.length; i++) out[i] = Math.min(hi, Math.max(lo, out[i]!));
  return out;
}

export function poolFacet<A extends object>(kind: 'max' | 'average', geometry: (node: Node, x: ValueType, attrs: A) => Pool2dShape): IntegerFacet<A> {
  return {
    outputQuant: 'input',
    lower(ctx) {
      const x = ctx.inputs[0];
      if (!x || x.shape[0] !== 1) throw opError(ctx.node, 'the integer pipeline needs an activation input of batch 1');
      if ((ctx.node.outputs[1] ?? '') !== '') throw opError(ctx.node, 'the Indices output cannot be quantized');
      const g = geometry(ctx.node, { dtype: 'float32', shape: x.shape }, ctx.attrs);
      const { padBottom, padRight, ...rest } = g;
      const params: Record<string, number> = { ...rest, padBottom, padRight };
      if (kind === 'average') Object.assign(params, { countIncludePad: (ctx.attrs as { count_include_pad?: number }).count_include_pad ? 1 : 0, zeroPoint: x.zeroPoint });
      return { clamp: fusedClamp(ctx.outputs[0]!, ctx.node.activation), params };
    },
    run(layer, [x], { outputs }) {
      const out = allocInt(outputs[0]!);
      const p = layer.params as Record<string, number>;
      const g = p as unknown as PoolIntGeometry;
      if (kind === 'max') maxPoolInt(out, x!, g);
      else averagePoolInt(out, x!, g, p.countIncludePad === 1, p.zeroPoint!);
      return [clampInPlace(out, layer)];
    },
  };
}

export const globalAveragePoolFacet: IntegerFacet<unknown> = {
  outputQuant: 'input',
  lower(ctx) {
    const x = ctx.inputs[0];
    if (!x) throw opError(ctx.node, 'needs an activation input');
    return { clamp: fusedClamp(ctx.outputs[0]!, ctx.node.activation), params: { planes: x.shape[0]! * x.shape[1]!, pixels: sizeOf(x.shape.slice(2)) } };
  },
  run(layer, [x], { outputs }) {
    const out = allocInt(outputs[0]!);
    const p = layer.params as Record<string, number>;
    globalAveragePoolInt(out, x!, p.planes!, p.pixels!);
    return [clampInPlace(out, layer)];
  },
};

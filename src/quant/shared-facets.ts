/**
 * Integer facets several ops share, so their op files only wire them in:
 * - copyFacet (Reshape, Flatten, Squeeze, Unsqueeze): output qparams = input's, the data is
 *   copied unchanged (then clamped by a fused activation, if any). params: none; clamp.
 * - lookupFacet(f) (Sigmoid, Tanh, HardSwish, standalone Relu/Clip): int8 -> int8 through a
 *   256-entry table built at quantization time, table[q + 128] = quantize(f(dequantize(q))) with
 *   a fused activation folded into f. params: table (Int8Array, 256). int8 activations only.
 * - binaryFacet('add' | 'mul') (Add, Mul with two activation inputs, numpy broadcasting):
 *   kernels/int/elementwise-int.ts. params (all numbers):
 *     add: leftShift (20 for int8, 15 for int16), input1Offset, input1Multiplier, input1Shift, input2Offset,
 *          input2Multiplier, input2Shift, outputMultiplier, outputShift, outputOffset
 *     mul: input1Offset, input2Offset, outputMultiplier, outputShift, outputOffset
 *   with clamp = [lo, hi] (fused activation). As TFLite: for add, twice = 2 * max(s1, s2),
 *   M1 = s1 / twice, M2 = s2 / twice, Mout = twice / (2^20 * s_out); for mul, M = s1 * s2 / s_out.
 */
import { applyActivation } from '../engine/fused-activation.js';
import type { FusedActivation } from '../ir/graph.js';
import { makeTensor } from '../ir/tensor.js';
import { broadcastIndex } from '../kernels/broadcast.js';
import { addInt, lookupInt8, mulInt } from '../kernels/int/elementwise-int.js';
import { opError } from '../ops/op-def.js';
import { quantizeMultiplier } from './fixed-point.js';
import type { IntegerFacet, LowerContext, LoweredLayer } from './integer-facet.js';
import { allocInt } from './int-tensor.js';
import { fusedClamp, lookupTable } from './lower-helpers.js';
import { numberParam } from './weighted-layer.js';

export const copyFacet: IntegerFacet<unknown> = {
  outputQuant: 'input',
  lower: (ctx) => ({ clamp: fusedClamp(ctx.outputs[0]!, ctx.node.activation) }),
  run(layer, [x], { outputs }) {
    const out = allocInt(outputs[0]!);
    const [lo, hi] = layer.clamp ?? [-32768, 32767];
    for (let i = 0; i < out.length; i++) out[i] = Math.min(hi, Math.max(lo, x![i]!));
    return [out];
  },
};

function activationOf(act: FusedActivation | undefined): (v: number) => number {
  if (!act) return (v) => v;
  return (v) => applyActivation(makeTensor('float32', [1], [v]), act).data[0]!;
}

/** f may read the node's constants (Clip's bounds): it is built per node by `makeF`. */
export function lookupFacet<A>(
  makeF: (ctx: LowerContext<A>) => (x: number) => number,
  fixed?: { scale: number; zeroPoint: number },
): IntegerFacet<A> {
  return {
    outputQuant: fixed ? 'fixed' : 'calibrated',
    ...(fixed ? { fixedOutput: () => fixed } : {}),
    lower(ctx) {
      const input = ctx.inputs[0];
      const output = ctx.outputs[0]!;
      if (!input || input.type !== 'int8' || output.type !== 'int8') throw opError(ctx.node, 'lookup-table activations need int8 activations');
      const f = makeF(ctx);
      const act = activationOf(ctx.node.activation);
      return { params: { table: lookupTable(input, output, (v) => act(Math.fround(f(v)))) } };
    },
    run(layer, [x]) {
      const out = new Int8Array(x!.length);
      lookupInt8(out, x as Int8Array, layer.params!.table as Int8Array);
      return [out];
    },
  };
}

export function binaryFacet(kind: 'add' | 'mul'): IntegerFacet<unknown> {
  return {
    lower(ctx): LoweredLayer {
      const [a, b] = ctx.inputs;
      const out = ctx.outputs[0]!;
      if (!a || !b) throw opError(ctx.node, `integer ${kind} needs two activation inputs (a constant operand should be folded before quantizing)`);
      if (a.type !== b.type || a.type !== out.type) throw opError(ctx.node, `integer ${kind} needs inputs and output of one activation type`);
      const clamp = fusedClamp(out, ctx.node.activation);
      if (kind === 'mul') {
        const m = quantizeMultiplier((a.scale * b.scale) / out.scale);
        return { clamp, params: { input1Offset: -a.zeroPoint, input2Offset: -b.zeroPoint, outputMultiplier: m.multiplier, outputShift: m.shift, outputOffset: out.zeroPoint } };
      }
      // TFLite / CMSIS-NN: 20 for int8, 15 for int16 (|x| << 15 still fits int32).
      const leftShift = out.type === 'int16' ? 15 : 20;
      const twice = 2 * Math.max(a.scale, b.scale);
      const m1 = quantizeMultiplier(a.scale / twice);
      const m2 = quantizeMultiplier(b.scale / twice);
      const mo = quantizeMultiplier(twice / (2 ** leftShift * out.scale));
      return {
        clamp,
        params: {
          leftShift,
          input1Offset: -a.zeroPoint, input1Multiplier: m1.multiplier, input1Shift: m1.shift,
          input2Offset: -b.zeroPoint, input2Multiplier: m2.multiplier, input2Shift: m2.shift,
          outputMultiplier: mo.multiplier, outputShift: mo.shift, outputOffset: out.zeroPoint,
        },
      };
    },
    run(layer, [x1, x2], { inputs, outputs }) {
      const out = allocInt(outputs[0]!);
      const index1 = broadcastIndex(inputs[0]!.shape, outputs[0]!.shape);
      const index2 = broadcastIndex(inputs[1]!.shape, outputs[0]!.shape);
      const p = (name: string) => numberParam(layer, name);
      const [clampLo, clampHi] = layer.clamp!;
      const common = { input1Offset: p('input1Offset'), input2Offset: p('input2Offset'), outputMultiplier: p('outputMultiplier'), outputShift: p('outputShift'), outputOffset: p('outputOffset'), clampLo, clampHi };
      if (kind === 'mul') mulInt(out, x1!, index1, x2!, index2, common);
      else addInt(out, x1!, index1, x2!, index2, { ...common, leftShift: p('leftShift'), input1Multiplier: p('input1Multiplier'), input1Shift: p('input1Shift'), input2Multiplier: p('input2Multiplier'), input2Shift: p('input2Shift') });
      return [out];
    },
  };
}

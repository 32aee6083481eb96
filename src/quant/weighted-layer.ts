/**
 * The part of Conv, Gemm, MatMul and ChannelAffine lowering they share: quantize the weights
 * (per output channel, channel axis 0), the int32 bias, the per-channel requantization, the
 * fused-activation clamp and the overflow guard; and, at run time, the kernels' IntRequant view
 * of such a layer.
 *
 * params common to these layers (besides each op's geometry):
 *   inputOffset  = -input zero point       outputOffset = output zero point
 *   groupMultipliers (Int32Array, only with group-wise int4 scales): m[c * groups + k], with
 *   groupSize in `weights.groupSize` (see quant/weights.ts).
 */
import type { Tensor } from '../ir/tensor.js';
import type { IntRequant } from '../kernels/int/conv-int.js';
import type { LowerContext, LoweredLayer, RunContext } from './integer-facet.js';
import { channelRequant, checkAccumulator, fusedClamp } from './lower-helpers.js';
import type { QLayer } from './qmodel.js';
import { quantizeBias, quantizeWeights } from './weights.js';
import { opError } from '../ops/op-def.js';
import { InternalError } from '../errors.js';

/**
 * `filters` holds `channels` filters one after the other (the op reorders its weight so), each
 * of `terms` weights; `bias` is per channel (or undefined). `shape` is the recorded weight shape.
 */
export function lowerWeighted(
  ctx: LowerContext<unknown>,
  filters: ArrayLike<number>,
  shape: number[],
  channels: number,
  bias: ArrayLike<number> | undefined,
): LoweredLayer {
  const input = ctx.inputs[0];
  const output = ctx.outputs[0];
  if (!input || !output) throw opError(ctx.node, 'its first input must be an activation (not a constant)');
  const q = quantizeWeights(filters, shape, channels, ctx.weightBits, ctx.groupSize, ctx.weightScales);
  const qbias = quantizeBias(bias, input.scale, q.accumulatorScale);
  checkAccumulator(ctx.node, input, q.weights.values, channels, qbias, q.groupMultipliers, q.weights.groupSize);
  return {
    weights: q.weights,
    bias: qbias,
    requant: channelRequant(input.scale, q.accumulatorScale, output.scale),
    clamp: fusedClamp(output, ctx.node.activation),
    params: {
      inputOffset: -input.zeroPoint,
      outputOffset: output.zeroPoint,
      ...(q.groupMultipliers ? { groupMultipliers: q.groupMultipliers } : {}),
    },
  };
}

/** A constant input's data, or an error naming the node when it is not a constant. */
export function constantInput(ctx: LowerContext<unknown>, index: number, what: string): Tensor {
  const t = ctx.constants[index];
  if (!t) throw opError(ctx.node, `${what} must be a constant (initializer) to be quantized`);
  return t;
}

/** The kernels' view of a lowered weighted layer. */
export function intRequantOf(layer: QLayer, _ctx?: RunContext): IntRequant {
  const p = layer.params ?? {};
  const [clampLo, clampHi] = layer.clamp ?? [-128, 127];
  const groupMultipliers = p.groupMultipliers instanceof Int32Array ? p.groupMultipliers : undefined;
  return {
    multiplier: layer.requant!.multiplier,
    shift: layer.requant!.shift,
    inputOffset: numberParam(layer, 'inputOffset'),
    outputOffset: numberParam(layer, 'outputOffset'),
    clampLo,
    clampHi,
    ...(groupMultipliers ? { groupMultipliers, groupSize: layer.weights!.groupSize } : {}),
  };
}

/** A numeric param of a layer; a missing one is a bug in the op's lower. */
export function numberParam(layer: QLayer, name: string): number {
  const v = layer.params?.[name];
  if (typeof v !== 'number') throw new InternalError(`layer "${layer.name}" (${layer.op}) has no numeric param "${name}"`);
  return v;
}

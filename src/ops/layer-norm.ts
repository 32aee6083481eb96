/**
 * LayerNormalization (opset 17): normalises X over its dimensions from `axis` on, then applies
 * Scale and the optional B, both broadcast (unidirectionally) to X.shape[axis:]. The optional
 * outputs Mean and InvStdDev have shape X.shape[:axis] followed by ones. Statistics are stashed in
 * float32 (stash_type 1, the only type onnxruntime implements). One MAC per element.
 */
import type { Node } from '../ir/graph.js';
import { makeTensor, sizeOf, type Tensor, type ValueType } from '../ir/tensor.js';
import { broadcastIndex } from '../kernels/broadcast.js';
import { layerNormForward } from '../kernels/normalization.js';
import { layerNormBackward } from '../kernels/normalization-backward.js';
import { gradOf, unbroadcast } from '../train/op-grads.js';
import { floatData, normalizeAxis, requireFloat } from './nn-checks.js';
import { attr, defineOp, opError } from './op-def.js';

const layerNormAttrs = {
  axis: attr.int(-1),
  epsilon: attr.float(1e-5),
  stash_type: attr.int(1),
};

/** True when `shape` broadcasts unidirectionally to `target` (numpy rules, target unchanged). */
function broadcastsTo(shape: readonly number[], target: readonly number[]): boolean {
  if (shape.length > target.length) return false;
  const offset = target.length - shape.length;
  return shape.every((d, i) => d === 1 || d === target[offset + i]);
}

function plan(node: Node, inputs: (ValueType | undefined)[], axisAttr: number, stashType: number) {
  const [x, scale, bias] = inputs;
  requireFloat(node, x!, 'input X');
  if (stashType !== 1) throw opError(node, `stash_type ${stashType} is not supported (only 1, float32)`);
  const rank = x!.shape.length;
  const axis = normalizeAxis(node, axisAttr, rank);
  const normalized = x!.shape.slice(axis);
  for (const [name, v] of [['Scale', scale], ['B', bias]] as const) {
    if (!v) continue;
    requireFloat(node, v, name);
    if (!broadcastsTo(v.shape, normalized)) {
      throw opError(node, `${name} of shape [${v.shape.join(', ')}] does not broadcast to the normalised shape [${normalized.join(', ')}]`);
    }
  }
  const statsShape = [...x!.shape.slice(0, axis), ...normalized.map(() => 1)];
  return { axis, normalized, statsShape, rows: sizeOf(x!.shape.slice(0, axis)), cols: sizeOf(normalized) };
}

/** A per-column vector (Scale or B) expanded to all `normalized` elements. */
function expand(t: Tensor, normalized: readonly number[]): Float32Array {
  const data = floatData(t);
  if (data.length === sizeOf(normalized)) return data;
  const index = broadcastIndex(t.shape, normalized);
  return Float32Array.from(index, (i) => data[i]!);
}

export const LayerNormalization = defineOp({
  type: 'LayerNormalization',
  attrs: layerNormAttrs,
  inputs: { min: 2, max: 3 },
  outputs: { min: 1, max: 3 },
  inferTypes(inputs, a, node) {
    const x = inputs[0]!;
    const { statsShape } = plan(node, inputs, a.axis, a.stash_type);
    return [
      { dtype: x.dtype, shape: [...x.shape] },
      { dtype: 'float32', shape: statsShape },
      { dtype: 'float32', shape: statsShape },
    ];
  },
  forward(inputs, a, node) {
    const [x, scale, bias] = inputs as [Tensor, Tensor, Tensor | undefined];
    const { normalized, statsShape, rows, cols } = plan(node, inputs, a.axis, a.stash_type);
    const y = makeTensor(x.dtype, x.shape);
    const mean = makeTensor('float32', statsShape);
    const invStd = makeTensor('float32', statsShape);
    layerNormForward(
      y.data as Float32Array,
      mean.data as Float32Array,
      invStd.data as Float32Array,
      floatData(x),
      expand(scale, normalized),
      bias && expand(bias, normalized),
      rows,
      cols,
      a.epsilon,
    );
    return [y, mean, invStd];
  },
  // Gradients of Y (and of Mean and InvStdDev when they are used); Scale's and B's are summed
  // over the rows and back over the axes they were broadcast along.
  backward(inputs, [y, mean, invStd], [dy, dMean, dInvStd], a, node) {
    const [x, scale, bias] = inputs as [Tensor, Tensor, Tensor | undefined];
    const { normalized, rows, cols } = plan(node, inputs, a.axis, a.stash_type);
    const dx = makeTensor(x.dtype, x.shape);
    const dscale = makeTensor('float32', normalized);
    const dbias = makeTensor('float32', normalized);
    const grads = { dx: dx.data as Float32Array, dscale: dscale.data as Float32Array, dbias: dbias.data as Float32Array };
    const stats = [floatData(mean!), floatData(invStd!)] as const;
    const extra = [dMean && floatData(dMean), dInvStd && floatData(dInvStd)] as const;
    layerNormBackward(grads, floatData(gradOf(dy, y!)), floatData(x), expand(scale, normalized), ...stats, ...extra, rows, cols);
    return [dx, unbroadcast(dscale, scale.shape, scale.dtype), bias && unbroadcast(dbias, bias.shape, bias.dtype)];
  },
  macs([x]) {
    return sizeOf(x!.shape);
  },
});

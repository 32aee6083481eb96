/**
 * Input checks shared by the compute-heavy ops (Conv, pools, Gemm, norms, Resize...): each throws a
 * ModelError naming the node, so a bad model fails in shape inference with a one-line message.
 */
import type { Node } from '../ir/graph.js';
import type { Tensor, ValueType } from '../ir/tensor.js';
import { opError } from './op-def.js';

/** The float dtypes these ops compute in: float16 is widened to float32 on load. */
export function requireFloat(node: Node, value: ValueType, what: string): void {
  if (value.dtype !== 'float32' && value.dtype !== 'float16') {
    throw opError(node, `${what} must be float32 (or float16), found ${value.dtype}`);
  }
}

export function requireRank(node: Node, value: ValueType, ranks: readonly number[], what: string): void {
  if (!ranks.includes(value.shape.length)) {
    const allowed = ranks.length === 1 ? `${ranks[0]}` : `${ranks.slice(0, -1).join(', ')} or ${ranks[ranks.length - 1]}`;
    throw opError(node, `${what} must have rank ${allowed}, found shape [${value.shape.join(', ')}]`);
  }
}

/** A per-channel vector (bias, scale, statistics) must have shape [channels]. */
export function requireVector(node: Node, value: ValueType, length: number, what: string): void {
  if (value.shape.length !== 1 || value.shape[0] !== length) {
    throw opError(node, `${what} must have shape [${length}], found [${value.shape.join(', ')}]`);
  }
}

/** Normalises a possibly negative axis into [0, rank). */
export function normalizeAxis(node: Node, axis: number, rank: number, name = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw opError(node, `${name} ${axis} is out of range for rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** A float tensor's data as the Float32Array the kernels take (float32 and float16 already are). */
export function floatData(t: Tensor): Float32Array {
  return t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
}

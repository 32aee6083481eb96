/** Applies a node's fused activation (see ir/graph.ts) to its first output, as the engine and the
 * type checker both need to agree on what a fused node computes. */
import type { FusedActivation } from '../ir/graph.js';
import { makeTensor, type Tensor } from '../ir/tensor.js';

export function applyActivation(t: Tensor, act: FusedActivation): Tensor {
  const lo = act.kind === 'relu' ? 0 : act.min;
  const hi = act.kind === 'relu' ? Infinity : act.max;
  const out = makeTensor(t.dtype, t.shape);
  const src = t.data;
  const dst = out.data;
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    // NaN passes through, as Relu and Clip do in onnxruntime.
    dst[i] = v < lo ? lo : v > hi ? hi : v;
  }
  return out;
}

/** Applies a node's fused activation (see ir/graph.ts) to its first output, as the engine and the
 * type checker both need to agree on what a fused node computes. */
import type { FusedActivation } from '../ir/graph.js';
import { makeTensor, type Tensor } from '../ir/tensor.js';

/** The clamp a fused activation applies: [0, inf) for Relu, [min, max] for Clip, none without one. */
export function activationBounds(act: FusedActivation | undefined): [lo: number, hi: number] {
  if (!act) return [-Infinity, Infinity];
  return act.kind === 'relu' ? [0, Infinity] : [act.min, act.max];
}

export function applyActivation(t: Tensor, act: FusedActivation): Tensor {
  const [lo, hi] = activationBounds(act);
  const out = makeTensor(t.dtype, t.shape);
  const src = t.data;
  const dst = out.data;
  if (src instanceof Float32Array && dst instanceof Float32Array) {
    // The common case, in a loop of its own so the engine compiles it for Float32Array alone.
    for (let i = 0; i < src.length; i++) {
      const v = src[i]!;
      dst[i] = v < lo ? lo : v > hi ? hi : v;
    }
    return out;
  }
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    // NaN passes through, as Relu and Clip do in onnxruntime.
    dst[i] = v < lo ? lo : v > hi ? hi : v;
  }
  return out;
}

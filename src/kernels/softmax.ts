/**
 * Softmax and log-softmax along one axis of a flat Float32Array viewed as (outer, axis, inner), the
 * opset-13 semantics: each vector along the axis is normalised on its own. The maximum is
 * subtracted first so large logits do not overflow exp.
 */

/** out (outer, length, inner) = softmax (or log-softmax) of x along the middle axis. */
export function softmaxForward(
  out: Float32Array,
  x: Float32Array,
  outer: number,
  length: number,
  inner: number,
  log: boolean,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * length * inner + i;
      let max = -Infinity;
      for (let k = 0; k < length; k++) {
        const v = x[base + k * inner]!;
        if (v > max || Number.isNaN(v)) max = v;
      }
      let sum = 0;
      for (let k = 0; k < length; k++) sum += Math.exp(x[base + k * inner]! - max);
      if (log) {
        const logSum = Math.log(sum);
        for (let k = 0; k < length; k++) out[base + k * inner] = x[base + k * inner]! - max - logSum;
      } else {
        for (let k = 0; k < length; k++) out[base + k * inner] = Math.exp(x[base + k * inner]! - max) / sum;
      }
    }
  }
}

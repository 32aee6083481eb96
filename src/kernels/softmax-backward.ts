/**
 * Gradients of softmax.ts along the middle axis of (outer, length, inner), from the forward's
 * output y: softmax dx = y * (dy - sum(dy * y)); log-softmax dx = dy - exp(y) * sum(dy).
 */
export function softmaxBackward(
  dx: Float32Array,
  dy: Float32Array,
  y: Float32Array,
  outer: number,
  length: number,
  inner: number,
  log: boolean,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * length * inner + i;
      let dot = 0;
      for (let k = 0; k < length; k++) {
        const at = base + k * inner;
        dot += log ? dy[at]! : dy[at]! * y[at]!;
      }
      for (let k = 0; k < length; k++) {
        const at = base + k * inner;
        dx[at] = log ? dy[at]! - Math.exp(y[at]!) * dot : y[at]! * (dy[at]! - dot);
      }
    }
  }
}

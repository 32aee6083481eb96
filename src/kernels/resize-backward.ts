/**
 * The adjoint of resize.ts's 1-D resampling pass: each output's gradient goes back to the inputs
 * it read, times their weights (nearest: to the one input; linear: split by the two weights;
 * cubic: by the four; extrapolated outputs read no input and return nothing). Resize's gradient runs these passes in
 * the reverse order of the forward's.
 */
import { bilinearAxis, CUBIC_TAPS, type AxisPlan } from './resize.js';

/** dx (outer, plan.inLength, inner) from dy (outer, plan.outLength, inner); dx is overwritten. */
export function resampleAxisBackward(dx: Float32Array, dy: Float32Array, outer: number, inner: number, plan: AxisPlan): void {
  const { inLength, outLength, lower, upper, lowerWeight, upperWeight, outside } = plan;
  const acc = new Float64Array(dx.length);
  for (let o = 0; o < outer; o++) {
    const base = o * inLength * inner;
    for (let j = 0; j < outLength; j++) {
      if (outside[j]) continue;
      const src = (o * outLength + j) * inner;
      if (plan.cubic) {
        for (let t = 0; t < CUBIC_TAPS; t++) {
          const at = base + plan.cubic.index[j * CUBIC_TAPS + t]! * inner;
          const w = plan.cubic.weight[j * CUBIC_TAPS + t]!;
          for (let i = 0; i < inner; i++) acc[at + i]! += w * dy[src + i]!;
        }
        continue;
      }
      const a = base + lower[j]! * inner;
      if (plan.mode === 'nearest') {
        for (let i = 0; i < inner; i++) acc[a + i]! += dy[src + i]!;
        continue;
      }
      const b = base + upper[j]! * inner;
      const wa = lowerWeight[j]!;
      const wb = upperWeight[j]!;
      for (let i = 0; i < inner; i++) {
        acc[a + i]! += wa * dy[src + i]!;
        acc[b + i]! += wb * dy[src + i]!;
      }
    }
  }
  dx.set(acc);
}

/** The adjoint of resize.ts's resizeBilinear2d: dx [planes, h, w] from dy [planes, H, W] (overwritten). */
export function resizeBilinear2dBackward(dx: Float32Array, dy: Float32Array, planes: number, h: number, w: number, H: number, W: number): void {
  const rowsDone = new Float32Array(planes * H * w);
  resampleAxisBackward(rowsDone, dy, planes * H, 1, bilinearAxis(w, W));
  resampleAxisBackward(dx, rowsDone, planes, w, bilinearAxis(h, H));
}

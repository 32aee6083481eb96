/**
 * Initial weight step sizes for the quantized student. The pipeline's max|w| / qmax is right at
 * 8 and 4 bits, but at 2 bits (integers -1, 0, 1) it puts the rounding threshold at max|w| / 2,
 * so most of a channel's weights round to zero and the student starts from a collapsed network.
 * The MSE-optimal step per channel (a grid search over fractions of max|w|, the ternary analogue
 * of Lloyd-Max) keeps the large weights and starts training near the best a fixed grid can do.
 */
import type { Tensor } from '../../ir/tensor.js';
import { QMAX } from '../../quant/weights.js';
import type { WeightBits } from '../../quant/pack.js';
import { channelLayout } from '../../train/fake-quant.js';
import { roundHalfAway } from '../../quant/fixed-point.js';

/** Candidate steps per channel: max|w| / qmax times GRID_STEPS fractions in (0, 1]. */
const GRID_STEPS = 100;

/** Per output channel, the step s minimising sum (w - s clamp(round(w / s), -qmax, qmax))^2. */
export function mseOptimalSteps(w: Tensor, channelAxis: number, bits: WeightBits): Float32Array {
  const qmax = QMAX[bits];
  const { channels, inner } = channelLayout(w.shape, channelAxis);
  const values: number[][] = Array.from({ length: channels }, () => []);
  for (let i = 0; i < w.data.length; i++) values[Math.floor(i / inner) % channels]!.push(w.data[i]!);
  return Float32Array.from(values, (v) => {
    const max = v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    if (max === 0) return 1;
    let best = max / qmax;
    let bestError = Infinity;
    for (let k = GRID_STEPS; k >= 1; k--) {
      const s = Math.fround(((max / qmax) * k) / GRID_STEPS);
      let error = 0;
      for (const x of v) {
        const d = x - s * Math.max(-qmax, Math.min(qmax, roundHalfAway(x / s)));
        error += d * d;
      }
      if (error < bestError) [best, bestError] = [s, error];
    }
    return best;
  });
}

/**
 * Range observers for activation calibration. Each sees every float value a tensor takes over
 * the calibration runs and proposes a [lo, hi] range:
 * - minmax: the extreme values seen.
 * - percentile: the 0.1st and 99.9th percentiles (outliers clipped).
 * - mse: the clipping range (a fraction of [min, max], 20 candidates) whose int8 quantization has
 *   the least mean squared error over the values seen.
 * percentile and mse keep an evenly strided subsample of at most SAMPLE_CAP values per run.
 */
export type ObserverKind = 'minmax' | 'percentile' | 'mse';

const SAMPLE_CAP = 4096;

export class RangeObserver {
  private min = Infinity;
  private max = -Infinity;
  private readonly samples: number[] = [];

  constructor(readonly kind: ObserverKind) {}

  observe(data: ArrayLike<number>): void {
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
    }
    if (this.kind === 'minmax') return;
    const stride = Math.max(1, Math.floor(data.length / SAMPLE_CAP));
    for (let i = 0; i < data.length; i += stride) this.samples.push(data[i]!);
  }

  range(): [number, number] {
    if (!(this.min <= this.max)) return [0, 0];
    if (this.kind === 'minmax' || this.samples.length === 0) return [this.min, this.max];
    const sorted = Float64Array.from(this.samples).sort();
    if (this.kind === 'percentile') {
      const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))))]!;
      return [at(0.001), at(0.999)];
    }
    return bestClippingRange(sorted, this.min, this.max);
  }
}

/** The candidate [a*lo, a*hi] (lo <= 0 <= hi) with the least int8 quantization MSE on `values`. */
function bestClippingRange(values: Float64Array, min: number, max: number): [number, number] {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  let best: [number, number] = [lo, hi];
  let bestError = Infinity;
  for (let k = 0; k < 20; k++) {
    const a = 1 - k * 0.035;
    const cLo = lo * a;
    const cHi = hi * a;
    const scale = (cHi - cLo) / 255;
    if (!(scale > 0)) return [lo, hi];
    let error = 0;
    for (const v of values) {
      const q = Math.max(0, Math.min(255, Math.round((v - cLo) / scale)));
      const d = cLo + q * scale - v;
      error += d * d;
    }
    if (error < bestError) {
      bestError = error;
      best = [cLo, cHi];
    }
  }
  return best;
}

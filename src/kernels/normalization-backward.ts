/**
 * Gradients of the normalisation kernels of normalization.ts, statistics in double.
 *
 * Batch normalisation (inference form) is a per-channel affine map with factor
 * f = scale / sqrt(var + eps): dx = dy * f, and the parameters get
 *   dscale = sum dy * (x - mean) / sqrt(var + eps),  dbias = sum dy,
 *   dmean = -sum dy * f,  dvar = -0.5 * sum dy * (x - mean) * scale * (var + eps)^-1.5.
 * Layer normalisation (statistics of each row from the row itself), with xhat = (x - mean) * r,
 * r = invStd, n = cols, and g = dy * scale:
 *   dx = r * (g - mean(g) - xhat * mean(g * xhat)),  dscale = sum_rows dy * xhat,  dbias = sum_rows dy;
 * the optional Mean and InvStdDev outputs add dMean / n and -dInvStd * r^2 * xhat / n.
 */

/** Gradients of batchNormForward; every output array may be undefined (not wanted). */
export function batchNormBackward(
  grads: { dx?: Float32Array; dscale?: Float32Array; dbias?: Float32Array; dmean?: Float32Array; dvar?: Float32Array },
  dy: Float32Array,
  x: Float32Array,
  scale: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  epsilon: number,
  batch: number,
  channels: number,
  pixels: number,
): void {
  for (let c = 0; c < channels; c++) {
    const denom = variance[c]! + epsilon;
    const invStd = 1 / Math.sqrt(denom);
    const factor = scale[c]! * invStd;
    let sumDy = 0;
    let sumDyCentered = 0;
    for (let n = 0; n < batch; n++) {
      const start = (n * channels + c) * pixels;
      for (let i = start; i < start + pixels; i++) {
        const g = dy[i]!;
        sumDy += g;
        sumDyCentered += g * (x[i]! - mean[c]!);
        if (grads.dx) grads.dx[i] = g * factor;
      }
    }
    if (grads.dscale) grads.dscale[c] = sumDyCentered * invStd;
    if (grads.dbias) grads.dbias[c] = sumDy;
    if (grads.dmean) grads.dmean[c] = -sumDy * factor;
    if (grads.dvar) grads.dvar[c] = -0.5 * sumDyCentered * scale[c]! * invStd / denom;
  }
}

/**
 * Gradients of layerNormForward for x (rows, cols); `scale` expanded to cols entries; `mean` and
 * `invStd` (rows) as the forward computed them; dMean / dInvStd (rows) the gradients of those
 * outputs, when they have any. dscale / dbias (cols) come out unreduced over broadcast axes.
 */
export function layerNormBackward(
  grads: { dx?: Float32Array; dscale?: Float32Array; dbias?: Float32Array },
  dy: Float32Array,
  x: Float32Array,
  scale: Float32Array,
  mean: Float32Array,
  invStd: Float32Array,
  dMean: Float32Array | undefined,
  dInvStd: Float32Array | undefined,
  rows: number,
  cols: number,
): void {
  const dscale = new Float64Array(cols);
  const dbias = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const start = r * cols;
    const m = mean[r]!;
    const inv = invStd[r]!;
    let sumG = 0;
    let sumGXhat = 0;
    for (let j = 0; j < cols; j++) {
      const xhat = (x[start + j]! - m) * inv;
      const g = dy[start + j]! * scale[j]!;
      sumG += g;
      sumGXhat += g * xhat;
      dscale[j]! += dy[start + j]! * xhat;
      dbias[j]! += dy[start + j]!;
    }
    if (!grads.dx) continue;
    const meanExtra = dMean ? dMean[r]! / cols : 0;
    const invExtra = dInvStd ? -dInvStd[r]! * inv * inv / cols : 0;
    for (let j = 0; j < cols; j++) {
      const xhat = (x[start + j]! - m) * inv;
      const g = dy[start + j]! * scale[j]!;
      grads.dx[start + j] = inv * (g - sumG / cols - xhat * (sumGXhat / cols)) + meanExtra + invExtra * xhat;
    }
  }
  if (grads.dscale) grads.dscale.set(dscale);
  if (grads.dbias) grads.dbias.set(dbias);
}

/** Gradients of y (N, C, P) = x * scale[c] + bias[c]: dx = dy * scale, dscale = sum dy * x, dbias = sum dy. */
export function channelAffineBackward(
  grads: { dx: ArrayLike<number> & { [i: number]: number }; dscale: { [i: number]: number }; dbias: { [i: number]: number } },
  dy: ArrayLike<number>,
  x: ArrayLike<number>,
  scale: ArrayLike<number>,
  channels: number,
  pixels: number,
): void {
  const sums = new Float64Array(2 * channels);
  for (let base = 0, c = 0; base < dy.length; base += pixels, c = (c + 1) % channels) {
    const s = scale[c]!;
    for (let i = base; i < base + pixels; i++) {
      grads.dx[i] = dy[i]! * s;
      sums[c]! += dy[i]! * x[i]!;
      sums[channels + c]! += dy[i]!;
    }
  }
  for (let c = 0; c < channels; c++) {
    grads.dscale[c] = sums[c]!;
    grads.dbias[c] = sums[channels + c]!;
  }
}

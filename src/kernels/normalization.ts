/**
 * Normalisation kernels over flat Float32Arrays: inference-form batch normalisation (per channel,
 * with running statistics), layer normalisation (per row, statistics computed on the fly), and
 * softmax / log-softmax along one axis (opset-13 semantics: each vector along the axis on its own).
 * Sums are accumulated in double, so results differ from onnxruntime's float accumulation only in
 * the last bits.
 */

/**
 * out (N, C, P) = (x - mean[c]) / sqrt(variance[c] + epsilon) * scale[c] + bias[c], for x (N, C, P)
 * where P is the product of the spatial dimensions (1 for (N, C) inputs).
 */
export function batchNormForward(
  out: Float32Array,
  x: Float32Array,
  scale: Float32Array,
  bias: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  epsilon: number,
  batch: number,
  channels: number,
  pixels: number,
): void {
  for (let c = 0; c < channels; c++) {
    const factor = scale[c]! / Math.sqrt(variance[c]! + epsilon);
    const shift = bias[c]! - mean[c]! * factor;
    for (let n = 0; n < batch; n++) {
      const start = (n * channels + c) * pixels;
      for (let i = start; i < start + pixels; i++) out[i] = x[i]! * factor + shift;
    }
  }
}

/**
 * For x (rows, cols): out[r, j] = (x[r, j] - mean_r) * invStd_r * scale[j] + bias[j], with
 * mean_r and invStd_r = 1 / sqrt(var_r + epsilon) over row r (biased variance). `scale` and `bias`
 * have cols entries (bias may be undefined). When given, `meanOut` and `invStdOut` (rows) receive
 * the statistics.
 */
export function layerNormForward(
  out: Float32Array,
  meanOut: Float32Array | undefined,
  invStdOut: Float32Array | undefined,
  x: Float32Array,
  scale: Float32Array,
  bias: Float32Array | undefined,
  rows: number,
  cols: number,
  epsilon: number,
): void {
  for (let r = 0; r < rows; r++) {
    const start = r * cols;
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += x[start + j]!;
    const mean = sum / cols;
    let squares = 0;
    for (let j = 0; j < cols; j++) {
      const d = x[start + j]! - mean;
      squares += d * d;
    }
    const invStd = 1 / Math.sqrt(squares / cols + epsilon);
    for (let j = 0; j < cols; j++) {
      out[start + j] = (x[start + j]! - mean) * invStd * scale[j]! + (bias ? bias[j]! : 0);
    }
    if (meanOut) meanOut[r] = mean;
    if (invStdOut) invStdOut[r] = invStd;
  }
}

/**
 * out (outer, length, inner) = softmax (or log-softmax) of x along the middle axis. The maximum is
 * subtracted first so large logits do not overflow exp.
 */
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

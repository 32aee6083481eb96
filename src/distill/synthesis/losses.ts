/**
 * The synthesis losses on the teacher's values, each with its gradient (computed in double):
 *
 * - statisticLoss (ZeroQ / DeepInversion's BN term): for a value x of shape [N, C, ...], per channel
 *   c the batch mean m_c and standard deviation s_c over the batch and spatial positions, against a
 *   target (mu_c, sigma_c), in units of the target's spread d_c = max(sigma_c, floor):
 *     L = mean_c [ ((m_c - mu_c) / d_c)^2 + ((s_c - sigma_c) / d_c)^2 ]
 *     dL/dx_i = 2 / (C n d_c^2) [ (m_c - mu_c) + (s_c - sigma_c) (x_i - m_c) / s_c ]   (n = N * spatial)
 *   The floor (1e-2 of the layer's mean spread) keeps dead channels (sigma ~ 0) from dominating.
 * - featureLoss (Dream Distillation): per row, squared distance of the penultimate activation to
 *   its target, relative to the target's squared norm, averaged over rows.
 */
import { makeTensor, type Tensor } from '../../ir/tensor.js';
import type { StatTarget } from './graph-probe.js';

export interface LossWithGrad {
  value: number;
  grad: Tensor;
}

/** Per-channel batch mean and (biased) standard deviation of x [N, C, ...]. */
export function channelStatistics(x: Tensor): { mean: Float64Array; std: Float64Array } {
  const [batch, channels] = [x.shape[0] ?? 1, x.shape[1] ?? 1];
  const inner = x.data.length / (batch * channels);
  const mean = new Float64Array(channels);
  const sq = new Float64Array(channels);
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) {
      const start = (b * channels + c) * inner;
      let s = 0;
      for (let i = start; i < start + inner; i++) s += x.data[i]!;
      mean[c] = mean[c]! + s;
    }
  }
  const n = batch * inner;
  for (let c = 0; c < channels; c++) mean[c]! /= n;
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) {
      const start = (b * channels + c) * inner;
      const m = mean[c]!;
      let s = 0;
      for (let i = start; i < start + inner; i++) s += (x.data[i]! - m) ** 2;
      sq[c] = sq[c]! + s;
    }
  }
  const std = Float64Array.from(sq, (s) => Math.sqrt(s / n + 1e-12));
  return { mean, std };
}

/** The spread each channel's error is measured in: sigma_c, floored at 1% of the mean sigma. */
function spreads(target: StatTarget): Float64Array {
  const avg = target.std.reduce((a, b) => a + b, 0) / Math.max(1, target.std.length);
  const floor = Math.max(1e-2 * avg, 1e-6);
  return Float64Array.from(target.std, (s) => Math.max(s, floor));
}

export function statisticLoss(x: Tensor, target: StatTarget): LossWithGrad {
  const [batch, channels] = [x.shape[0] ?? 1, x.shape[1] ?? 1];
  const inner = x.data.length / (batch * channels);
  const n = batch * inner;
  const { mean, std } = channelStatistics(x);
  const d = spreads(target);
  const grad = makeTensor('float32', x.shape);
  let value = 0;
  const coefMean = new Float64Array(channels);
  const coefStd = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const dm = mean[c]! - target.mean[c]!;
    const ds = std[c]! - target.std[c]!;
    const d2 = d[c]! * d[c]!;
    value += (dm * dm + ds * ds) / d2;
    coefMean[c] = (2 * dm) / (channels * n * d2);
    coefStd[c] = (2 * ds) / (channels * n * d2 * std[c]!);
  }
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) {
      const start = (b * channels + c) * inner;
      const [cm, cs, m] = [coefMean[c]!, coefStd[c]!, mean[c]!];
      for (let i = start; i < start + inner; i++) grad.data[i] = cm + cs * (x.data[i]! - m);
    }
  }
  return { value: value / channels, grad };
}

/** Mean over rows of |f_r - t_r|^2 / (|t_r|^2 + 1e-6), for features f [N, D] and targets [N][D]. */
export function featureLoss(features: Tensor, targets: readonly Float64Array[]): LossWithGrad {
  const rows = targets.length;
  const dim = features.data.length / rows;
  const grad = makeTensor('float32', features.shape);
  let value = 0;
  for (let r = 0; r < rows; r++) {
    const t = targets[r]!;
    let norm = 1e-6;
    for (let k = 0; k < dim; k++) norm += t[k]! * t[k]!;
    for (let k = 0; k < dim; k++) {
      const diff = features.data[r * dim + k]! - t[k]!;
      value += (diff * diff) / norm;
      grad.data[r * dim + k] = (2 * diff) / (norm * rows);
    }
  }
  return { value: value / rows, grad };
}

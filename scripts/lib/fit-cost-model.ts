/**
 * The fit behind the CPU targets' cost coefficients. Method (weighted least squares with a
 * per-stack factor, not one constant per model):
 *
 *   measured cycles T(b, m) = latency x clock, for board/stack b and model m, predicted as
 *   s_b x [ sum_k r_k X_k(m) + q F(m) + E(m) ]
 *
 * X_k(m) the MACs of model m in layers of kind k (k x k conv, 1x1 conv, depthwise tied to 1x1
 * conv, fully connected), F(m) = sum over conv / 1x1 conv layers of MACs / (input channels x
 * kernel taps), i.e. their output elements (the few-input-channels term: a short dot product
 * pays its output's requantization and loop set-up over few MACs), E(m) the cycles fixed a
 * priori (pooling/elementwise/softmax/copy elements at per-element costs, the per-layer
 * overhead). r_k, q >= 0 are shared by the three calibration boards; s_b is one factor
 * per board and stack (1 for NUCLEO-L4R5ZI + microTVM). The residual is relative, (pred - T) / T,
 * since acceptance is relative. Alternating minimisation: for fixed s the problem is linear
 * (non-negative least squares, solved exactly over the active sets of 4 unknowns); for fixed r,
 * each s_b has a closed form. Derived targets get one factor each on the same profile.
 */
import { layerWork } from '../../src/cost/layer-work.js';
import { loadTarget } from '../../src/targets/load-targets.js';
import type { CpuCost, ElementKind } from '../../src/targets/target.js';
import { quantizedBenchmarks, type QuantizedBenchmark } from './calibration.js';
import type { PublishedRow } from './published-measurements.js';

/**
 * Depthwise / pointwise cycles per MAC, fixed from the instruction counts of CMSIS-NN's s8 kernels
 * on DS-CNN (mcu-data.md, QEMU Cortex-M4: 8.33 / 2.09): the four models cannot separate the two,
 * since every depthwise layer in them comes with a pointwise layer in about the same proportion.
 */
export const DEPTHWISE_PER_POINTWISE = 8.33 / 2.09;

/**
 * Cycles per layer invocation (interpreter or generated call, argument set-up, kernel prologue)
 * on the profile: an a-priori estimate, not fitted, because the four models cannot tell it from
 * the fully connected cost (AD is ten fully connected layers and little else).
 */
export const LAYER_OVERHEAD_CYCLES = 1000;

/**
 * Per-model features [conv MACs, pointwise MACs + tied depthwise MACs, fully connected MACs,
 * conv/pointwise output elements] and E, the cycles fixed a priori (elements of pools,
 * elementwise, softmax, copies at their per-element costs, and the per-layer overhead).
 */
export function features(b: QuantizedBenchmark, perElement: Record<ElementKind, number>): { x: number[]; e: number } {
  const x = [0, 0, 0, 0];
  let e = 0;
  for (const layer of b.model.layers) {
    const w = layerWork(layer, b.model);
    e += LAYER_OVERHEAD_CYCLES;
    if (w.kind === 'conv' || w.kind === 'conv1x1') {
      x[w.kind === 'conv' ? 0 : 1]! += w.macs;
      x[3]! += w.macs / (w.geometry!.inChannels * w.geometry!.kernelTaps);
    } else if (w.kind === 'depthwise') {
      x[1]! += DEPTHWISE_PER_POINTWISE * w.macs;
    } else if (w.kind === 'fully_connected') {
      x[2]! += w.macs;
    } else {
      e += w.elements * perElement[w.kind as ElementKind];
    }
  }
  return { x, e };
}

/** Solves the normal equations A^T A t = A^T y by Gaussian elimination (small, dense). */
function leastSquares(rows: number[][], y: number[], vars: number[]): number[] | undefined {
  const n = vars.length;
  const m = Array.from({ length: n }, (_, i) => [...vars.map((_, j) => rows.reduce((s, r) => s + r[vars[i]!]! * r[vars[j]!]!, 0)), rows.reduce((s, r, k) => s + r[vars[i]!]! * y[k]!, 0)]);
  for (let c = 0; c < n; c++) {
    const p = m.reduce((best, row, i) => (i >= c && Math.abs(row[c]!) > Math.abs(m[best]![c]!) ? i : best), c);
    [m[c], m[p]] = [m[p]!, m[c]!];
    const pivot = m[c]![c]!;
    if (Math.abs(pivot) < 1e-12) return undefined;
    for (let i = 0; i < n; i++) {
      if (i === c) continue;
      const f = m[i]![c]! / pivot;
      for (let j = c; j <= n; j++) m[i]![j]! -= f * m[c]![j]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/** Non-negative least squares by trying every active set (2^4 of them: exact and instant). */
function nnls(rows: number[][], y: number[]): number[] {
  const width = rows[0]!.length;
  let best: { t: number[]; err: number } | undefined;
  for (let mask = 1; mask < 1 << width; mask++) {
    const vars = [...Array(width).keys()].filter((i) => mask & (1 << i));
    const sol = leastSquares(rows, y, vars);
    if (!sol || sol.some((v) => v < 0)) continue;
    const t = new Array<number>(width).fill(0);
    vars.forEach((v, i) => (t[v] = sol[i]!));
    const err = rows.reduce((s, r, k) => s + (r.reduce((a, v, i) => a + v * t[i]!, 0) - y[k]!) ** 2, 0);
    if (!best || err < best.err) best = { t, err };
  }
  return best!.t;
}

export interface Observation {
  board: number;
  x: number[];
  e: number;
  cycles: number;
}

export interface Fit {
  /** r_conv, r_conv1x1 (depthwise tied to it), r_fully_connected, q (cycles per conv output). */
  theta: number[];
  /** One factor per board (index 0 fixed at 1). */
  scale: number[];
}

/** One factor s minimising sum ((s p - T) / T)^2 for fixed base predictions p. */
export function fitScale(predicted: number[], measured: number[]): number {
  const u = predicted.map((p, i) => p / measured[i]!);
  return u.reduce((a, v) => a + v, 0) / u.reduce((a, v) => a + v * v, 0);
}

export function fitProfile(obs: Observation[], boards: number): Fit {
  const scale = new Array<number>(boards).fill(1);
  let theta = [1, 1, 1, 0];
  for (let iter = 0; iter < 200; iter++) {
    const rows = obs.map((o) => o.x.map((v) => (scale[o.board]! * v) / o.cycles));
    theta = nnls(rows, obs.map((o) => 1 - (scale[o.board]! * o.e) / o.cycles));
    for (let b = 1; b < boards; b++) {
      const mine = obs.filter((o) => o.board === b);
      scale[b] = fitScale(mine.map((o) => o.x.reduce((s, v, i) => s + v * theta[i]!, o.e)), mine.map((o) => o.cycles));
    }
  }
  return { theta, scale };
}

export const perElementOf = () => (loadTarget('stm32l4r5').cost as CpuCost).cycles_per_element;

/** Observations of published rows (index = board factor) on the benchmarks. */
export function observations(rows: PublishedRow[]): Observation[] {
  const perElement = perElementOf();
  return rows.flatMap((r, board) => quantizedBenchmarks().map((b) => ({ board, ...features(b, perElement), cycles: r.latencyMs[b.name] * r.clockMhz * 1e3 })));
}

/**
 * Losses against values worked out by hand (and their gradients against central differences in
 * double, tolerance 1e-6), optimiser steps against PyTorch's update rules worked by hand, and the
 * cosine schedule at its landmarks.
 */
import { describe, expect, it } from 'vitest';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { crossEntropyLoss, klDivergenceLoss, mseLoss } from '../../src/train/losses.js';
import { adam, exponentialAverage, sgd } from '../../src/train/optimizers.js';
import type { Parameter } from '../../src/train/parameters.js';
import { cosineSchedule } from '../../src/train/schedule.js';

const t64 = (shape: number[], data: number[]) => makeTensor('float64', shape, data);
const close = (actual: ArrayLike<number>, expected: number[], tol = 1e-12) =>
  expected.forEach((e, i) => expect(Math.abs(actual[i]! - e), `element ${i}: ${actual[i]} vs ${e}`).toBeLessThanOrEqual(tol));

/** Central differences of f at every element of x (double, eps 1e-6). */
function numericGrad(x: Tensor, f: (x: Tensor) => number): number[] {
  return Array.from(x.data, (v, i) => {
    const at = (u: number) => {
      const c = makeTensor(x.dtype, x.shape, x.data);
      c.data[i] = u;
      return f(c);
    };
    return (at(v + 1e-6) - at(v - 1e-6)) / 2e-6;
  });
}

describe('losses', () => {
  it('MSE: mean of squared differences, gradient 2 (p - t) / n', () => {
    const loss = mseLoss(t64([3], [1, 2, 3]), t64([3], [1, 0, 5]));
    expect(loss.value).toBeCloseTo(8 / 3, 14);
    close(loss.grad.data, [0, 4 / 3, -4 / 3]);
  });

  it('cross-entropy: -log softmax at the label, averaged over rows', () => {
    // softmax [0, ln 2, ln 3] = [1/6, 2/6, 3/6]; softmax [ln 3, 0, 0] = [3/5, 1/5, 1/5].
    const logits = t64([2, 3], [0, Math.log(2), Math.log(3), Math.log(3), 0, 0]);
    const loss = crossEntropyLoss(logits, [2, 1]);
    expect(loss.value).toBeCloseTo((Math.log(2) + Math.log(5)) / 2, 14);
    close(loss.grad.data, [1 / 12, 1 / 6, -1 / 4, 3 / 10, -2 / 5, 1 / 10]);
    close(loss.grad.data, numericGrad(logits, (z) => crossEntropyLoss(z, [2, 1]).value), 1e-6);
  });

  it('KL divergence with temperature: T^2-scaled, gradient T (q - p) / rows, zero when equal', () => {
    // T = 2: teacher [2 ln 3, 0] / T gives p = [3/4, 1/4]; student [0, 0] gives q = [1/2, 1/2].
    const student = t64([1, 2], [0, 0]);
    const teacher = t64([1, 2], [2 * Math.log(3), 0]);
    const loss = klDivergenceLoss(student, teacher, 2);
    expect(loss.value).toBeCloseTo(4 * (0.75 * Math.log(1.5) + 0.25 * Math.log(0.5)), 14);
    close(loss.grad.data, [-0.5, 0.5]);
    const s = t64([2, 3], [0.3, -1, 2, 0.5, 0.1, -0.4]);
    const t = t64([2, 3], [1, 0.2, -0.3, -2, 0.7, 0.4]);
    const kl = klDivergenceLoss(s, t, 3);
    close(kl.grad.data, numericGrad(s, (x) => klDivergenceLoss(x, t, 3).value), 1e-6);
    close(kl.teacherGrad.data, numericGrad(t, (x) => klDivergenceLoss(s, x, 3).value), 1e-6);
    expect(klDivergenceLoss(s, s, 4).value).toBeCloseTo(0, 14);
  });
});

function param(value: number): Parameter {
  return { name: 'p', value: makeTensor('float32', [1], [value]), grad: new Float32Array(1) };
}

describe('optimisers', () => {
  it('SGD with momentum 0.9, lr 0.1: v = 0.9 v + g, p -= lr v', () => {
    const p = param(1);
    const opt = sgd([p], { momentum: 0.9 });
    p.grad[0] = 0.5;
    opt.step(0.1); // v = 0.5, p = 1 - 0.05
    expect(p.value.data[0]).toBeCloseTo(0.95, 6);
    p.grad[0] = -1;
    opt.step(0.1); // v = 0.45 - 1 = -0.55, p = 0.95 + 0.055
    expect(p.value.data[0]).toBeCloseTo(1.005, 6);
  });

  it('SGD with Nesterov and weight decay', () => {
    const p = param(1);
    const opt = sgd([p], { momentum: 0.9, nesterov: true, weightDecay: 0.1 });
    p.grad[0] = 0.5;
    opt.step(0.1); // g = 0.5 + 0.1 = 0.6, v = 0.6, update g + 0.9 v = 1.14
    expect(p.value.data[0]).toBeCloseTo(1 - 0.114, 6);
  });

  it('Adam: bias-corrected moments, as PyTorch', () => {
    const p = param(1);
    const opt = adam([p]);
    p.grad[0] = 0.5;
    opt.step(0.1); // m^ = 0.5, v^ = 0.25: step 0.1 * 0.5 / 0.5
    expect(p.value.data[0]).toBeCloseTo(0.9, 6);
    p.grad[0] = -1;
    opt.step(0.1);
    const m = 0.9 * 0.05 + 0.1 * -1;
    const v = 0.999 * 0.00025 + 0.001 * 1;
    const expected = 0.9 - (0.1 * (m / (1 - 0.9 ** 2))) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8);
    expect(p.value.data[0]).toBeCloseTo(expected, 6);
    expect(expected).toBeCloseTo(0.93661, 4);
  });

  it('exponential average: the first value, then d a + (1 - d) v, written back by apply', () => {
    const p = param(0);
    const average = exponentialAverage([p], 0.9);
    const values = [2, -1, 4, 0.5];
    for (const v of values) {
      p.value.data[0] = v;
      average.update();
    }
    // Closed form: d^(n-1) v1 + sum over k >= 2 of (1 - d) d^(n-k) v_k.
    const n = values.length;
    const expected = values.reduce((sum, v, k) => sum + (k === 0 ? 0.9 ** (n - 1) : 0.1 * 0.9 ** (n - 1 - k)) * v, 0);
    average.apply();
    expect(p.value.data[0]).toBeCloseTo(expected, 6);
    expect(() => exponentialAverage([p], 1)).toThrow(/decay/);
  });

  it('cosine schedule with warmup: linear climb, base at the end of warmup, half way at mid, min at the end', () => {
    const lr = cosineSchedule({ base: 1, totalSteps: 10, warmupSteps: 2, min: 0.1 });
    expect([lr(0), lr(1), lr(2)]).toEqual([0.5, 1, 1]);
    expect(lr(6)).toBeCloseTo(0.55, 12);
    expect(lr(10)).toBeCloseTo(0.1, 12);
    expect(lr(50)).toBeCloseTo(0.1, 12);
  });
});

/**
 * Oscillation freezing (src/distill/qat/oscillation.ts), driven by hand: latent weights are set
 * to chosen values around an int2 channel's rounding thresholds between calls to afterStep, as an
 * optimiser would move them, and the test checks which weights freeze, at which integer, and that
 * a frozen weight stays exactly on the grid while the step size keeps changing.
 */
import { describe, expect, it } from 'vitest';
import { OscillationFreezer } from '../../src/distill/qat/oscillation.js';
import type { Student } from '../../src/distill/qat/student.js';
import { makeTensor } from '../../src/ir/tensor.js';
import type { BitPolicy } from '../../src/pipeline/bit-policy.js';
import { LsqQuantizer } from '../../src/train/lsq.js';
import type { Parameter } from '../../src/train/parameters.js';

const STEP = 0.5;

/** One int2 layer of four weights, one channel with step STEP; and an int8 layer that is never tracked. */
function fixture(): { student: Student; w: Float32Array; step: Float32Array; w8: Float32Array; policy: BitPolicy } {
  const weight: Parameter = { name: 'w', value: makeTensor('float32', [1, 4], [0, 0, 0, 0]), grad: new Float32Array(4) };
  const weight8: Parameter = { name: 'w8', value: makeTensor('float32', [1, 2], [0.1, 0.2]), grad: new Float32Array(2) };
  const quantizer = new LsqQuantizer({ name: 'w', steps: Float32Array.of(STEP), channelAxis: 0, lo: -2, hi: 1, count: 4 });
  const quantizer8 = new LsqQuantizer({ name: 'w8', steps: Float32Array.of(0.01), channelAxis: 0, lo: -127, hi: 127, count: 2 });
  const student = {
    weights: [weight, weight8],
    weightQuantizers: [
      { node: 'n', weight: 'w', alpha: 1, quantizer },
      { node: 'n8', weight: 'w8', alpha: 1, quantizer: quantizer8 },
    ],
  } as unknown as Student;
  const policy = { perLayer: new Map([['n', 2], ['n8', 8]]) } as unknown as BitPolicy;
  return { student, w: weight.value.data as Float32Array, step: quantizer.parameter.value.data as Float32Array, w8: weight8.value.data as Float32Array, policy };
}

describe('oscillation freezing', () => {
  it('freezes the weight that flips back and forth across a threshold, at its average integer; not the others', () => {
    const { student, w, policy } = fixture();
    const freezer = new OscillationFreezer(student, policy, { threshold: 0.02, from: 10, belowBits: 3 });
    expect(freezer.counts).toEqual({ frozen: 0, tracked: 4 });
    let frozeAt = 0;
    for (let step = 1; step <= 40; step++) {
      // 0: flips between -1 and -2 every step (-1.4 s / -1.6 s) until frozen; 1: drifts one way
      // across three integers (changes never reverse); 2: still; 3: flips twice, then rests.
      if (freezer.counts.frozen === 0) w[0] = (step % 2 ? -1.4 : -1.6) * STEP;
      w[1] = (-2 + (3 * step) / 40) * STEP;
      w[2] = 0.9 * STEP;
      w[3] = (step === 3 ? 0.6 : 0.2) * STEP;
      freezer.afterStep(step);
      if (freezer.counts.frozen > 0 && frozeAt === 0) frozeAt = step;
    }
    // Frequency after k reversals (one per step from step 2) is 1 - 0.99^k: above 0.02 from the
    // third, but freezing waits for step 10.
    expect(frozeAt).toBe(10);
    expect(freezer.counts.frozen).toBe(1);
    // Frozen at the bias-corrected average of the integers it took, -1, -2, ... with the latest
    // (-2) weighing most: just below -1.5, so -2; not at its starting integer 0.
    expect(w[0]).toBe(-2 * STEP);
  });

  it('a frozen weight stays on the grid whatever the optimiser does, as the step size moves', () => {
    const { student, w, step, w8, policy } = fixture();
    const freezer = new OscillationFreezer(student, policy, { threshold: 0.02, from: 1, belowBits: 3 });
    for (let k = 1; k <= 200; k++) {
      w[0] = (k % 2 ? 0.45 : 0.55) * step[0]!; // flips between 0 and 1 until frozen
      freezer.afterStep(k);
    }
    expect(freezer.counts.frozen).toBe(1);
    const frozenValue = w[0]! / step[0]!;
    expect(Number.isInteger(frozenValue)).toBe(true);
    for (const s of [0.3, 0.7]) {
      step[0] = s;
      w[0] = -5; // the optimiser pushes it anywhere: afterStep puts it back
      freezer.afterStep(201);
      expect(w[0]).toBe(Math.fround(frozenValue * s));
    }
    expect(Array.from(w8)).toEqual([Math.fround(0.1), Math.fround(0.2)]); // the int8 layer is not tracked
  });
});

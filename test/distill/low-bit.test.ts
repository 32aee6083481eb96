/**
 * The 2-bit distillation settings, each against a reference no one here wrote:
 * - MSE-optimal ternary step sizes (student.ts) against Max's table ("Quantizing for minimum
 *   distortion", IRE Trans. IT-6, 1960): the best uniform 3-level quantizer of a unit Gaussian has
 *   step 1.224 and mean square error 0.1902;
 * - the augmentation's smooth random field against onnxruntime's bilinear Resize (half_pixel) of
 *   the same coarse grid, its box blur against a direct 2-D window mean, its range and determinism;
 * - lowBitSettings: nothing changes at 4 bits; the user's real data is neither augmented nor
 *   feature-weighted, and only it trains unclipped.
 */
import { describe, expect, it } from 'vitest';
import { boxBlur, spatialAugmentation, smoothField } from '../../src/distill/qat/augment.js';
import { mseOptimalSteps } from '../../src/distill/qat/student.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { LOW_BIT_FEATURE_WEIGHT, lowBitSettings, OSCILLATION_FREEZING } from '../../src/pipeline/distill-stage.js';
import { rng } from '../../src/util/random.js';
import { buildModel } from '../helpers/onnx-builder.js';
import { runOrt } from '../helpers/ort.js';

/** Standard normal draws by Box-Muller over the seeded generator. */
function gaussian(count: number, sigma: number, seed: number): number[] {
  const r = rng(seed);
  return Array.from({ length: count }, () => sigma * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()));
}

/** int2's grid: round half away from zero, clamped to [-2, 1] (quant/weights.ts QMIN, QMAX). */
const int2 = (x: number, s: number) => Math.max(-2, Math.min(1, Math.sign(x) * Math.round(Math.abs(x) / s)));

/** E[(x - s q(x))^2] for x ~ N(0, 1), by the trapezoid rule on [-8, 8] (an independent reference). */
function gaussianDistortion(s: number): number {
  const n = 16000;
  const h = 16 / n;
  let total = 0;
  for (let i = 0; i <= n; i++) {
    const x = -8 + i * h;
    const f = ((x - s * int2(x, s)) ** 2 * Math.exp(-x * x / 2)) / Math.sqrt(2 * Math.PI);
    total += i === 0 || i === n ? f / 2 : f;
  }
  return total * h;
}

describe('MSE-optimal 2-bit weight steps', () => {
  it('match the step minimising the integrated Gaussian distortion on the grid [-2, 1], per channel', () => {
    // The reference: the integral minimised over s in [0.5, 2] on a 0.002 grid (1.048 sigma,
    // 0.1494 sigma^2; the symmetric ternary grid's best, Max's 3-level quantizer, is 0.1902 sigma^2).
    let best = { s: 0, d: Infinity };
    for (let s = 0.5; s <= 2; s += 0.002) {
      const d = gaussianDistortion(s);
      if (d < best.d) best = { s, d };
    }
    expect(best.d).toBeLessThan(0.1902);
    const sigmas = [0.5, 0.02];
    const per = 20000;
    const data = Float32Array.from(sigmas.flatMap((s, c) => gaussian(per, s, 11 + c)));
    const steps = mseOptimalSteps(makeTensor('float32', [2, per], data), 0, 2);
    sigmas.forEach((sigma, c) => expect(Math.abs(steps[c]! / sigma - best.s), `channel ${c}`).toBeLessThan(0.04));
    // The sample distortion at the chosen step, against the integral's minimum; and far below the max|w| step's.
    const mse = (values: ArrayLike<number>, s: number) => Array.from(values).reduce((e, x) => e + (x - s * int2(x, s)) ** 2, 0) / values.length;
    const first = data.subarray(0, per);
    expect(Math.abs(mse(first, steps[0]!) / 0.25 - best.d)).toBeLessThan(0.01);
    const max = first.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    expect(mse(first, max)).toBeGreaterThan(3 * mse(first, steps[0]!));
  });
});

describe('spatial augmentation of synthetic batches', () => {
  it('smooth field = onnxruntime bilinear Resize (half_pixel) of its coarse grid', async () => {
    for (const [h, w, seed] of [
      [32, 32, 3],
      [49, 10, 4],
    ] as const) {
      // Replay the generator: the first two draws pick the grid size, the next gh * gw fill it.
      const replay = rng(seed);
      const gh = 2 + Math.floor(replay() * 7);
      const gw = 2 + Math.floor(replay() * 7);
      const grid = Float32Array.from({ length: gh * gw }, () => -1 + 3 * replay());
      const field = smoothField(h, w, [-1, 2], rng(seed));
      const model = buildModel({
        opset: 13,
        nodes: [{ op: 'Resize', inputs: ['x', '', '', 'sizes'], outputs: ['y'], attrs: { mode: 'linear', coordinate_transformation_mode: 'half_pixel' } }],
        inputs: [{ name: 'x', shape: [1, 1, gh, gw] }],
        outputs: [{ name: 'y' }],
        initializers: [{ name: 'sizes', dtype: 'int64', shape: [4], data: [1, 1, h, w] }],
      });
      const ort = (await runOrt(model, { x: makeTensor('float32', [1, 1, gh, gw], grid) })).get('y')!;
      expect(ort.data.length).toBe(h * w);
      field.forEach((v, i) => expect(Math.abs(v - Number(ort.data[i]))).toBeLessThan(1e-5));
    }
  });

  it('box blur = the mean over the window cut at the plane edges', () => {
    const h = 7;
    const w = 5;
    const plane = Float32Array.from({ length: h * w }, rng(9));
    const blurred = Float32Array.from(plane);
    boxBlur(blurred, new Float32Array(h * w), h, w, 2, 1);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let sum = 0;
        let n = 0;
        for (let yy = Math.max(0, y - 2); yy <= Math.min(h - 1, y + 2); yy++) for (let xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) [sum, n] = [sum + plane[yy * w + xx]!, n + 1];
        expect(Math.abs(blurred[y * w + x]! - sum / n)).toBeLessThan(1e-6);
      }
    }
  });

  it('keeps values in the input range, is deterministic, and leaves vector inputs alone', () => {
    expect(spatialAugmentation([1, 64], [0, 1])).toBeUndefined();
    const augment = spatialAugmentation([1, 3, 32, 32], [0, 1])!;
    const shape = [4, 3, 32, 32];
    const source = Float32Array.from({ length: 4 * 3 * 1024 }, rng(5));
    const [a, b] = [Float32Array.from(source), Float32Array.from(source)];
    augment(a, shape, rng(1));
    augment(b, shape, rng(1));
    expect(a).toEqual(b);
    expect(a).not.toEqual(source);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThanOrEqual(1);
  });
});

describe('lowBitSettings', () => {
  it('changes nothing at 4 bits; at 2 bits weighs features and freezes oscillations on synthetic data (augmented only when not anchored by statistics), unclips on real data', () => {
    expect(lowBitSettings(4, 'free-synthetic', [1, 3, 32, 32], [0, 1])).toEqual({});
    const free = lowBitSettings(2, 'free-synthetic', [1, 3, 32, 32], [0, 1]);
    expect(free.augment).toBeTypeOf('function');
    expect(free).toMatchObject({ mseStepInitBelow: 3, featureWeight: LOW_BIT_FEATURE_WEIGHT, freezeOscillations: OSCILLATION_FREEZING });
    expect(free.unclippedBelowBits).toBeUndefined();
    expect(lowBitSettings(2, 'anchored-synthetic', [1, 3, 32, 32], [0, 1])).toEqual({ mseStepInitBelow: 3, featureWeight: LOW_BIT_FEATURE_WEIGHT, freezeOscillations: OSCILLATION_FREEZING });
    expect(lowBitSettings(2, 'user', [1, 3, 32, 32], [0, 1])).toEqual({ mseStepInitBelow: 3, unclippedBelowBits: 3 });
  });
});

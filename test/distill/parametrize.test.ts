/**
 * The synthesizer's coarse parametrisation and jitter (src/distill/synthesis/parametrize.ts):
 * - upsampling equals onnxruntime's Resize (linear, half_pixel, output sizes given) within 1e-5,
 *   for an integer factor (32x32 from 8x8) and a non-integer one (49x10 from 13x8: a coarse axis keeps at least 8 points);
 * - `reduce` is the transpose of `expand`: <U z, g> = <z, U^T g> to 1e-9 relative, summed in double
 *   (the identity any adjoint must satisfy, whatever the interpolation);
 * - roll by (dy, dx) then by (-dy, -dx) is the identity, and a roll moves pixel (0, 0) to (dy, dx);
 * - the folded-BN prior probes one grid per distinct grid its resolution factors give, and takes
 *   the coarsest of those that fit within GRID_TOLERANCE of the best.
 */
import { describe, expect, it } from 'vitest';
import { distinctGrids, lowResolution, PRIOR_RESOLUTIONS, roll } from '../../src/distill/synthesis/parametrize.js';
import { coarsestOfBest, GRID_TOLERANCE } from '../../src/distill/synthesis/run-batches.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { buildModel } from '../helpers/onnx-builder.js';
import { maxAbsDiff, runOrt } from '../helpers/ort.js';
import { randomTensor } from '../helpers/random.js';

async function ortResize(z: Float32Array, zShape: number[], outShape: number[]): Promise<Float32Array> {
  const model = buildModel({
    opset: 13,
    nodes: [{ op: 'Resize', inputs: ['z', 'roi', 'scales', 'sizes'], outputs: ['x'], attrs: { mode: 'linear', coordinate_transformation_mode: 'half_pixel' } }],
    inputs: [{ name: 'z', shape: zShape }],
    outputs: [{ name: 'x', shape: outShape }],
    initializers: [
      { name: 'roi', shape: [0], data: [] },
      { name: 'scales', shape: [0], data: [] },
      { name: 'sizes', dtype: 'int64', shape: [4], data: outShape },
    ],
  });
  const out = await runOrt(model, { z: makeTensor('float32', zShape, z) });
  return out.get('x')!.data as Float32Array;
}

describe('coarse parametrisation', () => {
  const cases: [number[], number, number[]][] = [
    [[2, 3, 32, 32], 4, [2, 3, 8, 8]],
    [[2, 1, 49, 10], 4, [2, 1, 13, 8]],
  ];
  for (const [shape, factor, coarse] of cases) {
    it(`${shape.join('x')} from ${coarse.join('x')}: matches onnxruntime Resize and its transpose is exact`, async () => {
      const up = lowResolution(shape, factor)!;
      expect(up.shape).toEqual(coarse);
      const z = randomTensor([...coarse], 7, 0, 1).data as Float32Array;
      const x = new Float32Array(shape.reduce((a, b) => a * b, 1));
      up.expand(z, x);
      expect(maxAbsDiff(x, await ortResize(z, [...coarse], [...shape]))).toBeLessThan(1e-5);
      const g = randomTensor([...shape], 8).data as Float32Array;
      const gz = new Float32Array(z.length);
      up.reduce(g, gz);
      let left = 0;
      let right = 0;
      for (let i = 0; i < x.length; i++) left += x[i]! * g[i]!;
      for (let i = 0; i < z.length; i++) right += z[i]! * gz[i]!;
      expect(Math.abs(left - right)).toBeLessThan(1e-5 * Math.max(1, Math.abs(left)));
    });
  }
  it('no parametrisation for non-image inputs or factor 1', () => {
    expect(lowResolution([4, 64], 4)).toBeUndefined();
    expect(lowResolution([4, 3, 32, 32], 1)).toBeUndefined();
    expect(lowResolution([4, 1, 8, 8], 4)).toBeUndefined();
  });
});

describe('roll', () => {
  it('moves pixel (0, 0) to (dy, dx) and is undone by the opposite shift', () => {
    const shape = [2, 3, 5, 7];
    const x = randomTensor(shape, 3).data as Float32Array;
    const y = new Float32Array(x.length);
    const back = new Float32Array(x.length);
    roll(x, shape, 2, -3, y);
    expect(y[2 * 7 + 4]).toBe(x[0]);
    roll(y, shape, -2, 3, back);
    expect(Array.from(back)).toEqual(Array.from(x));
  });
});

describe('the grids the folded-BN prior probes', () => {
  it('one per distinct grid: coarser by each factor, no axis below 8 points unless the input is', () => {
    expect(distinctGrids([1, 1, 49, 10], PRIOR_RESOLUTIONS)).toEqual([
      { factor: 1, grid: [49, 10] },
      { factor: 2, grid: [25, 8] },
      { factor: 4, grid: [13, 8] },
      { factor: 8, grid: [8, 8] },
    ]);
    expect(distinctGrids([1, 3, 32, 32], PRIOR_RESOLUTIONS)).toEqual([
      { factor: 1, grid: [32, 32] },
      { factor: 2, grid: [16, 16] },
      { factor: 4, grid: [8, 8] },
    ]);
    expect(distinctGrids([1, 1, 8, 8], PRIOR_RESOLUTIONS)).toEqual([{ factor: 1, grid: [8, 8] }]);
    expect(distinctGrids([1, 64], PRIOR_RESOLUTIONS)).toEqual([{ factor: 1, grid: [] }]);
  });
});

describe('the grid the folded-BN prior draws on', () => {
  const probes = (...fits: number[]) => fits.map((fit, k) => ({ grid: [k], fit }));
  it('the coarsest grid within GRID_TOLERANCE of the best fit', () => {
    expect(GRID_TOLERANCE).toBe(0.1);
    expect(coarsestOfBest(probes(0.13, 0.07, 0.055, 0.046)).grid).toEqual([3]);
    expect(coarsestOfBest(probes(0.041, 0.033, 0.027, 0.0275)).grid).toEqual([3]); // a near-tie goes to the coarser
    expect(coarsestOfBest(probes(0.041, 0.033, 0.027, 0.0296)).grid).toEqual([3]); // 0.0296 <= 1.1 x 0.027 = 0.0297
    expect(coarsestOfBest(probes(0.041, 0.033, 0.027, 0.0298)).grid).toEqual([2]); // 0.0298 > 0.0297
    expect(coarsestOfBest(probes(0.02, 0.05, 0.06)).grid).toEqual([0]); // full resolution when it fits clearly best
  });
});
